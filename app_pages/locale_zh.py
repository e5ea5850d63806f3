"""The Chinese catalogue: ``ZH``, the English text the pages write (``t("...")``,
``N_("...")``) -> its Chinese, merged from the parts (``locale_zh_fund``, ``_deals``, ``_hub``,
``_admin``); ``TERMS``, the domain's vocabularies (statuses, stages, entry types, roles,
ILPA items, settings...) -> Chinese (``i18n.term``); ``STATUS_RULES_ZH``,
``fund.hub_kpis.STATUS_RULES`` in Chinese.

Placeholders ``{name}`` and their format specs stay as they are; Chinese punctuation
(，：；（）。) is used inside Chinese text.
"""

from __future__ import annotations

from app_pages.locale_zh_admin import ZH_ADMIN
from app_pages.locale_zh_deals import ZH_DEALS
from app_pages.locale_zh_fund import ZH_FUND
from app_pages.locale_zh_hub import ZH_HUB

STATUS_RULES_ZH = """\
**目标状态的判定方法**（按以下顺序判断，采用第一条适用的规则）：

1. **已达成**：最新实际值达到目标：实际值 >= 目标（区间目标取下限）；对越低越好的
   指标（如排名），实际值 <= 目标。截止日过后，实际值取截止日的数值：截止日之后才
   达到的目标视为未达成。
2. **偏离目标**：截止日已过（统计日晚于截止日），且截止日前未达成目标。
3. 有趋势预测时（规划开始以来至少 3 个带日期的数值，且至少分布在 2 个日期）：对数值做
   最小二乘直线拟合并外推至截止日，附 80% 预测区间（Student t 分布，自由度 n - 2；
   下限不低于 0，排名不低于 1）：
   - **进展正常**：截止日预测的中心值达到目标；
   - **存在风险**：仅乐观端（区间上端；排名为下端）达到目标；
   - **偏离目标**：连乐观端也达不到目标。
4. 否则（数值少于 3 个），按进度差 = 达成率（上限 100%）- 规划期已过时间占比判断：
   - **进展正常**：进度差 >= -0.10；
   - **存在风险**：-0.25 <= 进度差 < -0.10；
   - **偏离目标**：进度差 < -0.25；
   - 尚未记录任何实际值时亦为**偏离目标**。
"""

ZH: dict[str, str] = ZH_FUND | ZH_DEALS | ZH_HUB | ZH_ADMIN

