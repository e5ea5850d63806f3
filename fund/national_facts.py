"""The national demo's assumptions: six more hubs, name parts, fund and LP shapes.

Everything here is fictitious and for the national-scale store (``fund.demo_national``): the
six hubs beside the demo's four are real Chinese fintech cities, but their plans, firms,
funds and LPs are generated and marked ``is_demo``, with ``NATIONAL_SOURCE`` saying so.
"""

from __future__ import annotations

from datetime import date

from fund.demo_facts import DEMO_END, HUBS, Fact

NATIONAL_SOURCE = "national demo: generated (fictitious), for scale"
NATIONAL_END = DEMO_END  # nothing is dated after it
FIRST_VINTAGE, LAST_VINTAGE = date(2012, 1, 1), date(2023, 12, 31)

NEW_HUBS: list[Fact] = [
    {"name": name, "name_zh": zh, "city": name, "province": province,
     "plan_name": f"{name} fintech development plan (national demo)",
     "plan_start": date(2021, 1, 1), "plan_end": date(2025, 12, 31), "currency": "CNY",
     "source": NATIONAL_SOURCE, "is_demo": True}
    for name, zh, province in (
        ("Shanghai", "上海", "Shanghai"), ("Guangzhou", "广州", "Guangdong"),
        ("Chengdu", "成都", "Sichuan"), ("Chongqing", "重庆", "Chongqing"),
        ("Suzhou", "苏州", "Jiangsu"), ("Xi'an", "西安", "Shaanxi"),
    )
]  # fmt: skip
ALL_HUBS: list[Fact] = [dict(h) for h in HUBS] + NEW_HUBS
CITY_ZH: dict[str, str] = {h["name"]: h["name_zh"] for h in ALL_HUBS}
REGION_CODES: dict[str, tuple[str, ...]] = {
    "Shenzhen": ("440300", "440304", "440305"), "Beijing": ("110000", "110102", "110108"),
    "Hangzhou": ("330100", "330106", "330108"), "Dalian": ("210200", "210204", "210211"),
    "Shanghai": ("310000", "310101", "310115"), "Guangzhou": ("440100", "440106", "440112"),
    "Chengdu": ("510100", "510107", "510116"), "Chongqing": ("500000", "500105", "500112"),
    "Suzhou": ("320500", "320505", "320506"), "Xi'an": ("610100", "610113", "610131"),
}  # fmt: skip
# Firms per hub, as weights (the big four fintech centres weigh most).
HUB_WEIGHTS: dict[str, int] = {
    "Shenzhen": 16, "Beijing": 18, "Hangzhou": 12, "Dalian": 5, "Shanghai": 18,
    "Guangzhou": 9, "Chengdu": 7, "Chongqing": 5, "Suzhou": 6, "Xi'an": 4,
}  # fmt: skip

FUND_KINDS: tuple[tuple[str, str], ...] = (
    ("Fintech Development Fund", "金融科技发展基金"),
    ("Internet Finance Fund", "互联网金融基金"),
    ("Digital Finance Growth Fund", "数字金融成长基金"),
    ("Fintech Angel Fund", "金融科技天使基金"),
    ("Regtech Innovation Fund", "监管科技创新基金"),
)
FUND_SIZES_M: tuple[int, ...] = (500, 800, 1_000, 2_000, 3_000, 5_000, 10_000)  # CNY millions
GPS: tuple[str, ...] = (
    "{city} Fintech Capital Management (demo)", "{city} Financial Holdings Fund Managers (demo)",
    "{city} Innovation Investment GP (demo)",
)  # fmt: skip

LP_WORDS: tuple[str, ...] = (
    "Azure", "Copper", "Granite", "Misty", "Golden", "Ninefold", "Pearl", "Silk", "Tidewater",
    "Cedar", "Jade", "Ironwood", "Lotus", "Crimson", "Amber", "Summit", "Bamboo", "Northstar",
    "Harbor", "Willow", "Orchid", "Phoenix", "Silver", "Eastwind", "Riverstone",
)  # fmt: skip
LP_NOUNS: tuple[str, ...] = (
    "Pine", "Kite", "Egret", "Bridge", "Lantern", "Harbor", "Compass", "Gate", "Peak", "River",
    "Grove", "Crane", "Cloud", "Stone", "Bay", "Ridge", "Field", "Tower", "Delta", "Sail",
)  # fmt: skip
LP_KINDS: tuple[tuple[str, str], ...] = (
    ("Bank", "bank"), ("Life Insurance", "insurer"), ("Holdings", "corporate"),
    ("Family Office", "family office"), ("Capital", "other"), ("Industrial Group", "corporate"),
)  # fmt: skip
GUIDANCE_FUND = ("National Fintech Guidance Fund (demo)", "国家金融科技引导基金（演示）")

OWNER_NAMES: tuple[str, ...] = (
    "Wang Fang", "Li Na", "Zhang Wei", "Liu Qiang", "Chen Jie", "Yang Lin", "Zhao Lei",
    "Huang Min", "Zhou Tao", "Wu Xia", "Xu Bin", "Sun Li", "Ma Jun", "Zhu Hong", "Hu Yan",
    "Guo Ping", "He Jun", "Lin Yue", "Luo Gang", "Gao Jing",
)  # fmt: skip
MARK_METHODS: tuple[str, ...] = ("last round", "comparables", "DCF", "write-down")
