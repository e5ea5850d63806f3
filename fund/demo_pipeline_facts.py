"""The demo pipeline's assumptions: deal owners, committee members, scorecard weights, source
details, the texts of pass notes, findings, red flags and conditions, and the mix of outcomes.

Everything here is a demo assumption (fictitious people and notes); ``fund.demo_pipeline_plan``
draws from it with the demo's seeded random generator.
"""

from __future__ import annotations

from datetime import date

from fund.demo_fund_facts import DALIAN_FUND, SHENZHEN_FUND

OWNERS: dict[str, tuple[str, ...]] = {
    DALIAN_FUND: ("Wang Lei", "Liu Yang", "Zhao Min"),
    SHENZHEN_FUND: ("Chen Jing", "Lin Hao", "Huang Xiaoyu", "Zheng Wei"),
}
IC_MEMBERS: dict[str, tuple[str, ...]] = {
    DALIAN_FUND: ("Sun Jianguo", "Li Hong", "Zhou Yiming", "Gao Lin"),
    SHENZHEN_FUND: ("Xu Zhiqiang", "He Ying", "Deng Hui", "Luo Jun", "Feng Yuxin"),
}
SHORT = {DALIAN_FUND: "Dalian fund", SHENZHEN_FUND: "Shenzhen fund"}
# The Dalian fund weighs the team and regulation more; the Shenzhen fund keeps the defaults.
WEIGHTS: dict[str, dict[str, int]] = {
    DALIAN_FUND: {"team": 30, "market": 10, "product": 15, "financials": 10, "legal": 10,
                  "regulatory": 25},
}  # fmt: skip
OTHER_HUBS = {DALIAN_FUND: ("Beijing", "Hangzhou"), SHENZHEN_FUND: ("Hangzhou", "Beijing")}
HOME_SHARE = 0.85  # of the deals not invested, the share with a company of the fund's hub

CHANNEL_WEIGHTS: dict[str, int] = {
    "referral": 30, "event": 20, "accelerator": 20, "registry search": 15, "inbound": 15,
}  # fmt: skip
EVENTS = {
    DALIAN_FUND: "Dalian Fintech Week {year}",
    SHENZHEN_FUND: "Shenzhen Fintech Festival {year}",
}
ACCELERATORS: dict[str, tuple[str, ...]] = {
    DALIAN_FUND: ("Xinghai Bay fintech park accelerator, demo day {year}",
                  "Dalian High-tech Zone fintech cluster incubator, batch {year}"),
    SHENZHEN_FUND: ("Qianhai fintech park accelerator, demo day {year}",
                    "Nanshan fintech industrial park incubator, batch {year}",
                    "Futian fintech office cluster accelerator, cohort {year}"),
}  # fmt: skip
REFERRERS: dict[str, tuple[str, ...]] = {
    DALIAN_FUND: ("Dianrong (LP)", "Dalian Financial Industry Investment Group (LP)",
                  "Xinghai Bay Commercial Bank (demo), SME banking team",
                  "the founder of a portfolio company", "a co-investor from Beijing"),
    SHENZHEN_FUND: ("Shenzhen municipal guidance fund (demo)",
                    "Azure Bay Insurance (demo), innovation team",
                    "the founder of a portfolio company", "a co-investor from Hangzhou",
                    "Greenbay Technology Holdings (demo)"),
}  # fmt: skip
REGISTRY = "registry search: {sector} companies registered in {city} ({year})"
INBOUND = ("pitch deck through the fund's website", "email from the founder",
           "WeChat introduction from the CFO")  # fmt: skip

# Days between one step and the next (drawn uniformly), keyed by the later step.
GAPS: dict[str, tuple[int, int]] = {
    "screening": (7, 30), "due_diligence": (14, 45), "investment_committee": (30, 75),
    "meeting": (5, 21), "term_sheet": (7, 30), "invested": (14, 45), "passed": (10, 40),
    "on_hold": (14, 40), "resume": (60, 150), "reopen": (180, 400),
}  # fmt: skip
OPEN_SPAN = (90, 270)  # an invested deal opens 3-9 months before its investment entry
BEFORE_VINTAGE = 120  # days a fund's team may source deals before its vintage

