"""Who is acting, and the check every domain write makes before it writes.

Roles: ``fund_manager``, ``bureau``, ``analyst``, ``admin``. Hiding a page is never the only
guard: each write function calls ``require`` with the roles that may make it, and a write that
belongs to one fund (its ledger, valuations, reports, deals, due diligence, committee) also
calls ``require_fund``: a fund manager works only on the funds they are assigned to.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: tuple[str, ...] = ("fund_manager", "bureau", "analyst", "admin")
ROLE_LABELS: dict[str, str] = {
    "fund_manager": "Fund manager",
    "bureau": "Development bureau",
    "analyst": "Analyst",
    "admin": "Administrator",
}


class PermissionDenied(PermissionError):
    """The actor's role may not make this change; nothing was written."""


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in person: a name for the audit log, a role, and the funds they may work on.

    ``funds`` is None for every fund (administrators, read-only roles, local mode); a fund
    manager signed in from the users table carries the ids of the funds assigned to them.
    """

    name: str
    role: str
    funds: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role {self.role!r} is not one of: {', '.join(ROLES)}")

    @property
    def audit_name(self) -> str:
        """How the audit log names this actor: ``role:name``."""
        return f"{self.role}:{self.name}"


LOCAL_ADMIN = Actor(name="local", role="admin")


def require(actor: Actor, *roles: str, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` has one of ``roles`` (admin always may)."""
    if actor.role != "admin" and actor.role not in roles:
        allowed = ", ".join(ROLE_LABELS[r] for r in roles)
        raise PermissionDenied(
            f"{ROLE_LABELS[actor.role]} {actor.name!r} may not {action} (allowed: {allowed})"
        )


def require_fund(actor: Actor, fund_id: int, *, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may work on fund ``fund_id``: an administrator
    or an actor without a fund list always may, others only on a fund in their list."""
    if actor.role == "admin" or actor.funds is None or fund_id in actor.funds:
        return
    raise PermissionDenied(
        f"{ROLE_LABELS[actor.role]} {actor.name!r} may not {action} in fund {fund_id}: "
        "not assigned to it (ask an administrator)"
    )
