"""Application settings an administrator can change: the known keys, their types and limits.

A setting is stored as text in ``app_setting`` (one row per key that differs from, or was once
set from, its default); a key never set reads as its default. Reading is open to every role
(the SQL page reads its limits); writing is the administrator's, audited like every write.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from fund.access import Actor, require
from models.types import utcnow
from models.users import AppSetting
from models.validation import InputError

Value = int | float


@dataclass(frozen=True)
class Setting:
    """A known setting: its type (``int`` or ``float``), default, inclusive range and meaning."""

    key: str
    kind: type[int] | type[float]
    default: Value
    low: Value
    high: Value
    label: str
    description: str


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("sql_time_limit_seconds", float, 1.0, 0.1, 60.0, "SQL time limit (s)",
                "The longest an analyst's read-only SQL query may run before it is cancelled."),
        Setting("sql_row_cap", int, 10000, 1, 1_000_000, "SQL row cap",
                "The most rows the SQL page returns (and exports) for one query."),
        Setting("lockout_attempts", int, 5, 1, 100, "Sign-in attempts before lockout",
                "Consecutive failed password sign-ins after which the account is locked."),
        Setting("lockout_minutes", int, 15, 1, 1440, "Lockout (minutes)",
                "How long an account stays locked after too many failed sign-ins."),
        Setting("password_min_length", int, 12, 12, 128, "Minimum password length",
                "The fewest characters a new password may have (never fewer than 12)."),
    )
}  # fmt: skip


def _known(key: str) -> Setting:
    if key not in SETTINGS:
        raise InputError(f"setting {key!r} is not known (known: {', '.join(SETTINGS)})")
    return SETTINGS[key]


def parse_setting(*, key: str, value: object) -> Value:
    """``value`` (text or number) as the setting's type, or ``InputError`` naming key and value."""
    setting = _known(key)
    text = str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InputError(f"setting {key}: {value!r} is not a number") from None
    if not number.is_finite():
        raise InputError(f"setting {key}: {value!r} is not a finite number")
    if setting.kind is int and number != number.to_integral_value():
        raise InputError(f"setting {key}: {value!r} is not a whole number")
    parsed: Value = int(number) if setting.kind is int else float(number)
    if not setting.low <= parsed <= setting.high:
        raise InputError(f"setting {key}: {value!r} is outside {setting.low} to {setting.high}")
    return parsed


def get_setting(*, session: Session, key: str) -> Value:
    """The setting's current value: the stored one, else its default.

    A stored value that no longer passes the setting's rules (e.g. a range narrowed since)
    reads as the default rather than failing every page that reads it.
    """
    setting = _known(key)
    row = session.get(AppSetting, key)
    if row is None:
        return setting.default
    try:
        return parse_setting(key=key, value=row.value)
    except InputError:
        return setting.default


def all_settings(*, session: Session) -> dict[str, Value]:
    """Every known setting with its current value, in declaration order."""
    return {key: get_setting(session=session, key=key) for key in SETTINGS}


def set_setting(*, session: Session, actor: Actor, key: str, value: object) -> Value:
    """Store ``value`` for ``key`` (administrators only); the parsed value stored."""
    require(actor, "admin", action="change application settings")
    parsed = parse_setting(key=key, value=value)
    row = session.get(AppSetting, key)
    if row is None:
        row = AppSetting(key=key, value=str(parsed))
    else:
        row.value, row.updated_at = str(parsed), utcnow()
    session.add(row)
    session.flush()
    return parsed


def set_settings(*, session: Session, actor: Actor, values: dict[str, object]) -> dict[str, Value]:
    """Store several settings at once (administrators only): all of them, or none when one is
    refused. Returns the values that changed."""
    require(actor, "admin", action="change application settings")
    parsed = {key: parse_setting(key=key, value=value) for key, value in values.items()}
    changed = {k: v for k, v in parsed.items() if v != get_setting(session=session, key=k)}
    for key, value in changed.items():
        set_setting(session=session, actor=actor, key=key, value=value)
    return changed
