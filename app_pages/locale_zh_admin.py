"""The Chinese catalogue for users and settings, the audit log, SQL, schema,
sign-in, and the menu (page titles and sections).

``app_pages.locale_zh`` merges the parts. Entries stay within 100 columns (a Chinese
character counts as two), so the formatter is off for the table."""

from __future__ import annotations

# fmt: off
ZH_ADMIN: dict[str, str] = {
    "username": "用户名",
    "role": "角色",
    "active": "启用",
    "password": "密码",
    "locked until": "锁定至",
    "failed attempts": "失败次数",
    "funds": "基金",
    "last sign-in": "上次登录",
    "Users & settings": "用户与设置",
    (
        "Sign-in mode: **{mode}**. Users sign in in password mode (username and password) or OIDC "
        "mode (username = e-mail); local mode needs no users."
    ): (
        "登录方式：**{mode}**。密码方式下用户以用户名和密码登录，OIDC 方式下用户名即电子邮箱；"
        "本地方式无需用户。"
    ),
    "Settings": "设置",
    "Added {user} ({role}).": "已添加 {user}（{role}）。",
    "Unlock": "解锁",
    "nothing changed": "无更改",
    "Settings saved: {done}.": "设置已保存：{done}。",
    "No users yet: add the first below, or with `hubfund user add` on the server.":
        "尚无用户：在下方添加第一位用户，或在服务器上运行 `hubfund user add`。",
    "Change a user": "修改用户",
    "User": "用户",
    "Add a user": "添加用户",
    "Username (the e-mail in OIDC mode)": "用户名（OIDC 方式下为电子邮箱）",
    "Display name": "显示名称",
    "Role": "角色",
    "Password (at least {least} characters; leave empty for OIDC-only users)":
        "密码（至少 {least} 个字符；仅用 OIDC 登录的用户留空）",
    "Funds (fund managers)": "基金（基金管理人）",
    "{user}: {done}.": "{user}：{done}。",
    "Set role": "设置角色",
    "Funds": "基金",
    "Assign funds": "分配基金",
    "New password": "新密码",
    "Reset password": "重置密码",
    "unlocked": "已解锁",
    "Deactivate": "停用",
    "deactivated": "已停用",
    "Add user": "添加用户",
    "role set to {role}": "角色已设为{role}",
    "funds assigned": "基金已分配",
    "password reset": "密码已重置",
    "Reactivate": "重新启用",
    "reactivated": "已重新启用",
    "Save settings": "保存设置",
    "set": "已设置",
    "none": "无",
    "id": "编号",
    "at (UTC)": "时间（UTC）",
    "actor": "操作人",
    "action": "操作",
    "table": "表",
    "row": "行",
    "columns changed": "变更的列",
    "column": "列",
    "before": "变更前",
    "after": "变更后",
    "changed": "已变更",
    "Audit log": "审计日志",
    "Nothing has been written yet: every change made through Hubfund will show here.":
        "尚无任何写入：通过 Hubfund 做出的每一项更改都会显示在这里。",
    "{total:,} changes, newest first; {size} a page.":
        "共 {total:,} 项更改，最新的在前；每页 {size} 项。",
    "Entry": "记录",
    "Entry #{id}": "记录 #{id}",
    (
        "{actor} made this {action} of {table} row {row} at {at} UTC. Highlighted: the columns "
        "this change set; the others show the row as it stood."
    ): (
        "{actor} 于 {at} UTC 对 {table} 的行 {row} 执行了{action}。高亮：本次更改设置的列；"
        "其他列显示该行当时的状态。"
    ),
    "(new row)": "（新增行）",
    "(row removed)": "（已删除行）",
    "Changed between (UTC)": "更改时间段（UTC）",
    "Actors": "操作人",
    "Tables": "表",
    "Action": "操作",
    "Contains": "包含",
    "No change matches these filters.": "没有符合这些筛选条件的更改。",
    "Page (of {pages})": "页码（共 {pages} 页）",
    "Reversal chain": "冲销链",
    "everyone": "所有人",
    "all": "全部",
    "a name, an id, a value": "名称、编号或数值",
    "A correction on the ledger is a reversing entry: the original first.":
        "台账的更正以冲销分录完成：原始分录在前。",
    "This ledger entry has not been reversed, and reverses nothing.":
        "该台账分录未被冲销，也未冲销其他分录。",
    "Views for analysts ({count})": "分析视图（{count}）",
    "Tables ({count})": "数据表（{count}）",
    "type": "类型",
    "null": "可空",
    "key": "键",
    "meaning": "含义",
    "Schema": "数据结构",
    (
        "Money is stored as BIGINT hundredths in `<field>_minor` columns beside an ISO 4217 "
        "`currency` (hundredths for every currency, JPY too); the views show it in major units. "
        "Timestamps are UTC. The views come first: they join the tables the way the app reads them."
    ): (
        "金额以 BIGINT 百分位存储在 `<field>_minor` 列中，旁边是 ISO 4217 "
        "`currency`（所有币种都按百分位，日元亦然）；视图以主单位显示金额。时间戳为 UTC。"
        "视图排在前面：它们按应用读取数据的方式连接各表。"
    ),
    "Nothing in the schema mentions {text}: try a shorter word.":
        "数据结构中没有提到 {text}：请尝试更短的词。",
    "{name}: {count} columns": "{name}：{count} 列",
    "Find a table, view or column": "查找表、视图或列",
    "Sign in": "登录",
    "Username": "用户名",
    "Password": "密码",
    (
        "OIDC sign-in is not configured: add an [auth] section (redirect_uri, cookie_secret, "
        "client_id, client_secret, server_metadata_url) to .streamlit/secrets.toml (README, "
        "Sign-in)."
    ): (
        "尚未配置 OIDC 登录：请在 .streamlit/secrets.toml 中添加 [auth] 部分（redirect_uri、"
        "cookie_secret、client_id、client_secret、server_metadata_url）（见 README「Sign-in」）。"
    ),
    "Sign in with your organisation's account.": "请使用您所在机构的账号登录。",
    "Sign in with {provider}": "通过 {provider} 登录",
    "Sign out": "退出登录",
    "SQL": "SQL 查询",
    (
        "One read-only query (SELECT, WITH, VALUES or EXPLAIN) on a connection that cannot write: "
        "it stops after {seconds} s and returns at most {rows:,} rows. Views: {views}; every table "
        "and column is on the Schema page."
    ): (
        "一次只读查询（SELECT、WITH、VALUES 或 EXPLAIN），所用连接不能写入：运行超过 {seconds} "
        "秒即停止，最多返回 {rows:,} 行。视图：{views}；所有表和列见「数据结构」页面。"
    ),
    "Query": "查询",
    "Run": "运行",
    "Examples": "示例",
    "Load example": "加载示例",
    "Saved queries": "已保存的查询",
    "{rows:,} rows in {seconds} s": "{rows:,} 行，用时 {seconds} 秒",
    "Saved the query {name}.": "已保存查询 {name}。",
    "Choose an example query": "选择示例查询",
    "Load": "加载",
    "Delete": "删除",
    "Note: {note}": "备注：{note}",
    (
        "Truncated at {cap:,} rows: more rows match. Narrow the query (WHERE, GROUP BY, LIMIT) to "
        "see them all."
    ): (
        "已截断为 {cap:,} 行：还有更多行符合条件。请收窄查询（WHERE、GROUP BY、LIMIT）以查看全部。"
    ),
    "Save this query": "保存此查询",
    "Choose a saved query": "选择已保存的查询",
    "No saved queries yet": "尚无已保存的查询",
    "Deleted the saved query {name}.": "已删除已保存的查询 {name}。",
    "Download Parquet": "下载 Parquet",
    "Save query": "保存查询",
    "Signed in as **{name}** ({role}), {mode} mode": "已登录：**{name}**（{role}），{mode}方式",
    "Deals": "项目",
    "Analysis": "分析",
    "Admin": "管理",
}
# fmt: on
