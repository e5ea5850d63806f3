"""Signing in: the configured mode, Argon2 password hashes, and password sign-in with lockout.

Three modes (``HUBFUND_AUTH_MODE``): ``local`` (one administrator, the app bound to a loopback
address only), ``password`` (people in ``app_user`` with Argon2id hashes made by argon2-cffi's
``PasswordHasher``, RFC 9106) and ``oidc`` (Streamlit's ``st.login``; the identity's e-mail is
mapped to an ``app_user`` row by ``fund.users.actor_for_identity``).

Lockout: after ``lockout_attempts`` consecutive failed passwords (a setting, default 5) the
account is locked for ``lockout_minutes`` (default 15); a successful sign-in resets the count.
An unknown username and a wrong password get the same message, and an unknown username still
costs one hash verification, so neither the message nor the time tells them apart.

A hash never reaches the audit log (which analysts may read): ``store_hash`` writes it with a
plain UPDATE, outside the audit hook, and records an audit row saying that it changed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, func, select

from fund.access import Actor
from fund.settings import get_setting
from models.audit import AuditLog
from models.types import utcnow
from models.users import AppUser, UserFund
from models.validation import InputError

REDACTED = "[redacted]"
MODES: tuple[str, ...] = ("local", "password", "oidc")
LOOPBACK: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})
WRONG = "unknown username or wrong password"
HASHER = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile


class SignInFailed(Exception):
    """Sign-in refused; ``str()`` is the message to show (it never says which part was wrong)."""


def auth_mode(environ: Mapping[str, str] | None = None) -> str:
    """The configured mode: ``HUBFUND_AUTH_MODE`` (default ``local``), or ``InputError``."""
    env = os.environ if environ is None else environ
    mode = (env.get("HUBFUND_AUTH_MODE") or "local").strip().lower()
    if mode not in MODES:
        raise InputError(f"HUBFUND_AUTH_MODE: {mode!r} is not one of: {', '.join(MODES)}")
    return mode


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` answers this machine only (unset: every address)."""
    return (address or "").strip().strip("[]").lower() in LOOPBACK


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (salted; the parameters are part of the text)."""
    return HASHER.hash(password)


def check_password(*, session: Session, password: str) -> str:
    """``password`` if it meets the policy (at least ``password_min_length`` characters, not
    only spaces), else ``InputError``; the message gives the length, never the password."""
    least = int(get_setting(session=session, key="password_min_length"))
    if not isinstance(password, str) or not password.strip():
        raise InputError("password: empty")
    if len(password) < least:
        raise InputError(f"password: {len(password)} characters, at least {least} are needed")
    if len(password) > 1024:
        raise InputError(f"password: {len(password)} characters, at most 1024 are allowed")
    return password


def store_hash(*, session: Session, user: AppUser, hashed: str | None) -> None:
    """Give ``user`` the password hash ``hashed`` (None: no password), audited as a change of
    ``password_hash`` whose old and new values read ``[redacted]``."""
    session.flush()  # the user's row exists and has its id
    session.execute(update(AppUser).where(AppUser.id == user.id).values(password_hash=hashed))
    set_committed_value(user, "password_hash", hashed)
    row = {"at": utcnow(), "actor": str(session.info.get("actor") or "system"),
           "action": "update", "table_name": AppUser.__tablename__,
           "row_key": json.dumps([user.id]), "old_values": {"password_hash": REDACTED},
           "new_values": {"password_hash": REDACTED}}  # fmt: skip
    session.execute(insert(AuditLog.__table__), [row])


@cache
def _dummy_hash() -> str:
    return HASHER.hash("hubfund: no such user, spend the same time")


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def find_user(*, session: Session, username: str) -> AppUser | None:
    """The user whose username is ``username`` (case-insensitive, surrounding spaces ignored)."""
    name = username.strip().lower()
    return session.exec(select(AppUser).where(func.lower(AppUser.username) == name)).first()


def actor_of(*, session: Session, user: AppUser) -> Actor:
    """The ``Actor`` a user acts as: named by username; a fund manager with their funds."""
    funds: frozenset[int] | None = None
    if user.role == "fund_manager":
        rows = session.exec(select(UserFund.fund_id).where(UserFund.user_id == user.id)).all()
        funds = frozenset(rows)
    return Actor(name=user.username, role=user.role, funds=funds)


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def locked_message(until: datetime) -> str:
    """What a locked account is told: ``account locked until 14:05 UTC``."""
    return f"too many failed sign-ins: account locked until {until:%H:%M} UTC"


def authenticate(
    *, session: Session, username: str, password: str, now: datetime | None = None
) -> Actor:
    """The ``Actor`` for a correct username and password of an active, unlocked account.

    Otherwise ``SignInFailed``: ``WRONG`` for an unknown, inactive or password-less user and
    for a wrong password; the lockout message while locked (the password is not checked) and
    on the failure that locks. A failure's count is committed before raising, so it survives
    the caller's rollback. Success resets the count, stamps ``last_login_at`` and re-hashes a
    hash made with older parameters (``check_needs_rehash``); the caller commits.
    """
    now = _as_utc(now or utcnow())
    user = find_user(session=session, username=username or "")
    if user is None or not user.active or user.password_hash is None:
        _verify(None, password or "")
        raise SignInFailed(WRONG)
    if user.locked_until is not None and _as_utc(user.locked_until) > now:
        raise SignInFailed(locked_message(_as_utc(user.locked_until)))
    if not _verify(user.password_hash, password or ""):
        user.failed_attempts += 1
        message = WRONG
        if user.failed_attempts >= int(get_setting(session=session, key="lockout_attempts")):
            minutes = int(get_setting(session=session, key="lockout_minutes"))
            user.locked_until, user.failed_attempts = now + timedelta(minutes=minutes), 0
            message = locked_message(user.locked_until)
        session.add(user)
        session.commit()
        raise SignInFailed(message)
    if HASHER.check_needs_rehash(user.password_hash):
        store_hash(session=session, user=user, hashed=hash_password(password))
    user.failed_attempts, user.locked_until, user.last_login_at = 0, None, now
    session.add(user)
    session.flush()
    return actor_of(session=session, user=user)
