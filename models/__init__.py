"""Hubfund's store: SQLModel tables, their Create/Update/Public shapes, the engine and queries.

Importing the package registers every table on ``SQLModel.metadata`` (Alembic reads it).
"""

from models import (  # noqa: F401  (register tables)
    audit,
    fund,
    fx,
    hub,
    kpi,
    ledger,
    monitoring,
    pipeline,
    snapshots,
    sourcing,
    users,
    valuation,
)
