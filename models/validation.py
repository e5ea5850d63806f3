"""Checks shared by the Create models, and readable messages for rejected input.

Every message names the field and the value, so a person can find and fix the cell.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError


class InputError(ValueError):
    """Input refused before anything was written; ``str()`` names the field and the value."""


def validate_uscc(value: str) -> str:
    """A unified social credit code (GB 32100-2015), compacted, or ``ValueError`` saying why.

    The 18th character is the check character of the first 17 (weights 3^i mod 31 over the
    31-character alphabet without I, O, S, V, Z); python-stdnum's ``cn.uscc`` checks it.
    """
    try:
        return str(stdnum_uscc.validate(value))
    except StdnumError as exc:
        reason = str(exc).rstrip(".").lower() or "invalid"
        raise ValueError(
            f"{value!r} is not a valid unified social credit code (GB 32100-2015): {reason}"
        ) from None


def to_decimal(value: Any, *, field: str) -> Decimal:
    """``value`` as an exact finite ``Decimal`` (floats through their shortest text)."""
    if isinstance(value, bool):
        raise InputError(f"{field}: {value!r} is not a number")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InputError(f"{field}: {value!r} is not a number") from None
    if not number.is_finite():
        raise InputError(f"{field}: {value!r} is not a finite number")
    return number


def not_in_future(value: date, *, today: date | None = None) -> date:
    """``value`` if it is not after today, else ``ValueError`` (pydantic prefixes the field)."""
    today = today or date.today()
    if value > today:
        raise ValueError(f"{value.isoformat()} is in the future (today is {today.isoformat()})")
    return value


def describe(error: ValidationError) -> str:
    """One line per problem: ``field: message (value: ...)``."""
    lines = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "input"
        message = str(problem["msg"]).removeprefix("Value error, ")
        value = problem.get("input")
        quiet = isinstance(value, dict) or repr(value) in message or str(value) in message
        shown = "" if quiet else f" (value: {value!r})"
        lines.append(f"{field}: {message}{shown}")
    return "; ".join(lines)


def check(model: type[Any], data: dict[str, Any]) -> Any:
    """``model.model_validate(data)``, with a pydantic error turned into an ``InputError``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe(exc)) from None
