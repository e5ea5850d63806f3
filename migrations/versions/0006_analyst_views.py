"""analysts' views: ledger, holdings, pipeline and stage history, funding rounds, hub KPIs vs
targets, fund performance (models.views)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 18:00:00.000000
"""
from collections.abc import Sequence

from alembic import op

from models import views


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    views.create_all(op, op.get_bind().dialect.name)


def downgrade() -> None:
    views.drop_all(op, op.get_bind().dialect.name)
