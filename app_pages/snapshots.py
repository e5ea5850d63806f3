"""The fund overview's recompute panel: the performance snapshots analysts read
(``fund.recompute``), recomputed with a progress bar by a fund manager or an administrator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st
from sqlmodel import Session

from app_pages import common
from app_pages.i18n import N_, t
from fund.access import Actor, require, require_fund
from fund.recompute import RecomputeSummary, recompute
from models.validation import InputError


def _recompute(*, session: Session, actor: Actor, as_of: date, fund_ids: list[int] | None,
               progress: Callable[[str, int, int], None]) -> RecomputeSummary:  # fmt: skip
    """``fund.recompute.recompute`` for a fund manager's funds (every fund: None)."""
    require(actor, "fund_manager", action="recompute performance snapshots")
    for one in fund_ids or []:
        require_fund(actor, one, action="recompute performance snapshots")
    return recompute(session=session, as_of=as_of, fund_ids=fund_ids, progress=progress)


def recompute_panel(as_of: date) -> None:
    """Recompute the snapshot table analysts read, with a progress bar."""
    actor = common.current_actor()
    st.caption(
        t(
            "Analysts read stored figures (table performance_snapshot). Recompute them for "
            "every fund you work on, as of {day}, each fund in its own currency.",
            day=common.fmt_date(as_of),
        )
    )
    if not st.button(t("Recompute snapshots"), key="recompute"):
        return
    bar = st.progress(0.0, text=t("Reading the ledger and the valuations..."))
    steps = {"read": (0.1, N_("Read {done:,} rows")), "funds": (0.5, N_("Computed {done:,} funds"))}

    def progress(what: str, done: int, total: int) -> None:
        start, text = steps.get(what, (0.5, N_("Writing snapshot rows: {done:,} of {total:,}")))
        share = start if what in steps else 0.5 + 0.5 * done / max(total, 1)
        bar.progress(min(share, 1.0), text=t(text, done=done, total=total))

    ids = None if actor.funds is None else sorted(actor.funds)
    try:
        done = common.write(_recompute, as_of=as_of, fund_ids=ids, progress=progress)
    except (InputError, PermissionError) as exc:
        st.error(t("Nothing was recomputed: {error}", error=exc))
        return
    bar.progress(1.0, text=t("Done"))
    st.success(
        t(
            "Recomputed {funds:,} funds and {holdings:,} holdings as of {day}: {rows:,} snapshot "
            "rows written, {replaced:,} replaced.",
            funds=done.funds,
            holdings=done.holdings,
            day=common.fmt_date(as_of),
            rows=done.rows_written,
            replaced=done.rows_replaced,
        )
    )