# fmt: off
TERMS: dict[str, str] = {
    "met": "已达成",
    "on track": "进展正常",
    "at risk": "存在风险",
    "off track": "偏离目标",
    "count": "个数",
    "rank": "排名",
    "Fund manager": "基金管理人",
    "Development bureau": "发展局",
    "Analyst": "分析人员",
    "Administrator": "管理员",
    "local": "本地",
    "password": "密码",
    "oidc": "OIDC",
    "sourced": "初步接触",
    "screening": "筛选",
    "due_diligence": "尽职调查",
    "investment_committee": "投委会",
    "term_sheet": "投资条款",
    "invested": "已投资",
    "passed": "已放弃",
    "on_hold": "暂缓",
    "referral": "推荐",
    "event": "活动",
    "registry search": "登记机构检索",
    "inbound": "主动来访",
    "accelerator": "加速器",
    "team": "团队",
    "market too small": "市场太小",
    "valuation": "估值",
    "regulatory risk": "监管风险",
    "competition": "竞争",
    "traction": "业务进展",
    "outside mandate": "不在投资范围",
    "company declined": "企业拒绝",
    "other": "其他",
    "market": "市场",
    "product": "产品",
    "financials": "财务",
    "legal": "法律",
    "regulatory": "监管",
    "custom": "自定义",
    "open": "待处理",
    "in progress": "进行中",
    "done": "已完成",
    "not applicable": "不适用",
    "resolved": "已解决",
    "waived": "已豁免",
    "approve": "批准",
    "approve with conditions": "附条件批准",
    "decline": "否决",
    "abstain": "弃权",
    "payments": "支付",
    "lending": "借贷",
    "wealthtech": "财富科技",
    "insurtech": "保险科技",
    "regtech": "监管科技",
    "blockchain": "区块链",
    "data & AI": "数据与人工智能",
    "supply-chain finance": "供应链金融",
    "digital banking": "数字银行",
    "infrastructure": "基础设施",
    "active": "存续",
    "closed": "已关闭",
    "acquired": "已被收购",
    "approved": "已获批",
    "testing": "测试中",
    "completed": "已完成",
    "withdrawn": "已撤回",
    "park": "园区",
    "cluster": "集聚区",
    "capital_call": "催缴",
    "distribution": "分配",
    "investment": "投资",
    "proceeds": "回款",
    "fund_payment": "基金支付",
    "write_off": "核销",
    "management_fee": "管理费",
    "fund_expense": "基金费用",
    "return_of_capital": "返还本金",
    "gain": "收益",
    "income": "收入",
    "initial": "首次投资",
    "follow_on": "追加投资",
    "exit": "退出",
    "partial_exit": "部分退出",
    "dividend": "分红",
    "interest": "利息",
    "carried_interest": "业绩报酬",
    "equity": "股权",
    "safe": "SAFE（未来股权简单协议）",
    "convertible_note": "可转债",
    "venture_debt": "风险债",
    "cost": "成本法",
    "last round": "最近一轮价格",
    "comparables": "可比公司法",
    "DCF": "现金流折现法",
    "offer": "收购要约",
    "write-down": "减值",
    "write-off": "核销",
    "Commitments": "认缴",
    "Contributions": "出资",
    "Distributions": "分配",
    "Fund payments": "基金支付",
    "Net asset value": "净资产值",
    "Performance": "业绩",
    "Total commitments": "认缴总额",
    "Unfunded commitment": "未实缴认缴额",
    "Capital called for investments": "为投资催缴的资本",
    "Capital called for management fees": "为管理费催缴的资本",
    "Capital called for fund expenses": "为基金费用催缴的资本",
    "Total contributions (paid-in capital)": "出资总额（实缴资本）",
    "Return of capital": "返还本金",
    "Realized gain": "已实现收益",
    "Income (dividends, interest)": "收入（分红、利息）",
    "Total distributions": "分配总额",
    "Management fees paid": "已付管理费",
    "Fund expenses paid": "已付基金费用",
    "Carried interest paid": "已付业绩报酬",
    "Cash held": "持有现金",
    "Investments at fair value": "投资公允价值",
    "Net asset value (NAV)": "净资产值（NAV）",
    "Paid-in to committed (PICC)": "实缴比例（PICC）",
    "Gross MOIC": "总 MOIC",
    "Net IRR": "净内部收益率",
    "Gross IRR": "总内部收益率",
    "any": "任意",
    "insert": "新增",
    "update": "更新",
    "delete": "删除",
    "create": "新建",
    "unchanged": "未变",
    "needs review": "待审核",
    "reject": "拒绝",
    "SQL time limit (s)": "SQL 查询时限（秒）",
    "SQL row cap": "SQL 行数上限",
    "Sign-in attempts before lockout": "锁定前允许的登录尝试次数",
    "Lockout (minutes)": "锁定时长（分钟）",
    "Minimum password length": "密码最短长度",
    "The longest an analyst's read-only SQL query may run before it is cancelled.":
        "分析人员的只读 SQL 查询在被取消前可运行的最长时间。",
    "The most rows the SQL page returns (and exports) for one query.":
        "SQL 页面单次查询返回（及导出）的最多行数。",
    "Consecutive failed password sign-ins after which the account is locked.":
        "连续密码登录失败达到此次数后锁定账号。",
    "How long an account stays locked after too many failed sign-ins.":
        "登录失败次数过多后账号保持锁定的时长。",
    "The fewest characters a new password may have (never fewer than 12).":
        "新密码的最少字符数（不少于 12）。",
}
# fmt: on
