"""The benchmarks run tiny and print their tables: method, measure, ratio, goal, PASS/FAIL."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000


def _bench(name: str):
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module
    spec.loader.exec_module(module)
    return module


def test_render_shows_each_row_with_its_ratio_goal_and_verdict():
    common = _bench("common")
    table = [
        common.limit_row("bare", 2.0),
        common.judged("ours", 2.5, 2.0, 1.5, against="bare"),
        common.judged("slow", 4.0, 2.0, 1.5, against="bare"),
        common.ceiling("peak memory", 700, 1024, "MB"),
    ]
    assert [r.verdict for r in table] == ["-", "PASS", "FAIL", "PASS"]
    assert table[1].ratio == pytest.approx(1.25) and not common.all_pass(table)
    lines = common.render("title", table).splitlines()
    assert lines[0] == "title" and lines[2].split() == ["method", "measure", "x", "limit", "goal"]
    assert lines[5].split()[:5] == ["ours", "2.500", "s", "1.25", "<="]
    assert lines[6].endswith("FAIL") and "700 MB" in lines[7]


@pytest.mark.parametrize(
    ("name", "methods"),
    [
        ("ingest", ["bare Core executemany", "hubfund bulk load_ledger", "peak memory"]),
        ("recompute", ["read ledger + marks", "hubfund recompute"]),
        ("xirr_holdings", ["raw pyxirr loop", "hubfund fund.returns.xirr"]),
    ],
)
def test_each_bench_gives_its_rows_for_a_small_run(name, methods):
    bench = _bench(name)
    table = bench.rows(ROWS)
    assert [r.method.split(",")[0].split(" (")[0] for r in table] == methods
    assert table[0].ratio == 1.0 and table[0].verdict == "-"
    assert all(r.value > 0 for r in table)
    assert table[1].goal.startswith("<= ") and table[1].verdict in ("PASS", "FAIL")


def test_run_all_prints_every_table_and_says_whether_the_goals_hold(capsys):
    run_all = _bench("run_all")
    code = run_all.main(["--rows", str(ROWS), "--series", "200"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    for script in (
        "bench/returns.py",
        "bench/ingest.py",
        "bench/recompute.py",
        "bench/xirr_holdings.py",
        "bench/pages.py",
    ):
        assert f"== {script}" in out
    assert out.count("x limit") == 4 and "x raw pyxirr" in out
    assert ("every goal holds" in out) == (code == 0) and ("PASS" in out or "FAIL" in out)
    assert out.splitlines()[-1] in ("every goal holds",) or "goals not met in" in out
