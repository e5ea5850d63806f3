"""The facts of the seed articles, as data: each row names the seed file it comes from.

The product never reads the seed articles: what the demo needs from them is copied here, with
the file name in ``source``. Where a seed leaves a value open (a deadline, a date, a district),
the value is chosen for the demo and the source says "demo assumption". Rows are plain dicts in
the shape of the ``...Create`` models, with ``hub`` (a hub's name) in place of ``hub_id``; the
loader (``fund.demo``) resolves names to ids and validates every row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

Fact = dict[str, Any]

SEED_DALIAN = "seeds/000_6728fd38f3c48f71.txt"
SEED_SHENZHEN = "seeds/001_8aa4a92487690849.txt"
SEED_TRIALS = "seeds/002_b91bf3dfc5c67015.txt"
SEED_BEIJING = "seeds/003_a85850176a734817.txt"
SEED_ZHEJIANG = "seeds/004_3e7c3711bd00822d.txt"
SEEDS: tuple[str, ...] = (SEED_DALIAN, SEED_SHENZHEN, SEED_TRIALS, SEED_BEIJING, SEED_ZHEJIANG)
DEMO_ASSUMPTION = "demo assumption"
NO_SEED_TARGET = "demo assumption (no target in the seeds)"

# Nothing in the demo is dated after this day, so the data set does not move with the clock.
DEMO_END = date(2026, 6, 30)

HUBS: list[Fact] = [
    {"name": "Shenzhen", "name_zh": "深圳", "city": "Shenzhen", "province": "Guangdong",
     "plan_name": "Shenzhen fintech development plan (draft)",
     "plan_start": date(2020, 1, 1), "plan_end": date(2025, 12, 31), "currency": "CNY",
     "source": f"{SEED_SHENZHEN} (a 2025 horizon; plan start 2020-01-01: {DEMO_ASSUMPTION})"},
    {"name": "Beijing", "name_zh": "北京", "city": "Beijing", "province": "Beijing",
     "plan_name": "Beijing Promotion of Financial Technology Development Plan (2018-2022)",
     "plan_start": date(2018, 1, 1), "plan_end": date(2022, 12, 31), "currency": "CNY",
     "source": SEED_BEIJING},
    {"name": "Dalian", "name_zh": "大连", "city": "Dalian", "province": "Liaoning",
     "plan_name": "Dalian internet finance development fund, with Dianrong and the Dalian "
                  "Financial Industry Investment Group (DFIIG)",
     "plan_start": date(2018, 1, 1), "plan_end": date(2022, 12, 31), "currency": "CNY",
     "source": f"{SEED_DALIAN} (plan dates: {DEMO_ASSUMPTION})"},
    {"name": "Hangzhou", "name_zh": "杭州", "city": "Hangzhou", "province": "Zhejiang",
     "plan_name": "Zhejiang fintech trial and \"controllable risks\" innovation pilot",
     "plan_start": date(2020, 1, 1), "plan_end": date(2027, 12, 31), "currency": "CNY",
     "source": f"{SEED_ZHEJIANG}; {SEED_TRIALS} (plan dates: {DEMO_ASSUMPTION})"},
]  # fmt: skip

TARGETS: list[Fact] = [
    {"hub": "Shenzhen", "kpi_code": "parks_clusters", "target_low": Decimal(5),
     "target_text": "build five industrial parks and office clusters oriented towards fintech "
                    "development",
     "plan_start": date(2020, 1, 1), "deadline": date(2025, 12, 31), "source": SEED_SHENZHEN},
    {"hub": "Shenzhen", "kpi_code": "renowned_firms", "target_low": Decimal(11),
     "target_text": "cultivating more than 10 world-renowned leading fintech firms",
     "plan_start": date(2020, 1, 1), "deadline": date(2025, 12, 31), "source": SEED_SHENZHEN},
    {"hub": "Shenzhen", "kpi_code": "financing_disbursed", "target_low": Decimal(10_000_000_000),
     "target_text": "China Development Bank - Guangming District 10 billion yuan financing "
                    "agreement",
     "plan_start": date(2020, 1, 1), "deadline": date(2025, 12, 31),
     "source": f"{SEED_SHENZHEN} (deadline: {DEMO_ASSUMPTION})"},
    {"hub": "Beijing", "kpi_code": "renowned_firms", "target_low": Decimal(5),
     "target_high": Decimal(10),
     "target_text": "five to ten \"internationally renowned\" fintech companies by the end of "
                    "2022",
     "plan_start": date(2018, 1, 1), "deadline": date(2022, 12, 31), "source": SEED_BEIJING},
    {"hub": "Beijing", "kpi_code": "parks_clusters", "target_low": Decimal(3),
     "target_high": Decimal(5), "target_text": "create three to five innovation clusters",
     "plan_start": date(2018, 1, 1), "deadline": date(2022, 12, 31), "source": SEED_BEIJING},
    {"hub": "Dalian", "kpi_code": "platforms_delivered", "target_low": Decimal(3),
     "target_text": "a fintech cloud platform, an internet finance development fund and a "
                    "blockchain supply chain finance platform",
     "plan_start": date(2018, 1, 1), "deadline": date(2020, 12, 31),
     "source": f"{SEED_DALIAN} (deadline: {DEMO_ASSUMPTION})"},
    {"hub": "Hangzhou", "kpi_code": "fintech_firms", "target_low": Decimal(48),
     "target_text": "48 active fintech firms (demo target)",
     "plan_start": date(2022, 1, 1), "deadline": date(2027, 12, 31), "source": NO_SEED_TARGET,
     "is_demo": True},
    {"hub": "Dalian", "kpi_code": "funding_raised", "target_low": Decimal(4_500_000_000),
     "target_text": "CNY 4.5 billion raised by Dalian fintech firms (demo target)",
     "plan_start": date(2023, 1, 1), "deadline": date(2027, 12, 31), "source": NO_SEED_TARGET,
     "is_demo": True},
]  # fmt: skip

GFCI_27 = date(2020, 3, 26)  # GFCI 27, published March 2020
OBSERVATIONS: list[Fact] = [
    {"hub": "Shenzhen", "kpi_code": "gfci_rank", "observed_on": GFCI_27, "value": Decimal(10),
     "note": "GFCI 27 (March 2020): Shenzhen 10th, behind Shanghai (4th) and Beijing (8th)",
     "source": SEED_SHENZHEN},
    {"hub": "Beijing", "kpi_code": "gfci_rank", "observed_on": GFCI_27, "value": Decimal(8),
     "note": "GFCI 27 (March 2020): Beijing 8th", "source": SEED_SHENZHEN},
]  # fmt: skip

_PARK_SOURCE = f"{SEED_BEIJING} (opened date, coordinates, capacity: {DEMO_ASSUMPTION})"
_SZ_PARK_SOURCE = (  # only the count is in the seed: the rows are demo rows
    f"{SEED_SHENZHEN} (five parks and office clusters; names, districts, dates, coordinates: "
    f"{DEMO_ASSUMPTION})"
)
# Named parks and clusters; ``opened`` is filled in by the generator where it is None.
PARKS: list[Fact] = [
    {"hub": "Beijing", "name": "Xicheng fintech innovation zone",
     "name_zh": "西城金融科技创新示范区",
     "kind": "cluster", "district": "Xicheng", "focus": "fintech innovation",
     "latitude": 39.91, "longitude": 116.37, "source": _PARK_SOURCE},
    {"hub": "Beijing", "name": "Haidian fintech innovation zone",
     "name_zh": "海淀金融科技创新示范区",
     "kind": "cluster", "district": "Haidian", "focus": "fintech innovation",
     "latitude": 39.96, "longitude": 116.30, "source": _PARK_SOURCE},
    {"hub": "Beijing", "name": "Shijingshan banking and insurance tech cluster",
     "name_zh": "石景山银行保险科技产业园", "kind": "cluster", "district": "Shijingshan",
     "focus": "banking and insurance technology", "latitude": 39.91, "longitude": 116.22,
     "source": _PARK_SOURCE},
    {"hub": "Beijing", "name": "Fangshan security industry cluster",
     "name_zh": "房山金融安全产业园",
     "kind": "cluster", "district": "Fangshan", "focus": "security industry",
     "latitude": 39.74, "longitude": 116.14, "source": _PARK_SOURCE},
    {"hub": "Beijing", "name": "Tongzhou wealth management cluster",
     "name_zh": "通州财富管理产业集聚区",
     "kind": "cluster", "district": "Tongzhou", "focus": "wealth management",
     "latitude": 39.90, "longitude": 116.66, "source": _PARK_SOURCE},
    {"hub": "Shenzhen", "name": "Futian fintech office cluster", "name_zh": "福田金融科技楼宇集群",
     "kind": "cluster", "district": "Futian", "focus": "banking and securities technology",
     "latitude": 22.54, "longitude": 114.05, "source": _SZ_PARK_SOURCE,
     "is_demo": True},
    {"hub": "Shenzhen", "name": "Nanshan fintech industrial park", "name_zh": "南山金融科技产业园",
     "kind": "park", "district": "Nanshan", "focus": "payments and digital banking",
     "latitude": 22.53, "longitude": 113.93, "source": _SZ_PARK_SOURCE,
     "is_demo": True},
    {"hub": "Shenzhen", "name": "Qianhai fintech park", "name_zh": "前海金融科技园",
     "kind": "park", "district": "Qianhai", "focus": "cross-border finance",
     "latitude": 22.52, "longitude": 113.89, "source": _SZ_PARK_SOURCE,
     "is_demo": True},
    {"hub": "Shenzhen", "name": "Luohu financial technology cluster",
     "name_zh": "罗湖金融科技集聚区",
     "kind": "cluster", "district": "Luohu", "focus": "wealth management",
     "latitude": 22.55, "longitude": 114.13, "source": _SZ_PARK_SOURCE,
     "is_demo": True},
    {"hub": "Shenzhen", "name": "Guangming Science City fintech park",
     "name_zh": "光明科学城金融科技园",
     "kind": "park", "district": "Guangming", "focus": "data & AI for science financing",
     "latitude": 22.75, "longitude": 113.94, "source": _SZ_PARK_SOURCE,
     "is_demo": True},
]  # fmt: skip

# Demo parks for the hubs whose seeds name none (plausible districts and coordinates).
DEMO_PARKS: list[Fact] = [
    {"hub": "Dalian", "name": "Xinghai Bay fintech park", "name_zh": "星海湾金融科技园",
     "kind": "park", "district": "Shahekou", "focus": "supply-chain finance",
     "latitude": 38.88, "longitude": 121.58},
    {"hub": "Dalian", "name": "Dalian High-tech Zone fintech cluster",
     "name_zh": "大连高新区金融科技集聚区",
     "kind": "cluster", "district": "Ganjingzi", "focus": "fintech cloud services",
     "latitude": 38.86, "longitude": 121.53},
    {"hub": "Hangzhou", "name": "Qianjiang New City fintech cluster",
     "name_zh": "钱江新城金融科技集聚区",
     "kind": "cluster", "district": "Shangcheng", "focus": "wealth management",
     "latitude": 30.25, "longitude": 120.21},
    {"hub": "Hangzhou", "name": "Binjiang fintech park", "name_zh": "滨江金融科技园",
     "kind": "park", "district": "Binjiang", "focus": "payments",
     "latitude": 30.21, "longitude": 120.21},
    {"hub": "Hangzhou", "name": "Xixi fintech town", "name_zh": "西溪金融科技小镇",
     "kind": "park", "district": "Yuhang", "focus": "data & AI",
     "latitude": 30.28, "longitude": 120.03},
]  # fmt: skip

NAMED_CRITERION = "named as a leading fintech firm in the seed article (demo criterion)"
_APPROX = "founded date approximate; no code, size or funding recorded"
# Firms the seeds name. No unified social credit code is recorded for real companies.
FIRMS: list[Fact] = [
    {"hub": "Shenzhen", "name_en": "WeBank", "name_zh": "微众银行", "sector": "digital banking",
     "founded": date(2014, 12, 1), "renowned": True, "renowned_since": date(2019, 12, 31),
     "renowned_criterion": NAMED_CRITERION,
     "source": f"{SEED_SHENZHEN} (China's first digital-only private bank; {_APPROX})"},
    {"hub": "Shenzhen", "name_en": "Tencent", "name_zh": "腾讯", "sector": "payments",
     "founded": date(1998, 11, 1), "renowned": True, "renowned_since": date(2019, 12, 31),
     "renowned_criterion": NAMED_CRITERION,
     "source": f"{SEED_SHENZHEN}; {SEED_ZHEJIANG} (WeChat Pay; {_APPROX})"},
    {"hub": "Shenzhen", "name_en": "Huawei", "name_zh": "华为", "sector": "infrastructure",
     "founded": date(1987, 9, 1),
     "source": f"{SEED_SHENZHEN} (Peng Cheng Cloud Brain with Peng Cheng Laboratory; {_APPROX})"},
    {"hub": "Shenzhen", "name_en": "Shenzhen HTI Group", "name_zh": "深圳市高新投集团",
     "sector": "lending", "founded": date(1994, 12, 1),
     "source": f"{SEED_SHENZHEN} (online lending without collateral requirements; {_APPROX})"},
    {"hub": "Dalian", "name_en": "Dianrong", "name_zh": "点融", "sector": "lending",
     "founded": date(2012, 1, 1),
     "source": f"{SEED_DALIAN} (a Shanghai company, listed under Dalian as the fund's partner: "
               f"demo choice; {_APPROX})"},
    {"hub": "Hangzhou", "name_en": "Ant Group", "name_zh": "蚂蚁集团", "sector": "payments",
     "founded": date(2014, 10, 1), "renowned": True, "renowned_since": date(2019, 12, 31),
     "renowned_criterion": NAMED_CRITERION,
     "source": f"{SEED_ZHEJIANG} (Alipay; {_APPROX})"},
    {"hub": "Hangzhou", "name_en": "Alibaba Group", "name_zh": "阿里巴巴集团",
     "sector": "infrastructure", "founded": date(1999, 4, 1),
     "source": f"{SEED_ZHEJIANG} (digital commerce; Ant Group's parent; {_APPROX})"},
]  # fmt: skip

TRIAL_APPROVED_BY = date(2019, 12, 31)
TRIAL_PROVINCES: list[tuple[str, str, str | None]] = [
    ("Beijing", "北京", "Beijing"),
    ("Shanghai", "上海", None),
    ("Jiangsu", "江苏", None),
    ("Zhejiang", "浙江", "Hangzhou"),
    ("Fujian", "福建", None),
    ("Shandong", "山东", None),
    ("Guangdong", "广东", "Shenzhen"),
    ("Chongqing", "重庆", None),
    ("Sichuan", "四川", None),
    ("Shaanxi", "陕西", None),
]
TRIAL_APPROVALS: list[Fact] = [
    {
        "province": p,
        "province_zh": zh,
        "approved_by": TRIAL_APPROVED_BY,
        "hub": hub,
        "source": SEED_TRIALS,
    }
    for p, zh, hub in TRIAL_PROVINCES
]

# Trial project counts the seeds give, and what the projects are about.
BEIJING_TRIAL = {
    "projects": 46, "entities": 77, "revealed": date(2019, 12, 7), "source": SEED_TRIALS,
    "technologies": ["facial payments", "electronic welfare", "electronic medicare cards",
                     "big data", "artificial intelligence", "regtech"],
    "areas": ["finance", "healthcare", "aged care", "agriculture"],
}  # fmt: skip
SHENZHEN_TRIAL = {
    "projects": 9, "started": date(2020, 1, 1), "source": SEED_SHENZHEN,
    "technologies": ["blockchain", "big data", "cloud computing", "artificial intelligence"],
}  # fmt: skip
HANGZHOU_TRIAL = {
    "projects": 5, "source": SEED_TRIALS,
    "technologies": ["big data", "artificial intelligence", "blockchain", "regtech"],
}  # fmt: skip

# Dalian's three platforms (seed 000) and the demo's dates for them going live.
DALIAN_PLATFORMS: list[tuple[date, str]] = [
    (date(2018, 10, 31), "fintech cloud platform live"),
    (date(2019, 3, 31), "internet finance development fund set up with DFIIG"),
    (date(2020, 9, 30), "blockchain supply chain finance platform live"),
]

HUBS_ZH: dict[str, str] = {hub["name"]: hub["name_zh"] for hub in HUBS}
