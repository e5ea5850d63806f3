"""The people who may sign in: adding them, their role, funds, password and status (admins).

A username is 3-120 characters of a-z, 0-9 and ``. _ @ + -``, starting with a letter or digit,
kept in lower case (so it is unique regardless of case); in OIDC mode it is the person's
e-mail. Every change is made through the session, so the audit log records it. An
administrator cannot remove the last active administrator (by role change or deactivation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, SQLModel, col, select

from fund.access import ROLES, Actor, require
from fund.auth import (
    SignInFailed,
    actor_of,
    check_password,
    find_user,
    hash_password,
    store_hash,
)
from models.fund import Fund
from models.users import AppUser, UserFund
from models.validation import InputError

USERNAME = re.compile(r"[a-z0-9][a-z0-9._@+-]{2,119}")
NOT_AUTHORISED = "not authorised: ask an administrator to add {who} as a user"


class UserCreate(SQLModel):
    """A new user as a form or the CLI gives it (checked by ``create_user``)."""

    username: str
    display_name: str = ""
    role: str
    password: str | None = None  # None: cannot sign in with a password (OIDC only)
    funds: list[int] = []


@dataclass(frozen=True)
class UserView:
    """A user as the admin page and the CLI list them (never the hash)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    has_password: bool
    failed_attempts: int
    locked_until: datetime | None
    last_login_at: datetime | None
    funds: tuple[int, ...]


def _view(session: Session, user: AppUser) -> UserView:
    funds = session.exec(select(UserFund.fund_id).where(UserFund.user_id == user.id)).all()
    return UserView(user.id or 0, user.username, user.display_name, user.role, user.active,
                    user.password_hash is not None, user.failed_attempts, user.locked_until,
                    user.last_login_at, tuple(sorted(funds)))  # fmt: skip


def list_users(*, session: Session) -> list[UserView]:
    """Every user, by username."""
    users = session.exec(select(AppUser).order_by(col(AppUser.username))).all()
    return [_view(session, u) for u in users]


def _username(value: str) -> str:
    name = (value or "").strip().lower()
    if not USERNAME.fullmatch(name):
        raise InputError(
            f"username: {value!r} is not 3-120 characters of a-z, 0-9 and . _ @ + - "
            "starting with a letter or digit"
        )
    return name


def _role(value: str) -> str:
    if value not in ROLES:
        raise InputError(f"role: {value!r} is not one of: {', '.join(ROLES)}")
    return value


