"""What every page shares: the engine, the signed-in actor, and display formatting.

Pages stay thin: they read widgets, call the domain (``fund``/``models``), and render.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from app_pages.charts import BILLIONS_AXIS as BILLIONS_AXIS
from fund.access import LOCAL_ADMIN, ROLES, Actor
from fund.results import Undefined
from models import migrate
from models.db import database_url, make_engine, session_scope
from models.queries import all_funds, all_hubs

EDIT_ROLES = ("bureau", "admin")


@st.cache_resource
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


def engine() -> Engine:
    """The process's engine for ``DATABASE_URL``, migrated to the newest schema once."""
    return _engine(database_url())


def current_actor() -> Actor:
    """The signed-in person. Local mode signs in as admin (``HUBFUND_LOCAL_ROLE`` overrides)."""
    actor = st.session_state.get("actor")
    if isinstance(actor, Actor):
        return actor
    role = os.environ.get("HUBFUND_LOCAL_ROLE", LOCAL_ADMIN.role)
    actor = Actor(name=LOCAL_ADMIN.name, role=role if role in ROLES else LOCAL_ADMIN.role)
    st.session_state["actor"] = actor
    return actor


def can_edit_hub_data(actor: Actor) -> bool:
    """Whether the page offers the bureau's forms (the domain checks again on write)."""
    return actor.role in EDIT_ROLES


def read(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a read-only domain function in a short session."""
    with Session(engine()) as session:
        return fn(session=session, **kwargs)


def write(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a domain write as the signed-in actor, in one transaction (audited)."""
    actor = current_actor()
    with session_scope(engine(), actor=actor.audit_name) as session:
        return fn(session=session, actor=actor, **kwargs)


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def hub_names(url: str) -> list[tuple[int, str, str]]:
    """(id, name, currency) of every hub; shared reference data, not any user's."""
    with Session(_engine(url)) as session:
        return [(h.id or 0, h.name, h.currency) for h in all_hubs(session=session)]


def hubs() -> list[tuple[int, str, str]]:
    """Every hub as (id, name, currency)."""
    return hub_names(database_url())


def no_hubs_message() -> None:
    """The empty state when the store has no hubs yet."""
    st.info(
        "No hubs in the store yet. Load the demo data with `hubfund demo` (or `make run` on an "
        "empty database), or add hubs, parks and firms to the database."
    )


def as_of_picker(key: str = "as_of") -> date:
    """The as-of date every figure on the page is computed at (default: today)."""
    return st.date_input("As of", value=date.today(), max_value=date.today(), key=key)


def fmt_number(value: Decimal | int | float | None, *, decimals: int = 0) -> str:
    """``1,234`` style; ``-`` for nothing."""
    if value is None or isinstance(value, Undefined):
        return "-"
    return f"{Decimal(str(value)):,.{decimals}f}"


def fmt_money(value: Decimal | None, currency: str) -> str:
    """Money in its currency with thousands separators: ``CNY 10,000,000,000``."""
    if value is None or isinstance(value, Undefined):
        return "-"
    decimals = 0 if abs(value) >= 1000 else 2
    return f"{currency} {value:,.{decimals}f}"


def fmt_compact(value: Decimal, currency: str) -> str:
    """Large money in short form for tiles: ``CNY 75.80 bn``, ``CNY 350.2 m``."""
    for size, suffix in ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m")):
        if abs(value) >= size:
            return f"{currency} {value / size:,.2f} {suffix}"
    return fmt_money(value, currency)


def fmt_pct(value: Decimal | float | Undefined | None, *, signed: bool = False) -> str:
    """``83.3 %``; ``n/a`` with nothing to show."""
    if value is None or isinstance(value, Undefined):
        return "n/a"
    sign = "+" if signed else ""
    return f"{float(value) * 100:{sign}.1f} %"


def explain(value: Any) -> str | None:
    """The reason of an ``Undefined`` value, for help text."""
    return value.reason if isinstance(value, Undefined) else None


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def fund_names(url: str) -> list[tuple[int, str, str]]:
    """(id, name, currency) of every fund: shared reference data, not any user's."""
    with Session(_engine(url)) as session:
        return all_funds(session=session)


def fund_picker() -> tuple[int, str, str] | None:
    """The fund the page shows (remembered across pages), or None with an empty state."""
    funds = fund_names(database_url())
    if not funds:
        st.info(
            "No funds in the store yet. Load the demo data with `hubfund demo` on a fresh "
            "database, or create a fund, its LPs and their commitments."
        )
        return None
    ids = [f[0] for f in funds]
    by_id = {f[0]: f for f in funds}
    remembered = st.session_state.get("fund_id")
    chosen = st.selectbox(
        "Fund",
        ids,
        index=ids.index(remembered) if remembered in ids else 0,
        format_func=lambda i: by_id[i][1],
    )
    st.session_state["fund_id"] = chosen
    return by_id[chosen]


def can_edit_fund(actor: Actor) -> bool:
    """Whether the page offers the fund manager's forms (the domain checks again on write)."""
    return actor.role in ("fund_manager", "admin")


def download_buttons(frame: Any, *, name: str, key: str) -> None:
    """CSV (UTF-8 with BOM, for Excel and Chinese names) and Excel downloads of ``frame``."""
    left, right = st.columns(2)
    left.download_button(
        "Download CSV",
        frame.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
    buffer = io.BytesIO()
    naive = frame.copy()
    for column in naive.columns:  # Excel has no time zones: write UTC wall time
        if isinstance(naive[column].dtype, pd.DatetimeTZDtype):
            naive[column] = naive[column].dt.tz_localize(None)
    naive.to_excel(buffer, index=False)
    right.download_button(
        "Download Excel",
        buffer.getvalue(),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )


def fmt_multiple(value: Decimal | float | Undefined | None) -> str:
    """``1.35x``; ``n/a`` when undefined."""
    if value is None or isinstance(value, Undefined):
        return "n/a"
    return f"{float(value):.2f}x"


def flash(message: str) -> None:
    """Say ``message`` after the rerun that shows what was just written, then rerun."""
    st.session_state["flash"] = message
    st.rerun()


def show_flash() -> None:
    """Show (once) the message a write left for this run."""
    if message := st.session_state.pop("flash", None):
        st.success(message)
