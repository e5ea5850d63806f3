"""The demo funds' facts and assumptions: funds, LPs, commitments, plans, custom metrics.

Seed 000 (``SEED_DALIAN``) says that Dianrong, a fintech, and the Dalian Financial Industry
Investment Group (DFIIG), the city's investment group, set up an internet finance development
fund for local fintech projects and startups with the potential to strengthen Dalian's new
economy. The fund, its two named partners and its focus come from the seed; its English and
Chinese name, size, vintage, manager and terms, the other LPs, every commitment amount and
the Shenzhen fund are demo assumptions, marked so in ``source`` and with ``is_demo``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fund.demo_facts import SEED_DALIAN, SEED_SHENZHEN, Fact
from fund.demo_fund_portfolio import FundSpec

DALIAN_FUND = "Dalian Internet Finance Development Fund"
SHENZHEN_FUND = "Shenzhen Fintech Innovation Fund"
DEMO_LP = "demo assumption: generated LP (fictitious)"
_ASSUMED = "size, vintage, manager and terms: demo assumption"

FUNDS: list[Fact] = [
    {"name": DALIAN_FUND, "name_zh": "大连互联网金融发展基金", "currency": "CNY",
     "vintage": date(2018, 6, 30), "size": Decimal(1_000_000_000),
     "gp": "Dalian Fintech Fund Management Co., Ltd.", "hub": "Dalian",
     "management_fee_rate": Decimal("0.02"), "carry_rate": Decimal("0.20"),
     "hurdle_rate": Decimal("0.08"), "term_years": 10,
     "source": f"{SEED_DALIAN} (the fund Dianrong and the DFIIG set up; {_ASSUMED})"},
    {"name": SHENZHEN_FUND, "name_zh": "深圳金融科技创新基金", "currency": "CNY",
     "vintage": date(2020, 12, 31), "size": Decimal(2_000_000_000),
     "gp": "Shenzhen Fintech Innovation Fund Management Co., Ltd. (demo)", "hub": "Shenzhen",
     "management_fee_rate": Decimal("0.02"), "carry_rate": Decimal("0.20"),
     "hurdle_rate": Decimal("0.08"), "term_years": 10,
     "source": f"demo assumption: a fund for the hub {SEED_SHENZHEN} describes",
     "is_demo": True},
]  # fmt: skip
LPS: list[Fact] = [
    {"name": "Dalian Financial Industry Investment Group", "name_zh": "大连金融产业投资集团",
     "kind": "city investment group", "source": f"{SEED_DALIAN} (the DFIIG)"},
    {"name": "Dianrong", "name_zh": "点融", "kind": "fintech partner", "source": SEED_DALIAN},
    {"name": "Liaoning provincial guidance fund (demo)", "name_zh": "辽宁省引导基金（演示）",
     "kind": "government guidance fund", "source": DEMO_LP, "is_demo": True},
    {"name": "Xinghai Bay Commercial Bank (demo)", "name_zh": "星海湾商业银行（演示）",
     "kind": "bank", "source": DEMO_LP, "is_demo": True},
    {"name": "Jinshitan Family Office (demo)", "name_zh": "金石滩家族办公室（演示）",
     "kind": "family office", "source": DEMO_LP, "is_demo": True},
    {"name": "Shenzhen municipal guidance fund (demo)", "name_zh": "深圳市引导基金（演示）",
     "kind": "government guidance fund", "source": DEMO_LP, "is_demo": True},
    {"name": "Azure Bay Insurance (demo)", "name_zh": "蔚蓝湾保险（演示）", "kind": "insurer",
     "source": DEMO_LP, "is_demo": True},
    {"name": "Greenbay Technology Holdings (demo)", "name_zh": "绿湾科技控股（演示）",
     "kind": "corporate", "source": DEMO_LP, "is_demo": True},
    {"name": "Heron Family Office (demo)", "name_zh": "白鹭家族办公室（演示）",
     "kind": "family office", "source": DEMO_LP, "is_demo": True},
]  # fmt: skip
# (fund, LP, share of the fund's size): the commitments sum to the size.
SHARES: list[tuple[str, str, Decimal]] = [
    (DALIAN_FUND, "Dalian Financial Industry Investment Group", Decimal("0.40")),
    (DALIAN_FUND, "Dianrong", Decimal("0.20")),
    (DALIAN_FUND, "Liaoning provincial guidance fund (demo)", Decimal("0.20")),
    (DALIAN_FUND, "Xinghai Bay Commercial Bank (demo)", Decimal("0.12")),
    (DALIAN_FUND, "Jinshitan Family Office (demo)", Decimal("0.08")),
    (SHENZHEN_FUND, "Shenzhen municipal guidance fund (demo)", Decimal("0.30")),
    (SHENZHEN_FUND, "Azure Bay Insurance (demo)", Decimal("0.25")),
    (SHENZHEN_FUND, "Greenbay Technology Holdings (demo)", Decimal("0.25")),
    (SHENZHEN_FUND, "Heron Family Office (demo)", Decimal("0.10")),
    (SHENZHEN_FUND, "Jinshitan Family Office (demo)", Decimal("0.10")),
]
COMMITMENT_SOURCE = "demo assumption: commitment amount"


# How each fund's history is planned (fund.demo_fund_portfolio.FundSpec; demo assumptions).
PLANS: dict[str, dict[str, Any]] = {
    DALIAN_FUND: {
        "invest_end": date(2023, 6, 30), "follow_on_end": date(2025, 12, 31), "companies": 12,
        "others": 3, "other_hubs": ("Beijing", "Hangzhou"), "write_offs": 2, "acquisitions": 2,
        "partial_exits": 3, "dividends": 1, "exits_from": date(2022, 1, 1),
        "reversals": ("call_amount", "investment_currency"), "cap": Decimal(100_000_000),
        "min_round": Decimal(5_000_000), "tvpi": (1.4, 1.8),
    },
    SHENZHEN_FUND: {
        "invest_end": date(2025, 12, 31), "follow_on_end": date(2026, 6, 30), "companies": 17,
        "others": 1, "other_hubs": ("Hangzhou",), "write_offs": 1, "acquisitions": 0,
        "partial_exits": 0, "dividends": 0, "exits_from": date(2023, 1, 1),
        "reversals": ("call_lp",), "cap": Decimal(200_000_000),
        "min_round": Decimal(30_000_000), "tvpi": (1.12, 1.28),
    },
}  # fmt: skip


def fund_spec(fund: Fact) -> FundSpec:
    """The planner's view of a demo fund row."""
    lps = tuple((lp, share) for name, lp, share in SHARES if name == fund["name"])
    return FundSpec(
        name=fund["name"], hub=fund["hub"], vintage=fund["vintage"], size=fund["size"],
        fee_rate=fund["management_fee_rate"], lps=lps, **PLANS[fund["name"]],
    )  # fmt: skip


LAGGARDS = {DALIAN_FUND: 2, SHENZHEN_FUND: 1}
METRICS: list[Fact] = [
    {"fund": DALIAN_FUND, "code": "active_users", "name": "Active users", "unit": "users"},
    {"fund": DALIAN_FUND, "code": "loan_book", "name": "Loan book outstanding", "unit": "CNY"},
    {"fund": DALIAN_FUND, "code": "npl_ratio", "name": "Non-performing loan ratio", "unit": "%"},
    {"fund": SHENZHEN_FUND, "code": "active_users", "name": "Active users", "unit": "users"},
    {"fund": SHENZHEN_FUND, "code": "transaction_volume", "name": "Transaction volume (quarter)",
     "unit": "CNY"},
]  # fmt: skip