def _user(session: Session, user_id: int) -> AppUser:
    user = session.get(AppUser, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise InputError(f"user_id: {user_id!r} is not a known user")
    return user


def _fund_ids(session: Session, role: str, fund_ids: Iterable[int]) -> list[int]:
    wanted = list(dict.fromkeys(fund_ids))
    if wanted and role != "fund_manager":
        raise InputError(f"funds: {wanted} given, but only fund managers are assigned to funds")
    for fund_id in wanted:
        if not isinstance(fund_id, int) or session.get(Fund, fund_id) is None:
            raise InputError(f"funds: {fund_id!r} is not a known fund")
    return wanted


def _keep_an_admin(session: Session, user: AppUser) -> None:
    """Refuse a change that would take away the last active administrator."""
    others = session.exec(
        select(AppUser.id).where(
            AppUser.role == "admin", col(AppUser.active), col(AppUser.id) != user.id
        )
    ).first()
    if user.role == "admin" and user.active and others is None:
        raise InputError(f"user: {user.username!r} is the last active administrator")


def create_user(*, session: Session, actor: Actor, user_in: UserCreate) -> UserView:
    """Add a user (administrators only); the password, when given, must meet the policy."""
    require(actor, "admin", action="add a user")
    username = _username(user_in.username)
    role = _role(user_in.role)
    if find_user(session=session, username=username) is not None:
        raise InputError(f"username: {username!r} is already taken")
    display = (user_in.display_name or "").strip() or username
    if len(display) > 200:
        raise InputError(f"display_name: {display[:40]!r}... is longer than 200 characters")
    funds = _fund_ids(session, role, user_in.funds)
    hashed = None
    if user_in.password is not None:
        hashed = hash_password(check_password(session=session, password=user_in.password))
    user = AppUser(username=username, display_name=display, role=role)
    session.add(user)
    if hashed is not None:
        store_hash(session=session, user=user, hashed=hashed)
    session.flush()
    session.add_all(UserFund(user_id=user.id or 0, fund_id=f) for f in funds)
    session.flush()
    return _view(session, user)


def set_role(*, session: Session, actor: Actor, user_id: int, role: str) -> UserView:
    """Change a user's role (administrators only); fund assignments stay, used as fund manager."""
    require(actor, "admin", action="change a user's role")
    user = _user(session, user_id)
    if _role(role) != "admin":
        _keep_an_admin(session, user)
    user.role = role
    session.add(user)
    session.flush()
    return _view(session, user)


def assign_funds(
    *, session: Session, actor: Actor, user_id: int, fund_ids: Iterable[int]
) -> UserView:
    """Make ``fund_ids`` the funds a fund manager works on (administrators only)."""
    require(actor, "admin", action="assign funds to a user")
    user = _user(session, user_id)
    wanted = set(_fund_ids(session, user.role, fund_ids))
    rows = session.exec(select(UserFund).where(UserFund.user_id == user.id)).all()
    for row in rows:
        if row.fund_id not in wanted:
            session.delete(row)
    have = {row.fund_id for row in rows}
    session.add_all(UserFund(user_id=user.id or 0, fund_id=f) for f in sorted(wanted - have))
    session.flush()
    return _view(session, user)


def set_password(*, session: Session, actor: Actor, user_id: int, password: str) -> UserView:
    """Set a new password (administrators only); it also clears a lockout."""
    require(actor, "admin", action="set a user's password")
    user = _user(session, user_id)
    hashed = hash_password(check_password(session=session, password=password))
    store_hash(session=session, user=user, hashed=hashed)
    user.failed_attempts, user.locked_until = 0, None
    session.add(user)
    session.flush()
    return _view(session, user)


def set_active(*, session: Session, actor: Actor, user_id: int, active: bool) -> UserView:
    """Deactivate (the user can no longer sign in; a signed-in session ends at its next
    action) or reactivate a user; administrators only. Nothing is deleted."""
    require(actor, "admin", action="deactivate or reactivate a user")
    user = _user(session, user_id)
    if not active:
        _keep_an_admin(session, user)
    user.active = bool(active)
    session.add(user)
    session.flush()
    return _view(session, user)


def deactivate(*, session: Session, actor: Actor, user_id: int) -> UserView:
    """Deactivate a user (see ``set_active``)."""
    return set_active(session=session, actor=actor, user_id=user_id, active=False)


def unlock(*, session: Session, actor: Actor, user_id: int) -> UserView:
    """Lift a lockout and reset the failed-attempt count (administrators only)."""
    require(actor, "admin", action="unlock a user")
    user = _user(session, user_id)
    user.failed_attempts, user.locked_until = 0, None
    session.add(user)
    session.flush()
    return _view(session, user)


def actor_for_username(*, session: Session, username: str) -> Actor | None:
    """The actor of an active user named ``username`` now, or None (unknown or deactivated).

    The app calls this on every run of a signed-in session, so a role change, new fund
    assignments or a deactivation apply at the person's next action.
    """
    user = find_user(session=session, username=username)
    return actor_of(session=session, user=user) if user is not None and user.active else None


def actor_for_identity(*, session: Session, email: str | None, name: str | None) -> Actor:
    """The actor for an OIDC identity: the active user whose username is ``email``
    (case-insensitive), else ``SignInFailed`` ("not authorised: ask an administrator ...")."""
    who = (email or "").strip()
    actor = actor_for_username(session=session, username=who) if who else None
    if actor is None:
        shown = f"{name} <{who}>" if name and who else who or name or "this identity (no e-mail)"
        raise SignInFailed(NOT_AUTHORISED.format(who=shown))
    return actor
