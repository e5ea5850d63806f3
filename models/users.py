"""People who sign in (password mode), the funds a fund manager is assigned to, saved SQL
queries and application settings. The rules live in ``fund.auth`` and ``fund.analyst_sql``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, utcnow


class AppUser(SQLModel, table=True):
    """A person: a unique username, a role, an Argon2 password hash (None: OIDC only)."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=120, unique=True, index=True)  # or the OIDC e-mail
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=20)  # one of fund.access.ROLES
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    failed_attempts: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)
    last_login_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class UserFund(SQLModel, table=True):
    """Fund manager ``user_id`` may work on fund ``fund_id``."""

    __tablename__ = "user_fund"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", primary_key=True)


class SavedQuery(SQLModel, table=True):
    """A read-only SQL query an analyst kept under a name."""

    __tablename__ = "saved_query"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(max_length=120, index=True)
    name: str = Field(max_length=120)
    sql: str = Field(sa_type=Text)
    note: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)


class AppSetting(SQLModel, table=True):
    """An application setting an admin can change (key -> text value)."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(max_length=1000)
    updated_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)