# (fund, outcome, window of the last step, pass reason or None), in the order planned.
# Outcomes: an open stage; "pass@<stage>"; "decline" (declined at IC, then passed);
# "hold@<stage>"; "reopen" (passed at screening, reopened, now in due diligence);
# "hold-resume-pass" (held at screening, resumed, passed in due diligence).
_DALIAN = (date(2019, 3, 1), date(2023, 6, 30))
_SHENZHEN = (date(2021, 3, 1), date(2026, 6, 15))
_RECENT = (date(2026, 3, 1), date(2026, 6, 20))
SCENARIOS: tuple[tuple[str, str, tuple[date, date], str | None], ...] = (
    (DALIAN_FUND, "pass@sourced", _DALIAN, "outside mandate"),
    (DALIAN_FUND, "pass@screening", _DALIAN, "team"),
    (DALIAN_FUND, "pass@screening", _DALIAN, "market too small"),
    (DALIAN_FUND, "pass@due_diligence", _DALIAN, "regulatory risk"),
    (DALIAN_FUND, "decline", _DALIAN, "valuation"),
    (DALIAN_FUND, "hold-resume-pass", _DALIAN, "other"),
    (DALIAN_FUND, "pass@term_sheet", _DALIAN, "company declined"),
    (SHENZHEN_FUND, "pass@sourced", _SHENZHEN, "outside mandate"),
    (SHENZHEN_FUND, "pass@screening", _SHENZHEN, "competition"),
    (SHENZHEN_FUND, "pass@screening", _SHENZHEN, "traction"),
    (SHENZHEN_FUND, "pass@due_diligence", _SHENZHEN, "traction"),
    (SHENZHEN_FUND, "pass@due_diligence", _SHENZHEN, "team"),
    (SHENZHEN_FUND, "decline", _SHENZHEN, "regulatory risk"),
    (SHENZHEN_FUND, "reopen", (date(2026, 2, 1), date(2026, 6, 10)), "traction"),
    (SHENZHEN_FUND, "hold@screening", (date(2025, 10, 1), date(2026, 5, 31)), None),
    (SHENZHEN_FUND, "hold@due_diligence", (date(2025, 11, 1), date(2026, 5, 31)), None),
    (SHENZHEN_FUND, "sourced", (date(2026, 4, 1), date(2026, 6, 26)), None),
    (SHENZHEN_FUND, "sourced", (date(2026, 4, 1), date(2026, 6, 26)), None),
    (SHENZHEN_FUND, "sourced", (date(2026, 4, 1), date(2026, 6, 26)), None),
    (SHENZHEN_FUND, "screening", _RECENT, None),
    (SHENZHEN_FUND, "screening", _RECENT, None),
    (SHENZHEN_FUND, "screening", _RECENT, None),
    (SHENZHEN_FUND, "due_diligence", (date(2026, 1, 15), date(2026, 6, 15)), None),
    (SHENZHEN_FUND, "due_diligence", (date(2026, 1, 15), date(2026, 6, 15)), None),
    (SHENZHEN_FUND, "due_diligence", (date(2026, 1, 15), date(2026, 6, 15)), None),
    (SHENZHEN_FUND, "investment_committee", (date(2026, 6, 25), date(2026, 6, 25)), None),
    (SHENZHEN_FUND, "investment_committee", (date(2026, 6, 25), date(2026, 6, 25)), None),
    (SHENZHEN_FUND, "term_sheet", (date(2026, 4, 15), date(2026, 6, 26)), None),
    (SHENZHEN_FUND, "term_sheet", (date(2026, 4, 15), date(2026, 6, 26)), None),
)

