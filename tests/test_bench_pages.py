"""The pages benchmark runs tiny on the demo store and prints its table (bench/pages.py)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_pages"] = module
    spec.loader.exec_module(module)
    return module


def test_pages_bench_gives_first_render_and_rerun_rows_against_the_bare_page(
    demo_sqlite_url, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    table = _bench().rows(demo_sqlite_url, ["admin"], ["parks", "hub_targets"])
    assert [r.method for r in table] == [
        "bare page, first render",
        "bare page, cached rerun",
        "hub_targets, admin: first render",
        "hub_targets, admin: cached rerun",
        "parks, admin: first render",
        "parks, admin: cached rerun",
    ]
    assert [r.verdict for r in table[:2]] == ["-", "-"] and table[0].ratio == 1.0
    assert [r.goal for r in table[2:4]] == ["<= 2 s", "<= 0.3 s"]
    assert all(r.value > 0 and r.verdict in ("PASS", "FAIL") for r in table[2:])


def test_a_page_that_raises_is_a_fail_row_not_the_end(demo_sqlite_url, monkeypatch):
    bench = _bench()
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    real = bench.measure

    def broken_parks(at, page):
        if page == "parks":
            raise RuntimeError("parks: boom")
        return real(at, page)

    monkeypatch.setattr(bench, "measure", broken_parks)
    table = bench.rows(demo_sqlite_url, ["admin"], ["parks"])
    assert [r.verdict for r in table[2:]] == ["FAIL", "FAIL"]
    assert all(math.isnan(r.value) for r in table[2:])
    assert bench.all_pass(table) is False


@pytest.mark.parametrize("argv", [["--url", "sqlite:////nonexistent/national.db"]])
def test_pages_bench_skips_with_a_message_when_the_store_is_missing(argv, capsys):
    assert _bench().main(argv) == 0
    assert capsys.readouterr().out.startswith("skipped: no store at /nonexistent/national.db")
