"""What every figure a page shows as a metric tile means: its definition and formula, in English
and Chinese (from ARCHITECTURE.md, "Fund metrics" and "Hub KPIs", and the docstrings of
``fund.multiples``, ``fund.pme``, ``fund.performance``, ``fund.contribution``,
``fund.hub_kpis``, ``fund.indicators``, ``fund.ecosystem``, ``fund.projection``,
``fund.diligence`` and ``fund.monitoring``). ``help_for(key)`` is the tile's ``help=``.

Formulas avoid Markdown's ``*`` and ``_`` (help text is rendered as Markdown): × and / instead.
"""

from __future__ import annotations

from app_pages.i18n import lang, t
from app_pages.text import md_text

DEFINITIONS: dict[str, tuple[str, str]] = {
    # fund performance (fund.multiples, fund.performance; ILPA)
    "committed": (
        "Committed capital = sum of the LPs' commitments to the fund, in the reporting currency.",
        "认缴资本 = 各有限合伙人（LP）对基金认缴出资之和，以报告币种计。",
    ),
    "pic": (
        "PIC (paid-in capital) = sum of the capital called from LPs, fees inside the "
        "commitment included. ILPA definition.",
        "实缴资本（PIC）= 向 LP 催缴的资本之和，含承诺出资内的管理费。ILPA 定义。",
    ),
    "distributed": (
        "Distributions = sum of the cash the fund paid out to its LPs up to the as-of date.",
        "已分配 = 截至统计日基金向 LP 支付的现金之和。",
    ),
    "nav": (
        "NAV = cash held + fair value of the holdings at the as-of date (each holding's latest "
        "mark on or before it, else its remaining cost).",
        "净资产值（NAV）= 持有现金 + 被投企业在统计日的公允价值（取统计日或之前最近一次估值，"
        "无估值时取剩余成本）。",
    ),
    "picc": (
        "PICC = PIC / committed capital: the share of the commitments called so far.",
        "实缴比例（PICC）= 实缴资本 / 认缴资本：已催缴的认缴资本比例。",
    ),
    "dpi": (
        "DPI = distributions / PIC. ILPA definition: what has come back in cash per unit paid in.",
        "DPI = 已分配 / 实缴资本。ILPA 定义：每单位实缴资本已收回的现金。",
    ),
    "rvpi": (
        "RVPI = NAV / PIC. ILPA definition: the value still held per unit paid in.",
        "RVPI = 净资产值 / 实缴资本。ILPA 定义：每单位实缴资本仍持有的价值。",
    ),
    "tvpi": (
        "TVPI = (distributions + NAV) / PIC = DPI + RVPI. ILPA definition.",
        "TVPI =（已分配 + 净资产值）/ 实缴资本 = DPI + RVPI。ILPA 定义。",
    ),
    "net_irr": (
        "Net IRR = XIRR (ACT/365F) of the LPs' flows: calls and fees out, distributions in, "
        "plus NAV at the as-of date.",
        "净内部收益率 = LP 现金流的 XIRR（ACT/365F）：催缴和费用为流出，分配为流入，"
        "加上统计日的净资产值。",
    ),
    "gross_irr": (
        "Gross IRR = XIRR (ACT/365F) of the fund-to-company flows: investments out, proceeds "
        "in, plus the holdings' fair value at the as-of date.",
        "总内部收益率 = 基金与被投企业之间现金流的 XIRR（ACT/365F）：投资为流出，回款为流入，"
        "加上统计日持仓的公允价值。",
    ),
    "ks_pme": (
        "KS-PME = (sum FV(D) + NAV) / sum FV(C), each call C and distribution D carried to the "
        "as-of date T with the index: FV(x at t) = x × I(T) / I(t) (Kaplan & Schoar 2005). "
        "Above 1: the fund beat the index.",
        "KS-PME =（Σ FV(D) + 净资产值）/ Σ FV(C)，每笔催缴 C 与分配 D 按指数折算到统计日 T："
        "FV(t 时的 x) = x × I(T) / I(t)（Kaplan & Schoar 2005）。大于 1：基金跑赢指数。",
    ),
    "long_nickels": (
        "Long-Nickels PME = IRR of (-C, D, NAV LN) with NAV LN = sum FV(C) - sum FV(D): the "
        "IRR of putting the same money in the index (Long & Nickels 1996).",
        "Long-Nickels PME = (-C, D, NAV LN) 的内部收益率，NAV LN = Σ FV(C) - Σ FV(D)："
        "把同样的钱投入指数所得的内部收益率（Long & Nickels 1996）。",
    ),
    "pme_plus": (
        "PME+ = IRR of (-C, s × D, NAV), s = (sum FV(C) - NAV) / sum FV(D): distributions "
        "scaled so that the index investor ends with the fund's NAV (Rouvinez 2003).",
        "PME+ = (-C, s × D, 净资产值) 的内部收益率，s =（Σ FV(C) - 净资产值）/ Σ FV(D)："
        "按比例调整分配，使指数投资者期末持有与基金相同的净资产值（Rouvinez 2003）。",
    ),
    "direct_alpha": (
        "Direct Alpha a = IRR of (-FV(C), FV(D), NAV): the fund's annual return over the "
        "index (Gredil, Griffiths & Stucke 2014).",
        "直接阿尔法 a = (-FV(C), FV(D), 净资产值) 的内部收益率：基金相对指数的年化超额收益"
        "（Gredil, Griffiths & Stucke 2014）。",
    ),
    "direct_alpha_continuous": (
        "Continuous Direct Alpha = ln(1 + a), a the annual Direct Alpha.",
        "连续复利直接阿尔法 = ln(1 + a)，a 为年化直接阿尔法。",
    ),
    # the fund's contribution to its hub (fund.contribution)
    "crowd_in": (
        "Crowd-in multiple = (fund amount + co-investors' amount in the same rounds) / fund "
        "amount; disbursed amounts only, each round counted once.",
        "撬动倍数 =（基金出资 + 同轮其他投资方出资）/ 基金出资；仅计已拨付金额，每轮只计一次。",
    ),
    "local_reinvestment": (
        "Local reinvestment ratio = amount invested in firms of the fund's hub (or registered "
        "in its province) / capital called from public LPs.",
        "本地返投比例 = 投向本地（基金所在集聚区或其省份注册）企业的金额 / 向政府类 LP 催缴的"
        "资本。",
    ),
    "follow_on": (
        "Follow-on raised = sum of the portfolio companies' later rounds, announced after the "
        "fund's first cheque, without the rounds the fund joined.",
        "后续融资额 = 被投企业在基金首次出资之后宣布的融资轮次金额之和，不含基金参与的轮次。",
    ),
    "portfolio_jobs": (
        "Jobs = employees of the companies the fund still holds (each firm's current figure).",
        "就业人数 = 基金仍持有的被投企业的员工人数之和（取各企业的最新人数）。",
    ),
    # holdings (fund.performance, fund.ilpa)
    "companies": (
        "Companies = number of companies the fund invested in by the as-of date, exited ones "
        "included.",
        "被投企业数 = 截至统计日基金投资过的企业数量，含已退出企业。",
    ),
    "invested": (
        "Invested = sum of the fund's investments in the companies (cost), in the reporting "
        "currency.",
        "投资额 = 基金对被投企业的投资成本之和，以报告币种计。",
    ),
    "fair_value": (
        "Fair value = sum of each holding's latest mark on or before the as-of date, else its "
        "remaining cost.",
        "公允价值 = 各持仓在统计日或之前最近一次估值之和，无估值时取剩余成本。",
    ),
    "realized": (
        "Realized = sum of the proceeds from the companies (exits, dividends, interest).",
        "已实现 = 从被投企业收回的款项之和（退出、分红、利息）。",
    ),
    "holding_moic": (
        "MOIC = (realized + exit value) / invested cost of this holding, with the exit.",
        "投资回报倍数（MOIC）=（已实现 + 退出价值）/ 该持仓的投资成本（按此退出情景）。",
    ),
    "holding_irr": (
        "IRR = XIRR (ACT/365F) of the holding's flows: investments out, proceeds in, and the "
        "exit value on the exit date.",
        "内部收益率 = 该持仓现金流的 XIRR（ACT/365F）：投资为流出，回款为流入，"
        "加上退出日的退出价值。",
    ),
    "fund_moic": (
        "Fund gross MOIC = (realized + fair value) / invested cost over all holdings, with "
        "this exit.",
        "基金总投资回报倍数 =（已实现 + 公允价值）/ 全部持仓的投资成本（按此退出情景）。",
    ),
    "fund_gross_irr": (
        "Fund gross IRR = XIRR of every fund-to-company flow plus fair value, with this exit.",
        "基金总内部收益率 = 基金与全部被投企业现金流（加公允价值）的 XIRR（按此退出情景）。",
    ),
    # deal room (fund.diligence, fund.projection)
    "weighted_score": (
        "Weighted score = sum(weight × score) / sum(weights), over the areas with a weight "
        "above 0 (scores 1-5).",
        "加权评分 = Σ(权重 × 评分) / Σ 权重，仅计权重大于 0 的领域（评分 1-5）。",
    ),
    "exit_value": (
        "Exit value = exit multiple × the last projected year's revenue.",
        "退出价值 = 退出倍数 × 预测最后一年的收入。",
    ),
    "npv": (
        "NPV = sum of F(t) / (1 + discount rate)^t: the cheque at t = 0, the fund's share of "
        "the exit value (ownership × exit value) at the end of the last year.",
        "净现值 = Σ F(t) / (1 + 折现率)^t：t = 0 时投出款项，最后一年末收回基金所占退出价值"
        "（持股比例 × 退出价值）。",
    ),
    "projection_irr": (
        "IRR = the yearly rate r at which the NPV of the fund's flows (cheque out, share of "
        "the exit value in) is 0.",
        "内部收益率 = 使基金现金流（投出款项、收回退出价值份额）净现值为 0 的年化收益率 r。",
    ),
    "projection_moic": (
        "MOIC = ownership × exit value / cheque.",
        "投资回报倍数 = 持股比例 × 退出价值 / 投资额。",
    ),
    # portfolio monitoring (fund.monitoring)
    "runway": (
        "Runway (months) = cash / monthly burn, from the latest report; n/a when the company "
        "is not burning cash.",
        "现金可支撑月数 = 现金 / 月度净消耗，取最新报告；企业未消耗现金时为不适用。",
    ),
    # hub targets (fund.hub_kpis)
    "met": (
        "Met: the latest actual reaches the target (actual ≥ target; for a rank, actual ≤ "
        "target), by the deadline.",
        "已达成：截止日前最新实际值达到目标（实际值 ≥ 目标；排名类为实际值 ≤ 目标）。",
    ),
    "on track": (
        "On track: the trend forecast at the deadline reaches the target, or (fewer than 3 "
        "values) the schedule gap = attainment - time elapsed is -0.10 or more.",
        "进展正常：截止日的趋势预测值达到目标；或（少于 3 个观测值时）进度差 = 达成率 - "
        "时间进度 ≥ -0.10。",
    ),
    "at risk": (
        "At risk: only the optimistic end of the forecast's 80 % range reaches the target, or "
        "(fewer than 3 values) -0.25 ≤ schedule gap < -0.10.",
        "存在风险：仅预测 80% 区间的乐观端达到目标；或（少于 3 个观测值时）-0.25 ≤ 进度差 < "
        "-0.10。",
    ),
    "off track": (
        "Off track: the deadline passed unmet, not even the optimistic forecast reaches the "
        "target, the schedule gap is below -0.25, or nothing was recorded.",
        "偏离目标：截止日已过仍未达成、预测乐观端亦达不到目标、进度差低于 -0.25，或尚无记录。",
    ),
    "actual": (
        "Actual = the KPI's latest value on or before the as-of date (an observation, or "
        "counted from the store).",
        "实际值 = 统计日或之前该指标的最新值（观测值，或由库中数据统计得出）。",
    ),
    "target": (
        "Target = the value or range the plan sets for the deadline, as its source document "
        "states it.",
        "目标 = 规划为截止日设定的数值或区间，以来源文件所述为准。",
    ),
    "attainment": (
        "Attainment = actual / target at the as-of date (for a rank, where lower is better: "
        "target / actual).",
        "达成率 = 统计日实际值 / 目标（排名类越低越好：目标 / 实际值）。",
    ),
    "forecast": (
        "Forecast at deadline = least-squares trend of the values since the plan start, "
        "extrapolated to the deadline, with its 80 % prediction range.",
        "截止日预测 = 规划开始以来观测值的最小二乘趋势外推至截止日，附 80% 预测区间。",
    ),
    # parks (fund.indicators)
    "parks": (
        "Parks & clusters = number of fintech parks and clusters in the selected hubs.",
        "园区与集聚区 = 所选集聚区内金融科技园区与集聚区的数量。",
    ),
    "capacity": (
        "Capacity = sum of the number of firms the parks can host (known figures).",
        "容量 = 各园区可容纳企业数之和（仅计已知数据）。",
    ),
    "occupancy": (
        "Occupancy = sum of the firms the parks host now (known figures).",
        "入驻 = 各园区当前入驻企业数之和（仅计已知数据）。",
    ),
    "occupancy_rate": (
        "Occupancy rate = occupancy / capacity, summed over the parks.",
        "入驻率 = 入驻企业数 / 容量（各园区合计）。",
    ),
    # firms and funding (fund.ecosystem, fund.indicators)
    "total_raised": (
        "Total raised = sum of the funding rounds that match the filters, each converted to "
        "its hub's currency at the rate on the round's date.",
        "融资总额 = 符合筛选条件的融资轮次金额之和，按各轮日期的汇率折算为所属集聚区币种。",
    ),
    "rounds": (
        "Rounds = number of funding rounds that match the filters.",
        "融资轮次 = 符合筛选条件的融资轮次数量。",
    ),
    "firms_funded": (
        "Firms funded = number of distinct firms with at least one round that matches.",
        "获投企业 = 至少有一轮符合条件融资的企业数量（去重）。",
    ),
    "yoy": (
        "Year-on-year growth = funding in year t / funding in year t-1 - 1, for the last "
        "complete year.",
        "同比增长 = 第 t 年融资额 / 第 t-1 年融资额 - 1，取最近一个完整年度。",
    ),
    "firms": (
        "Firms = number of fintech firms in the selected hubs and sectors.",
        "企业数 = 所选集聚区和行业内的金融科技企业数量。",
    ),
    "active": (
        "Active = firms with status active (not closed).",
        "存续 = 状态为存续（未关闭）的企业数量。",
    ),
    "renowned": (
        "Renowned = firms that meet an explicit, stored criterion (e.g. a published ranking).",
        "知名企业 = 符合明确记录标准（如公开榜单）的企业数量。",
    ),
    "birth_rate": (
        "Birth rate = firms founded in the year / firms active at its start.",
        "新设率 = 当年新成立企业数 / 年初存续企业数。",
    ),
}


def definition(key: str, *, language: str | None = None) -> str:
    """Metric ``key``'s definition in ``language`` (the session's by default)."""
    english, chinese = DEFINITIONS[key]
    return chinese if (language or lang()) == "zh" else english


def help_for(key: str, *, reason: str | None = None, detail: str | None = None) -> str:
    """A metric tile's help: its definition, then ``detail`` (this figure's own note, already
    Markdown-safe) and, for a figure without a value, ``reason`` (why)."""
    parts = [definition(key)]
    if detail:
        parts.append(detail)
    if reason:
        parts.append(t("No value: {reason}.", reason=md_text(reason)))
    return "\n\n".join(parts)