PASS_NOTES: dict[str, tuple[str, ...]] = {
    "team": ("The founders lack credit-risk experience and the CTO is part-time.",
             "Key-person risk: the only engineer who knows the risk engine is leaving."),
    "market too small": ("Serves a niche of port-logistics SMEs: no credible path beyond "
                         "CNY 30M revenue.",),
    "valuation": ("Asked for about 25x revenue; our offer at 14x was turned down.",
                  "The lead set a pre-money the committee found twice the comparables'."),
    "regulatory risk": ("Lending facilitation without a licensed partner's cover; the local "
                        "financial bureau's stance is unclear.",
                        "Personal data used in credit models without valid consent (PIPL)."),
    "competition": ("Big-tech platforms ship the same product to the same SMEs for free.",),
    "traction": ("Three pilot banks, no paying customer after 18 months.",
                 "Transaction volume flat for four quarters."),
    "outside mandate": ("Consumer lending outside the fund's region and mandate.",
                        "Crypto-asset trading: excluded by the fund's mandate."),
    "company declined": ("The founders took a strategic round from a bank at a higher "
                         "valuation.",),
    "other": ("Founders' dispute over a share pledge; revisit once it is settled.",),
}  # fmt: skip
HOLD_NOTES = (
    "The company paused its round until its half-year numbers are out.",
    "Waiting for the sandbox decision of the local financial bureau.",
    "The founders are renegotiating their bank partnership; resume when signed.",
)
RESUME_NOTE = "The company is raising again; numbers received."
REOPEN_NOTE = "Traction picked up: transaction volume tripled since we passed; founders re-engaged."
MOVE_NOTES: dict[str, str] = {
    "due_diligence": "Screening memo approved by the partners; data room opened.",
    "investment_committee": "Due diligence completed; memo circulated to the committee.",
    "term_sheet": "Committee approval received; term sheet sent.",
    "invested": "Closed: shareholders' agreement signed and the cheque paid.",
}
NEXT_STEPS: dict[str, str] = {
    "sourced": "Intro call with the founders",
    "screening": "Partners' screening meeting: go or no-go for due diligence",
    "due_diligence": "Customer reference calls and the regulatory review with counsel",
    "investment_committee": "Committee vote and decision on the memo",
    "term_sheet": "Negotiate the term sheet: liquidation preference and board seat",
    "on_hold": "Check in with the founders after their half-year numbers",
}

FINDINGS: dict[str, tuple[str, ...]] = {
    "team": ("Reference calls with two former colleagues per founder: positive.",
             "No court judgments or dishonest-debtor listings for the founders."),
    "market": ("Market sized bottom-up from PBoC and industry statistics; SAM about CNY 8 bn.",
               "Five customer reference calls: price accepted, switching cost high."),
    "product": ("Demo and code walk-through done; MLPS level 3 filing in place.",
                "Core models and source code owned by the company; no open-source licence issue."),
    "financials": ("Audited statements reconciled to the management accounts; runway 14 months.",
                   "Gross margin 62 %, payback on acquisition cost under 12 months."),
    "legal": ("Cap table matches the SAMR registration; software copyrights held by the company.",
              "No litigation or administrative penalties found."),
    "regulatory": ("No licence needed for the SaaS model; works with two licensed partner banks.",
                   "Admitted to the local fintech innovation trial; AML programme reviewed."),
}  # fmt: skip
NOT_APPLICABLE = ("Cross-border data transfer", "Corporate structure")  # title prefixes
# (title prefix, finding, resolution, waived)
RED_FLAGS: tuple[tuple[str, str, str, bool], ...] = (
    ("Licences held or needed",
     "Facilitates consumer loans for a partner bank without a filing with the local financial "
     "bureau.", "Filing made with the local financial bureau; confirmation on file.", False),
    ("Data security and personal information",
     "Personal data from a third-party scraper used in credit models without consent.",
     "Scraped sources switched off and deleted; an external PIPL audit passed.", False),
    ("Litigation, arbitration",
     "Pending labour arbitration by a former CTO over unvested options.",
     "Exposure capped at CNY 0.6M and escrowed from the round: waived by the deal team.", True),
    ("Related-party transactions",
     "A founder's company guarantees CNY 12M of the company's bank loans.",
     "Guarantee released before closing.", False),
    ("Background checks",
     "A co-founder is on the dishonest-debtor list for a 2017 personal debt.",
     "Debt repaid and the listing removed; the court's certificate is on file.", False),
    ("Revenue quality",
     "One bank customer is 62 % of revenue.",
     "Concentration accepted: three more banks in signed pilots, priced in the valuation.", True),
)  # fmt: skip
CONDITIONS: tuple[str, ...] = (
    "Written confirmation of the lending-facilitation model by the local financial bureau",
    "Founders' shares re-vested over four years",
    "A board seat and monthly management accounts in the shareholders' agreement",
    "MLPS level 3 assessment completed within six months of closing",
    "Related-party guarantee released before the cheque is paid",
    "Key-person insurance on the CEO and CTO",
)
VOTE_NOTES = {
    "decline": "Regulatory exposure and price too high for the fund.",
    "abstain": "Conflict of interest declared: abstains.",
}
