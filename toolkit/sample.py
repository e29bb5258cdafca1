"""A reproducible sample company: five department workbooks around a fixed as-of date.

`python -m toolkit.outputs.sample_company` (or `make sample`) rewrites `workbooks/sample/`. The demo, the
README examples and the master-tracker tests all run on these files, so every scenario in
them is deliberate and written down here:

what each must give is written down in `tests/sample_expectations.py` (findings, flags,
conclusions of the analysis), and `tests/test_sample_files.py` checks that the committed files
equal freshly generated ones and that the real pipeline gives exactly these answers.

This module is data only (plans of sheets and rows); `toolkit.outputs.sample_company` writes them.

Dates are working days (Monday–Friday) counted from `SAMPLE_AS_OF`, a Tuesday in ISO week
2026-W48. Every open task lies in November–December 2026, where the Chinese holiday calendar
has no holiday or make-up workday, so "working day" means the same with or without it.
The files are byte-for-byte reproducible (fixed document dates, no clock).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .schema import SHEETS_BY_KEY

SAMPLE_AS_OF = date(2026, 11, 24)          # a Tuesday; ISO week 2026-W48 runs 23–29 November
SAMPLE_FOLDER = Path("workbooks/sample")
FIXED_CREATED = datetime(2026, 11, 23, 9, 0, 0)

CS, IT, MKT, WH, PU = "客服部.xlsx", "IT.xlsx", "市场部.xlsx", "仓储部.xlsx", "采购部.xlsx"
DEPARTMENTS: list[tuple[str, str]] = [
    (CS, "客服部"),      # Customer Service: Chinese sheets and headers; owns 客服系统升级
    (IT, "IT"),          # IT: English sheets and headers
    (MKT, "市场部"),     # Marketing: Chinese; owns 双十二年度促销
    (WH, "仓储部"),      # Warehouse: a Chinese Tasks sheet under a title row, an English Team sheet
    (PU, "采购部"),      # Purchasing: English with a few Chinese headers; owns 供应链流程优化
]

P_CS = "客服系统升级"        # customer-service upgrade: CS + IT
P_SC = "供应链流程优化"      # supply-chain process optimisation: Warehouse + Purchasing + IT
P_PR = "双十二年度促销"      # annual Double-12 promotion: Marketing + CS + Warehouse (+ IT's landing page)
P_RC = "供应商对账自动化"    # supplier reconciliation automation: Purchasing; finished and Closed (the closure demo)


def workday(n: int) -> date:
    """The day `n` working days (Monday–Friday) after SAMPLE_AS_OF (before it when n < 0)."""
    day, step = SAMPLE_AS_OF, timedelta(days=1 if n >= 0 else -1)
    for _ in range(abs(n)):
        day += step
        while day.isoweekday() > 5:
            day += step
    return day


W = workday   # W(0) = Tue 24 Nov, W(-1) = Mon 23 Nov, W(-2) = Fri 20 Nov, W(3) = Fri 27 Nov


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ====================================================================== the workbooks

@dataclass
class SheetPlan:
    """One sheet of a sample workbook: rows by column key, headers in `lang` unless overridden."""

    kind: str
    name: str
    lang: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    headers: dict[str, str] = field(default_factory=dict)   # key -> header text as the team wrote it
    extras: tuple[str, ...] = ()                             # columns the team added (by header text)
    title: str | None = None                                 # a title row and a blank row above the header

    def header(self, key: str) -> str:
        if key in self.headers:
            return self.headers[key]
        if key in self.extras:
            return key
        return SHEETS_BY_KEY[self.kind].column(key).header(self.lang)


TASK_COLS = ("id", "project", "title", "department", "owner", "start", "due", "status", "percent", "hours",
             "priority", "depends_on", "milestone", "completed_on", "notes")
TEAM_COLS = ("name", "department", "role", "capacity", "email", "leave")
PROJECT_COLS = ("project", "sponsor", "manager", "goal", "scope", "start", "end", "phase")
KPI_COLS = ("project", "kpi", "unit", "baseline", "target", "actual", "direction", "measured_on")
RISK_COLS = ("id", "project", "risk", "probability", "impact", "owner", "mitigation", "status", "review_date")
MILESTONE_COLS = ("project", "milestone", "due", "criteria", "status", "accepted_by", "accepted_on")
LESSON_COLS = ("project", "type", "lesson", "action", "owner", "due")
COLUMNS_BY_KIND = {"tasks": TASK_COLS, "team": TEAM_COLS, "projects": PROJECT_COLS, "kpis": KPI_COLS,
                   "risks": RISK_COLS, "milestones": MILESTONE_COLS, "lessons": LESSON_COLS}


def _sheet(kind: str, lang: str, rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None,
           **options: Any) -> SheetPlan:
    """A sheet named as the schema names `kind` in `lang`, with the standard columns unless given."""
    return SheetPlan(kind, SHEETS_BY_KEY[kind].title(lang), lang, columns or COLUMNS_BY_KIND[kind], rows, **options)


def _standard_sheets(lang: str, **rows_by_kind: list[dict[str, Any]]) -> list[SheetPlan]:
    """Standard sheets in `lang`, in the order given (`tasks=…, team=…, …`)."""
    return [_sheet(kind, lang, rows) for kind, rows in rows_by_kind.items()]


def _task(id_: str, project: str, title: str, owner: str, start: Any, due: Any, status: str,
          percent: Any = None, hours: Any = None, priority: str | None = None, **more: Any) -> dict[str, Any]:
    return {"id": id_, "project": project, "title": title, "owner": owner, "start": start, "due": due,
            "status": status, "percent": percent, "hours": hours, "priority": priority, **more}


# ---------------------------------------------------------------- 客服部 (Customer Service, Chinese)

def _customer_service() -> list[SheetPlan]:
    done = "已完成"
    tasks = [
        _task("CS-001", P_CS, "需求调研与现状梳理", "陈静", W(-30), W(-22), done, 1.0, 24, "高",
              milestone="需求确认", completed_on=W(-22)),
        _task("CS-002", P_CS, "工单分类与 SLA 规则制定", "张敏", W(-25), W(-20), done, 1.0, 16, "高",
              milestone="需求确认", completed_on=W(-21)),
        _task("CS-003", P_CS, "新系统上线验收测试", "李娜", W(-14), W(-9), done, 1.0, 24, "高",
              depends_on="IT-002", milestone="系统上线验收", completed_on=W(-9)),
        _task("CS-004", P_CS, "知识库迁移", "张敏", W(-18), W(-10), done, 1.0, 16, "中",
              completed_on=W(-11)),
        # overdue 7 working days, 60 % done: overdue and behind
        _task("CS-005", P_CS, "回访话术更新", "李娜", W(-15), W(-7), "进行中", 0.6, 16, "中",
              notes="等待质检组确认新话术"),
        # the fix of the failed acceptance: due soon (Thu 26 Nov), 40 % where 50 % was expected
        _task("CS-006", P_CS, "工单分配规则修复（验收未通过项）", "赵磊", W(-3), W(2), "进行中", 0.4, 16, "高",
              depends_on="IT-004", milestone="系统上线验收"),
        # behind: 45 % of its working days gone, 20 % done
        _task("CS-007", P_CS, "客服人员新系统培训", "赵磊", W(-5), W(5), "进行中", 0.2, 24, "中",
              milestone="正式切换"),
        # overdue 1 working day, 90 % done (not behind)
        _task("CS-008", P_CS, "满意度回访抽样", "张敏", W(-20), W(-1), "进行中", 0.9, 16, "中"),
        _task("CS-009", P_CS, "投诉率月度分析报告", "张敏", W(1), W(8), "未开始", None, 8, "低"),
        # due soon: Fri 27 Nov, 3 working days left
        _task("CS-010", P_PR, "大促客服排班", "陈静", W(-2), W(3), "进行中", 0.3, 12, "高"),
        # starts today: expected 0 %, nothing to flag; 李娜 is on leave Thu–Fri but within 24 h
        _task("CS-011", P_PR, "大促话术与 FAQ 准备", "李娜", W(0), W(6), "未开始", 0, 16, "中"),
        _task("CS-012", P_PR, "大促临时客服招募", "陈静", W(-12), W(-4), done, 1.0, 16, "中",
              completed_on=W(-5)),
        # deliberate: Done at 80 % (done-not-complete, a warning)
        _task("CS-013", P_CS, "旧系统数据归档", "张敏", W(-12), W(-6), done, 0.8, 8, "低",
              completed_on=W(-6), notes="剩余附件由 IT 归档"),
        # deliberate: Due (1 Dec) before Start (10 Dec); its hours land in Due's week, 2026-W49
        _task("CS-014", P_CS, "投诉工单自动升级规则", "赵磊", W(12), W(5), "未开始", None, 12, "中"),
        # a Chinese date text read as a date
        _task("CS-015", P_CS, "回访满意度调查问卷上线", "李娜", W(-10), W(-3), done, 1.0, 8, "中",
              completed_on=_zh_date(W(-3))),
        _task("CS-016", P_CS, "客服质检标准更新", "张敏", W(-8), W(10), "进行中", 0.5, 16, "中",
              milestone="正式切换"),
    ]
    team = [
        {"name": "陈静", "department": "客服部", "role": "客服主管 / 项目经理", "capacity": 40,
         "email": "chen.jing@example.com"},
        # on leave Thursday and Friday of the as-of week: capacity 40 × 3/5 = 24 h in 2026-W48
        {"name": "李娜", "department": "客服部", "role": "客服专员", "capacity": 40,
         "email": "li.na@example.com", "leave": f"{W(2).isoformat()}~{W(3).isoformat()}"},
        {"name": "张敏", "department": "客服部", "role": "质检专员", "capacity": 40, "email": "zhang.min@example.com"},
        {"name": "赵磊", "department": "客服部", "role": "培训师", "capacity": 40, "email": "zhao.lei@example.com"},
    ]
    projects = [
        {"project": P_CS, "sponsor": "杨帆", "manager": "陈静", "goal": "提升客户满意度：响应更快、投诉更少",
         "scope": "工单系统、回访流程、客服培训", "start": W(-30), "end": W(25), "phase": "执行"},
    ]
    kpis = [
        # lower is better: 28 h against a target of 24 h, not met
        {"project": P_CS, "kpi": "平均响应时间", "unit": "小时", "baseline": 36, "target": 24, "actual": 28,
         "direction": "越低越好", "measured_on": W(-1)},
        # complaint rate down 15 %: 2.0 % -> 1.7 %; 1.6 % is met
        {"project": P_CS, "kpi": "投诉率", "unit": "%", "baseline": 2.0, "target": 1.7, "actual": 1.6,
         "direction": "越低越好", "measured_on": W(-1)},
        # higher is better: 86 % against 90 %, not met
        {"project": P_CS, "kpi": "回访满意度", "unit": "%", "baseline": 82, "target": 90, "actual": 86,
         "direction": "越高越好", "measured_on": W(-1)},
    ]
    risks = [
        # 4 × 4 = 16: high
        {"id": "R-CS-01", "project": P_CS, "risk": "供应商修复工单系统缺陷延期，影响正式切换", "probability": 4,
         "impact": 4, "owner": "陈静", "mitigation": "每日与供应商对进度；保留旧系统并行", "status": "未关闭",
         "review_date": W(3)},
        # 2 × 4 = 8: amber
        {"id": "R-CS-02", "project": P_CS, "risk": "数据迁移丢失历史工单", "probability": 2, "impact": 4,
         "owner": "张敏", "mitigation": "迁移前后抽样核对", "status": "处理中", "review_date": W(5)},
        # 5 × 4 = 20 but closed: never high
        {"id": "R-CS-03", "project": P_CS, "risk": "客服人员抵触新系统", "probability": 5, "impact": 4,
         "owner": "赵磊", "mitigation": "一线参与设计、分批培训", "status": "已关闭", "review_date": W(-10)},
    ]
    milestones = [
        {"project": P_CS, "milestone": "需求确认", "due": W(-22), "criteria": "需求说明书经发起人签字",
         "status": "通过", "accepted_by": "杨帆", "accepted_on": W(-22)},
        # failed acceptance: the project is red until it passes
        {"project": P_CS, "milestone": "系统上线验收", "due": W(-8), "criteria": "工单自动分配准确率 ≥ 95%",
         "status": "未通过", "accepted_by": "杨帆", "accepted_on": W(-8)},
        {"project": P_CS, "milestone": "正式切换", "due": W(10), "criteria": "连续 5 天全部工单在新系统处理",
         "status": "待验收"},
    ]
    lessons = [
        {"project": P_CS, "type": "亮点", "lesson": "一线客服访谈找到了真正的瓶颈（工单分类混乱）",
         "action": "每个项目启动时先访谈一线人员", "owner": "陈静", "due": W(25)},
        {"project": P_CS, "type": "不足", "lesson": "分配规则未做压力测试，上线验收未通过",
         "action": "验收前安排一周模拟运行", "owner": "赵磊", "due": W(10)},
    ]
    return _standard_sheets("zh", tasks=tasks, team=team, projects=projects, kpis=kpis, risks=risks,
                            milestones=milestones, lessons=lessons)


# ---------------------------------------------------------------- IT (English)

def _it() -> list[SheetPlan]:
    tasks = [
        _task("IT-001", P_CS, "Ticket system vendor selection", "周杰", W(-30), W(-24), "Done", 1.0, 24, "High",
              completed_on=W(-24)),
        _task("IT-002", P_CS, "Ticket system deployment", "郑浩", W(-24), W(-15), "Done", 1.0, 32, "High",
              depends_on="IT-001", completed_on=W(-15)),
        _task("IT-003", P_CS, "Data migration from the old CRM", "吴刚", W(-20), W(-12), "Done", 1.0, 32, "High",
              completed_on=W(-12)),
        # the defects of the failed acceptance; 30 % where 37.5 % was expected; due Mon 30 Nov
        _task("IT-004", P_CS, "Fix routing defects found in acceptance", "吴刚", W(-3), W(4), "In progress", 0.3, 24,
              "High", milestone="系统上线验收"),
        # overdue 3 working days, 70 % done: overdue and behind; blocks MKT-004 in Marketing
        _task("IT-005", P_PR, "Promotion landing page development", "吴刚", W(-12), W(-3), "In progress", 0.7, 40,
              "High", milestone="活动上线"),
        _task("IT-006", P_PR, "Load test for the promotion", "孙丽", W(3), W(8), "Not started", None, 16, "High",
              milestone="系统压测通过"),
        _task("IT-007", P_SC, "WMS–ERP interface specification", "周杰", W(-20), W(-11), "Done", 1.0, 16, "Medium",
              completed_on=W(-11)),
        # behind: 62.5 % of its working days gone, 40 % done
        _task("IT-008", P_SC, "WMS–ERP interface development", "郑浩", W(-10), W(5), "In progress", 0.4, 40, "High",
              depends_on="IT-007", milestone="试点运行"),
        # depends on IT-008, which is late in progress but not overdue: not blocked
        _task("IT-009", P_SC, "Interface joint test with the warehouse", "孙丽", W(6), W(10), "Not started", None, 16,
              "Medium", depends_on="IT-008", milestone="试点运行"),
        # due soon: Wed 25 Nov, on plan at 50 %
        _task("IT-010", P_SC, "Supplier portal single sign-on", "郑浩", W(-2), W(1), "In progress", 0.5, 8, "Medium"),
        # deliberate: owner 张伟 left the company and is in no Team sheet
        _task("IT-011", P_SC, "Barcode scanner driver update", "张伟", W(-1), W(9), "Not started", None, 8, "Low"),
        # deliberate: depends on IT-021, which does not exist
        _task("IT-012", P_PR, "Coupon system configuration", "周杰", W(1), W(7), "Not started", None, 12, "Medium",
              depends_on="IT-021"),
        # cancelled and past its due date: closed, so not overdue
        _task("IT-013", P_CS, "Old CRM interface (replaced by the migration)", "吴刚", W(-20), W(-10), "Cancelled",
              0.1, 16, "Low"),
        _task("IT-014", P_PR, "Promotion traffic forecast", "周杰", W(-10), W(-6), "Done", 1.0, 8, "Medium",
              completed_on=W(-6)),
    ]
    team = [
        {"name": "周杰", "department": "IT", "role": "IT lead", "capacity": 40, "email": "zhou.jie@example.com"},
        {"name": "吴刚", "department": "IT", "role": "Developer", "capacity": 40, "email": "wu.gang@example.com"},
        {"name": "孙丽", "department": "IT", "role": "Tester", "capacity": 40, "email": "sun.li@example.com"},
        {"name": "郑浩", "department": "IT", "role": "Operations engineer", "capacity": 40,
         "email": "zheng.hao@example.com"},
    ]
    for row in tasks:
        row["department"] = "IT"
    return [
        _sheet("tasks", "en", tasks),
        _sheet("team", "en", team),
    ]


# ---------------------------------------------------------------- 市场部 (Marketing, Chinese)

def _marketing() -> list[SheetPlan]:
    done = "已完成"
    tasks = [
        _task("MKT-001", P_PR, "双十二活动方案策划", "何欣", W(-30), W(-20), done, 1.0, 32, "高",
              milestone="活动方案定稿", completed_on=W(-20)),
        _task("MKT-002", P_PR, "活动预算审批", "何欣", W(-20), W(-15), done, 1.0, 8, "高", completed_on=W(-16)),
        _task("MKT-003", P_PR, "活动主视觉设计", "高雪", W(-18), W(-10), done, 1.0, 24, "中", completed_on=W(-10)),
        # waits for IT's landing page (IT-005), which is overdue: blocked across departments
        _task("MKT-004", P_PR, "活动页面上线", "林涛", W(1), W(8), "未开始", None, 8, "高", depends_on="IT-005",
              milestone="活动上线"),
        # due soon (Thu 26 Nov); 60 % where 73 % was expected (13 points, not behind)
        _task("MKT-005", P_PR, "直播排期与主播签约", "马超", W(-8), W(2), "进行中", 0.6, 16, "高"),
        # due today: due soon with 0 days left, not overdue
        _task("MKT-006", P_PR, "预热海报与短视频", "高雪", W(-3), W(0), "进行中", 0.8, 16, "中"),
        # behind: 56 % of its working days gone, 20 % done
        _task("MKT-007", P_PR, "KOL 合作投放", "林涛", W(-10), W(7), "进行中", 0.2, 24, "中"),
        _task("MKT-008", P_PR, "会员短信与推送计划", "马超", W(2), W(9), "未开始", None, 8, "中"),
        # overdue across the weekend: due Friday, 2 working days late on Tuesday
        _task("MKT-009", P_PR, "优惠券规则设计", "何欣", W(-5), W(-2), "进行中", 0.85, 12, "高",
              depends_on="MKT-001"),
        # deliberate: status "待定" is not in the list (read as blank, so still an open task)
        _task("MKT-010", P_PR, "活动复盘模板准备", "高雪", W(5), W(12), "待定", None, 4, "低"),
        # deliberate: project "双12年度促销" is a typo, in no Projects sheet
        _task("MKT-011", "双12年度促销", "直播间布景搭建", "马超", W(6), W(11), "未开始", None, 8, "中"),
        _task("MKT-012", P_PR, "竞品价格监测", "林涛", W(-15), W(13), "进行中", 0.5, 16, "低"),
        _task("MKT-013", P_PR, "大促媒体投放复盘", "何欣", W(14), W(18), "未开始", None, 8, "低"),
    ]
    team = [
        {"name": "何欣", "department": "市场部", "role": "市场经理 / 项目经理", "capacity": 40, "email": "he.xin@example.com"},
        {"name": "林涛", "department": "市场部", "role": "活动运营", "capacity": 40, "email": "lin.tao@example.com"},
        {"name": "高雪", "department": "市场部", "role": "设计师", "capacity": 40, "email": "gao.xue@example.com"},
        {"name": "马超", "department": "市场部", "role": "直播运营", "capacity": 40, "email": "ma.chao@example.com"},
    ]
    projects = [
        {"project": P_PR, "sponsor": "杨帆", "manager": "何欣", "goal": "双十二大促 GMV 同比增长 20%",
         "scope": "活动策划、投放、直播、客服与仓储保障", "start": W(-30), "end": W(20), "phase": "执行"},
    ]
    kpis = [
        {"project": P_PR, "kpi": "活动页转化率", "unit": "%", "baseline": 2.5, "target": 3.5, "actual": None,
         "direction": "越高越好", "measured_on": None},
        {"project": P_PR, "kpi": "发货时效（下单到出库）", "unit": "小时", "baseline": 48, "target": 24, "actual": None,
         "direction": "越低越好", "measured_on": None},
        {"project": P_PR, "kpi": "大促客诉率", "unit": "%", "baseline": 1.2, "target": 1.0, "actual": None,
         "direction": "越低越好", "measured_on": None},
        # deliberate: no Direction
        {"project": P_PR, "kpi": "活动 GMV", "unit": "万元", "baseline": 1500, "target": 1800, "actual": None,
         "direction": None, "measured_on": None},
    ]
    risks = [
        # 4 × 4 = 16: high
        {"id": "R-PR-01", "project": P_PR, "risk": "大促期间仓库爆仓，发货延迟", "probability": 4, "impact": 4,
         "owner": "王磊", "mitigation": "提前备货入库、预约临时工和快递运力", "status": "未关闭", "review_date": W(3)},
        # 3 × 5 = 15: high, exactly at the threshold
        {"id": "R-PR-02", "project": P_PR, "risk": "活动页高并发时宕机", "probability": 3, "impact": 5,
         "owner": "吴刚", "mitigation": "压测、限流与降级预案", "status": "处理中", "review_date": W(5)},
        # 3 × 2 = 6: low
        {"id": "R-PR-03", "project": P_PR, "risk": "KOL 投放效果不达预期", "probability": 3, "impact": 2,
         "owner": "林涛", "mitigation": "按效果分批付费", "status": "未关闭", "review_date": W(8)},
    ]
    milestones = [
        {"project": P_PR, "milestone": "活动方案定稿", "due": W(-20), "criteria": "方案经运营总监批准",
         "status": "通过", "accepted_by": "杨帆", "accepted_on": W(-20)},
        {"project": P_PR, "milestone": "系统压测通过", "due": W(8), "criteria": "峰值 5000 QPS 下响应 < 1 秒",
         "status": "待验收"},
        {"project": P_PR, "milestone": "活动上线", "due": W(13), "criteria": "活动页、优惠券、直播间全部就绪",
         "status": "待验收"},
    ]
    lessons = [
        {"project": P_PR, "type": "亮点", "lesson": "去年双十一提前两周锁定主播档期，直播转化高",
         "action": "主播签约提前到活动前 3 周", "owner": "马超", "due": W(-5)},
        {"project": P_PR, "type": "不足", "lesson": "去年预热期只有 3 天，流量不足",
         "action": "预热期延长到 7 天", "owner": "何欣", "due": W(5)},
    ]
    return _standard_sheets("zh", tasks=tasks, team=team, projects=projects, kpis=kpis, risks=risks,
                            milestones=milestones, lessons=lessons)


# ---------------------------------------------------------------- 仓储部 (Warehouse, mixed)

def _warehouse() -> list[SheetPlan]:
    # % Complete typed as points (50 means 50 %), as this team does
    tasks = [
        # 王磊, week 2026-W48 (Tue–Fri counted): 20 h left spread over Tue–Fri
        _task("WH-001", P_PR, "双十二备货入库", "王磊", W(-6), W(3), "进行中", 50, 40, "高"),
        # … + 36 h over 9 working days = 4 h a day: 16 h this week, 20 h next week
        _task("WH-002", P_PR, "爆品库位调整", "王磊", W(0), W(8), "未开始", 0, 36, "高"),
        # … + 16 h on Wed–Thu = 52 h of 40 h: overloaded; next week 20 h of 40 h is fine
        _task("WH-003", P_SC, "仓储接口联调配合", "王磊", W(1), W(2), "未开始", 0, 16, "中", depends_on="IT-010"),
        _task("WH-004", P_PR, "赠品到货验收", "刘强", W(-8), W(-4), "已完成", 100, 8, "中", completed_on=W(-4)),
        _task("WH-005", P_SC, "库存盘点流程梳理", "刘强", W(-25), W(-15), "已完成", 100, 16, "中",
              completed_on=W(-15)),
        # Start typed as Chinese date text; on plan (45 % of 46 % expected)
        _task("WH-006", P_SC, "库位编码规则优化", "刘强", _zh_date(W(-6)), W(6), "进行中", 45, 24, "中"),
        # due soon (Fri 27 Nov), on plan
        _task("WH-007", P_PR, "大促临时工招聘与培训", "黄敏", W(-7), W(3), "进行中", 60, 16, "高"),
        _task("WH-008", P_PR, "包材采购需求提报", "黄敏", W(-12), W(-8), "已完成", 100, 4, "中", completed_on=W(-8)),
        _task("WH-009", P_SC, "出入库 SOP 修订", "黄敏", W(2), W(12), "未开始", None, 16, "中", milestone="试点运行"),
        # behind: 57 % of its working days gone, 10 % done
        _task("WH-010", P_SC, "呆滞库存清理", "刘强", W(-12), W(8), "进行中", 10, 24, "低"),
        # deliberate: SC-003 is also a Purchasing task ID (duplicate-id in both files)
        _task("SC-003", P_SC, "库存差异原因分析", "刘强", W(-20), W(-14), "已完成", 100, 12, "中",
              completed_on=W(-14)),
        _task("WH-011", P_PR, "快递运力预约", "黄敏", W(-10), W(-5), "已完成", 100, 8, "高", completed_on=W(-5)),
    ]
    team = [
        {"name": "王磊", "department": "仓储部", "role": "Warehouse supervisor", "capacity": 40,
         "email": "wang.lei@example.com"},
        {"name": "刘强", "department": "仓储部", "role": "Inventory controller", "capacity": 40,
         "email": "liu.qiang@example.com"},
        {"name": "黄敏", "department": "仓储部", "role": "Logistics coordinator", "capacity": 40,
         "email": "huang.min@example.com"},
    ]
    title = f"仓储部任务清单（更新于 {_zh_date(W(-1))}）"
    return [
        _sheet("tasks", "zh", tasks, title=title),
        _sheet("team", "en", team),
    ]


# ---------------------------------------------------------------- 采购部 (Purchasing, English with a few Chinese headers)

def _purchasing() -> list[SheetPlan]:
    tasks = [
        _task("SC-001", P_SC, "Map the current purchasing process", "徐峰", W(-30), W(-22), "Done", 1.0, 24, "High",
              milestone="流程设计评审", completed_on=W(-22), supplier=None),
        _task("SC-002", P_SC, "Supplier scorecard design", "胡斌", W(-22), W(-15), "Done", 1.0, 16, "High",
              milestone="流程设计评审", completed_on=W(-15)),
        # deliberate: the same ID as a Warehouse task
        _task("SC-003", P_SC, "Supplier tiering standard 供应商分级标准", "朱琳", W(-20), W(-12), "Done", 1.0, 16,
              "Medium", completed_on=W(-12)),
        # status Blocked: waiting for the legal review; "50%" typed as text
        _task("SC-004", P_SC, "Supplier collaboration platform contract", "徐峰", W(-6), W(8), "Blocked", "50%", 16,
              "High", milestone="供应商平台选型", notes="Waiting for legal review", supplier="云链科技"),
        # overdue 4 working days at 90 %: amber for the project, not red (red from 5)
        _task("SC-005", P_SC, "Purchase order approval workflow redesign", "朱琳", W(-9), W(-4), "In progress", 0.9,
              16, "Medium"),
        # on plan: 44 % of the time gone, 30 % done (14 points)
        _task("SC-006", P_SC, "Safety stock parameters review", "胡斌", W(-4), W(4), "In progress", 0.3, 16, "Medium"),
        _task("SC-007", P_SC, "Supplier delivery KPI dashboard", "朱琳", W(3), W(10), "Not started", None, 16, "Low",
              depends_on="IT-008"),
        # deliberate: Due typed as "下周五" (next Friday)
        _task("SC-008", P_SC, "Supplier kickoff meeting", "胡斌", W(2), "下周五", "Not started", None, 4, "Medium"),
        _task("PU-001", P_PR, "Gift procurement for Double 12 双十二赠品采购", "朱琳", W(-15), W(-8), "Done", 1.0, 16,
              "High", completed_on=W(-8), supplier="礼品供应商 A"),
        _task("PU-002", P_PR, "Packaging materials order", "胡斌", W(-10), W(-6), "Done", 1.0, 8, "Medium",
              completed_on=W(-7), supplier="包材供应商 B"),
        _task("SC-009", P_SC, "Pilot with three core suppliers", "徐峰", W(6), W(13), "Not started", None, 24, "High",
              milestone="试点运行", depends_on="SC-004"),
        _task("SC-010", P_SC, "Supplier onboarding guide", "胡斌", W(5), W(12), "Not started", None, 8, "Low"),
        # the finished project (phase Closed): every task done or cancelled, two of them late
        _task("RC-001", P_RC, "Reconciliation rules agreed with finance", "朱琳", W(-28), W(-24), "Done", 1.0, 16,
              "High", milestone="对账规则确认", completed_on=W(-24)),
        # done 2 working days after its due date; RC-003 a day early, RC-004 a day late
        _task("RC-002", P_RC, "ERP statement export script", "胡斌", W(-24), W(-18), "Done", 1.0, 24, "High",
              completed_on=W(-16)),
        _task("RC-003", P_RC, "Pilot with five suppliers", "徐峰", W(-18), W(-12), "Done", 1.0, 24, "Medium",
              milestone="全面上线", completed_on=W(-13)),
                _task("RC-004", P_RC, "Roll-out to the top 30 suppliers", "朱琳", W(-12), W(-7), "Done", 1.0, 16, "High",
              milestone="全面上线", completed_on=W(-6)),
        # dropped: the banks send statement files, no OCR needed
        _task("RC-005", P_RC, "Bank statement OCR", "胡斌", W(-20), W(-15), "Cancelled", 0, 8, "Low"),
    ]
    team = [
        {"name": "徐峰", "department": "采购部", "role": "Purchasing manager / PM", "capacity": 40,
         "email": "xu.feng@example.com"},
        {"name": "朱琳", "department": "采购部", "role": "Buyer", "capacity": 40, "email": "zhu.lin@example.com"},
        {"name": "胡斌", "department": "采购部", "role": "Supplier manager", "capacity": 40, "email": "hu.bin@example.com"},
    ]
    projects = [
        {"project": P_SC, "sponsor": "杨帆", "manager": "徐峰", "goal": "Order-to-delivery lead time from 5 to 3 days",
         "scope": "Purchasing, warehouse and IT interfaces; three core suppliers", "start": W(-30), "end": W(40),
         "phase": "Execution"},
        {"project": P_RC, "sponsor": "杨帆", "manager": "朱琳",
         "goal": "Monthly supplier reconciliation in 1 day instead of 5", "scope": "Top 30 suppliers; ERP statements",
         "start": W(-28), "end": W(-7), "phase": "Closed"},
    ]
    kpis = [
        {"project": P_SC, "kpi": "Order-to-delivery lead time", "unit": "days", "baseline": 5, "target": 3,
         "actual": 4.2, "direction": "Lower is better", "measured_on": W(-1)},
        {"project": P_SC, "kpi": "Inventory accuracy", "unit": "%", "baseline": 97, "target": 99.5, "actual": 98.1,
         "direction": "Higher is better", "measured_on": W(-1)},
        # the finished project met both KPIs: green at closure
        {"project": P_RC, "kpi": "Monthly reconciliation time", "unit": "days", "baseline": 5, "target": 1,
         "actual": 1, "direction": "Lower is better", "measured_on": W(-5)},
        {"project": P_RC, "kpi": "Differences found after month-end", "unit": "items", "baseline": 12, "target": 3,
         "actual": 2, "direction": "Lower is better", "measured_on": W(-5)},
    ]
    risks = [
        # 3 × 3 = 9: amber, and past its review date (reviewed last on Friday)
        {"id": "R-SC-01", "project": P_SC, "risk": "Supplier API unstable during the pilot", "probability": 3,
         "impact": 3, "owner": "郑浩", "mitigation": "Retry queue; daily reconciliation", "status": "Open",
         "review_date": W(-2)},
        # deliberate: probability 7 on a 1–5 scale
        {"id": "R-SC-02", "project": P_SC, "risk": "Core supplier capacity shortfall in December", "probability": 7,
         "impact": 4, "owner": "朱琳", "mitigation": "Second source for the top 20 items", "status": "Open",
         "review_date": W(6)},
        {"id": "R-SC-03", "project": P_SC, "risk": "Warehouse staff turnover", "probability": 2, "impact": 2,
         "owner": "王磊", "mitigation": "Cross-training", "status": "Closed", "review_date": W(-10)},
        {"id": "R-RC-01", "project": P_RC, "risk": "Suppliers refuse the new statement format", "probability": 3,
         "impact": 3, "owner": "朱琳", "mitigation": "Keep the old format for three months", "status": "Closed",
         "review_date": W(-12)},
    ]
    milestones = [
        {"project": P_SC, "milestone": "流程设计评审", "due": W(-15), "criteria": "New process approved by the sponsor",
         "status": "Passed", "accepted_by": "杨帆", "accepted_on": W(-14)},
        # pending and past due: amber
        {"project": P_SC, "milestone": "供应商平台选型", "due": W(-2), "criteria": "Contract signed with one platform",
         "status": "Pending"},
        {"project": P_SC, "milestone": "试点运行", "due": W(13), "criteria": "Three suppliers on the platform for 2 weeks",
         "status": "Pending"},
        {"project": P_RC, "milestone": "对账规则确认", "due": W(-24), "criteria": "Rules signed off by finance",
         "status": "Passed", "accepted_by": "杨帆", "accepted_on": W(-24)},
        {"project": P_RC, "milestone": "全面上线", "due": W(-7), "criteria": "30 suppliers reconciled in one day",
         "status": "Passed", "accepted_by": "杨帆", "accepted_on": W(-6)},
    ]
    lessons = [
        {"project": P_SC, "type": "Went well", "lesson": "Joint process mapping with the warehouse found duplicate checks",
         "action": "Map cross-department processes together", "owner": "徐峰", "due": W(10)},
        {"project": P_SC, "type": "To improve", "lesson": "Legal review of the platform contract was not planned",
         "action": "Add legal review to the project template", "owner": "徐峰", "due": W(10)},
        {"project": P_RC, "type": "Went well", "lesson": "Finance joined the rules workshop from the first day",
         "action": "Invite finance to every process project's kick-off", "owner": "朱琳", "due": W(5)},
        {"project": P_RC, "type": "To improve", "lesson": "The export script was tested on one month of data only",
         "action": "Test on a full quarter of data before a pilot", "owner": "胡斌", "due": W(5)},
    ]
    task_cols = TASK_COLS + ("Supplier 供应商",)
    for row in tasks:
        row["Supplier 供应商"] = row.pop("supplier", None)
    return [
        _sheet("tasks", "en", tasks, columns=task_cols,
                  headers={"owner": "负责人", "due": "截止日期"}, extras=("Supplier 供应商",)),
        _sheet("team", "en", team, headers={"name": "姓名"}),
        _sheet("projects", "en", projects),
        _sheet("kpis", "en", kpis),
        _sheet("risks", "en", risks),
        _sheet("milestones", "en", milestones),
        _sheet("lessons", "en", lessons),
    ]


WORKBOOKS = {CS: _customer_service, IT: _it, MKT: _marketing, WH: _warehouse, PU: _purchasing}
