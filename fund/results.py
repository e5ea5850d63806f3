"""Named results for metrics that have no value: ``Undefined`` carries the reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Undefined:
    """A metric with no value, and why (e.g. "no observations before the as-of date").

    Returned instead of NaN or None so that a page, the CLI and a test can say *why*.
    """

    reason: str

    def __str__(self) -> str:
        return f"undefined: {self.reason}"

    def __bool__(self) -> bool:
        return False
