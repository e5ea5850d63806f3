"""The audit log records that a secret column changed, never its value."""

from __future__ import annotations

from sqlmodel import select

from models.audit import REDACTED, AuditLog
from models.db import session_scope
from models.users import AppUser


def test_password_hashes_never_reach_the_audit_log(empty_db):
    with session_scope(empty_db, actor="admin:test") as session:
        session.add(AppUser(username="li", display_name="Li", role="analyst", password_hash="h1"))
    with session_scope(empty_db, actor="admin:test") as session:
        user = session.exec(select(AppUser).where(AppUser.username == "li")).one()
        user.password_hash = "h2"
        user.display_name = "Li Wei"
    with session_scope(empty_db, actor="admin:test") as session:
        session.delete(session.exec(select(AppUser).where(AppUser.username == "li")).one())
    with session_scope(empty_db) as session:
        rows = session.exec(
            select(AuditLog).where(AuditLog.table_name == "app_user").order_by(AuditLog.id)
        ).all()
    assert [r.action for r in rows] == ["insert", "update", "delete"]
    assert rows[0].new_values["password_hash"] == REDACTED
    assert rows[1].old_values["password_hash"] == rows[1].new_values["password_hash"] == REDACTED
    assert rows[1].new_values["display_name"] == "Li Wei"
    assert rows[2].old_values["password_hash"] == REDACTED
    assert "h1" not in str([r.model_dump() for r in rows])
