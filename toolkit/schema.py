"""The workbook standard: every sheet and column, in English and Chinese, defined once.

Templates, the reader, the validator and the master writer all read these definitions,
so they can never disagree. Header matching is forgiving (see `normalize_header`).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from collections.abc import Callable, Sequence
from enum import Enum
from typing import TypeVar, cast

T = TypeVar("T")


class ColType(str, Enum):
    TEXT = "text"
    DATE = "date"
    PERCENT = "percent"      # stored 0–100; accepts 0.5, 50, "50%"
    NUMBER = "number"        # float >= 0 unless rule says otherwise
    CHOICE = "choice"        # one of Column.choices
    SCALE = "scale"          # integer 1–5
    ID_LIST = "id_list"      # comma separated IDs
    EMAIL = "email"
    DATE_RANGES = "date_ranges"  # "2026-11-02~2026-11-06; 2026-12-01"


@dataclass(frozen=True)
class Choice:
    key: str   # canonical value stored in records
    en: str
    zh: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    zh: str
    type: ColType = ColType.TEXT
    required: bool = False
    choices: tuple[Choice, ...] = ()
    width: int = 14
    aliases: tuple[str, ...] = ()   # other headers seen in the wild
    missing_code: str = "missing-value"   # finding code when a required cell is blank
    synonyms: tuple[tuple[str, str], ...] = ()   # (value as teams write it, choice key)

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def choice_for(self, text: str) -> Choice | None:
        """The choice whose key, English or Chinese label or synonym matches `text` (forgiving:
        a leading emoji or symbol is ignored, and `…处理中` style endings count for statuses)."""
        names = _choices_by_name(self)
        found = names.get(normalize_header(text))
        if found is not None or not self.choices:
            return found
        bare = normalize_header(strip_symbols(str(text)))
        found = names.get(bare)
        if found is None and bare:
            for ending, key in SUFFIXES_BY_COLUMN.get(self.key if self.type is ColType.CHOICE else "", ()):
                if bare.endswith(normalize_header(ending)) and self.choices is STATUS:
                    found = next(c for c in self.choices if c.key == key)
                    break
        return found


@dataclass(frozen=True)
class SheetSpec:
    key: str
    en: str
    zh: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    aliases: tuple[str, ...] = field(default=())

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def column(self, key: str) -> Column:
        return _columns_by_key(self)[key]

    @property
    def keys(self) -> tuple[str, ...]:
        return _memo(self, "_keys", lambda: tuple(c.key for c in self.columns))

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.required)


# ---------------------------------------------------------------- choices

STATUS = (
    Choice("not_started", "Not started", "未开始"),
    Choice("in_progress", "In progress", "进行中"),
    Choice("blocked", "Blocked", "受阻"),
    Choice("done", "Done", "已完成"),
    Choice("cancelled", "Cancelled", "已取消"),
)
CLOSED_STATUSES = frozenset({"done", "cancelled"})
PRIORITY = (Choice("high", "High", "高"), Choice("medium", "Medium", "中"), Choice("low", "Low", "低"))
PHASE = (
    Choice("initiation", "Initiation", "启动"),
    Choice("execution", "Execution", "执行"),
    Choice("closure", "Closure", "收尾"),
    Choice("closed", "Closed", "已结项"),
)
DIRECTION = (
    Choice("higher", "Higher is better", "越高越好"),
    Choice("lower", "Lower is better", "越低越好"),
)
RISK_STATUS = (
    Choice("open", "Open", "未关闭"),
    Choice("mitigating", "Mitigating", "处理中"),
    Choice("closed", "Closed", "已关闭"),
)
MILESTONE_STATUS = (
    Choice("pending", "Pending", "待验收"),
    Choice("passed", "Passed", "通过"),
    Choice("failed", "Failed", "未通过"),
)
LESSON_TYPE = (
    Choice("went_well", "Went well", "亮点"),
    Choice("to_improve", "To improve", "不足"),
)

# Statuses as teams write them -> the five standard statuses. One table, used by the reader for
# every status cell (after a leading emoji or symbol is dropped: "✅ 已完成", "⏳ 未开始").
STATUS_SYNONYMS: tuple[tuple[str, str], ...] = (
    *((w, "done") for w in ("完成", "已完成", "完毕", "已上线", "上线", "已交付", "已结束", "Completed",
                            "Complete", "Finished", "Closed", "Resolved", "Delivered")),
    *((w, "in_progress") for w in ("进行中", "处理中", "开发中", "测试中", "待验证", "验证中", "执行中",
                                   "In Progress", "Ongoing", "Doing", "WIP", "Started", "Active")),
    *((w, "not_started") for w in ("未开始", "排期中", "策划中", "待开始", "待处理", "计划中", "待排期",
                                   "To Do", "Todo", "Not Started", "Planned", "Backlog", "New", "Open")),
    *((w, "blocked") for w in ("受阻", "阻塞", "冻结中", "冻结", "暂停", "挂起", "On Hold", "Blocked",
                               "Paused", "Stuck")),
    *((w, "cancelled") for w in ("已取消", "取消", "作废", "Cancelled", "Canceled", "Dropped")),
)
# a status ending like this (after the synonyms): "erp处理中", "新干线IT部处理中"
STATUS_SUFFIXES: tuple[tuple[str, str], ...] = (("处理中", "in_progress"), ("进行中", "in_progress"),
                                                ("已完成", "done"), ("已上线", "done"))
PRIORITY_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("P0", "high"), ("P1", "high"), ("P2", "medium"), ("P3", "low"), ("P4", "low"),
    ("S", "high"), ("A", "high"), ("B", "medium"), ("C", "low"),
    ("紧急", "high"), ("高优先级", "high"), ("中优先级", "medium"), ("低优先级", "low"),
    ("Urgent", "high"), ("Critical", "high"), ("Normal", "medium"),
)
SUFFIXES_BY_COLUMN = {"status": STATUS_SUFFIXES}

C = ColType

TASKS = SheetSpec(
    "tasks", "Tasks", "任务清单",
    (
        Column("id", "Task ID", "任务编号", C.TEXT, True, width=11, aliases=("ID", "编号", "Task No", "任务ID")),
        Column("project", "Project", "所属项目", C.TEXT, True, width=24, aliases=("项目", "项目名称")),
        Column("title", "Task", "任务名称", C.TEXT, True, width=36, aliases=(
            "Title", "任务", "Task Name", "Milestone Description", "Work Item", "工作项", "环节", "功能板块",
            "任务内容", "事项", "工作事项")),
        Column("department", "Department", "部门", C.TEXT, width=14),
        Column("owner", "Owner", "负责人", C.TEXT, True, width=12, aliases=(
            "Assigned To", "Assignee", "Resourcing", "Resource", "Resources", "Resource Names", "Responsible",
            "负责开发/QA", "责任人", "执行人", "处理人", "经办人")),
        Column("start", "Start", "开始日期", C.DATE, True, width=12, aliases=(
            "Start Date", "Begin", "开始时间", "计划开始", "计划开始时间", "计划开始日期")),
        Column("due", "Due", "截止日期", C.DATE, True, width=12, aliases=(
            "Due Date", "Deadline", "End", "End Date", "Finish", "Finish Date", "Target Date", "完成时间",
            "预计完成时间", "排期上线时间", "预计上线时间", "截止时间", "计划完成时间", "计划完成日期",
            "结束时间", "结束日期")),
        Column("status", "Status", "状态", C.CHOICE, True, STATUS, width=12, aliases=("当前状态", "任务状态"),
               synonyms=STATUS_SYNONYMS),
        Column("percent", "% Complete", "完成率", C.PERCENT, width=11, aliases=(
            "Percent Complete", "Progress", "进度", "% Done", "Percent Done", "完成度", "完成进度", "当前进度",
            "进度情况")),
        Column("hours", "Est. Hours", "预计工时", C.NUMBER, width=10, aliases=(
            "Hours", "Estimated Hours", "Est Hours", "Estimate", "Effort", "工时", "计划工时", "预估工时")),
        Column("priority", "Priority", "优先级", C.CHOICE, choices=PRIORITY, width=9, aliases=("任务级别", "级别"),
               synonyms=PRIORITY_SYNONYMS),
        Column("depends_on", "Depends On", "前置任务", C.ID_LIST, width=14, aliases=(
            "Dependencies", "Predecessors", "Predecessor", "依赖", "前置")),
        Column("milestone", "Milestone", "里程碑", C.TEXT, width=18),
        Column("completed_on", "Completed On", "完成日期", C.DATE, width=13, aliases=(
            "Actual End", "Actual Finish", "Date Completed", "实际上线时间", "实际完成时间", "实际完成日期", "上线时间")),
        Column("notes", "Notes", "备注", C.TEXT, width=30, aliases=("Comments", "Remarks")),
    ),
    id_column="id",
    aliases=("Task List", "Responsibility List", "任务", "责任清单"),
)

TEAM = SheetSpec(
    "team", "Team", "团队成员",
    (
        Column("name", "Name", "姓名", C.TEXT, True, width=12),
        Column("department", "Department", "部门", C.TEXT, width=14),
        Column("role", "Role", "角色", C.TEXT, width=16),
        Column("capacity", "Weekly Capacity (h)", "每周可用工时", C.NUMBER, width=12, aliases=("Capacity", "Weekly Capacity")),
        Column("email", "Email", "邮箱", C.EMAIL, width=26),
        Column("leave", "Leave", "休假", C.DATE_RANGES, width=26),
    ),
    id_column="name",
    aliases=("团队",),
)

PROJECTS = SheetSpec(
    "projects", "Projects", "项目概况",
    (
        Column("project", "Project", "项目名称", C.TEXT, True, width=26),
        Column("sponsor", "Sponsor", "发起人", C.TEXT, width=12),
        Column("manager", "Manager", "项目经理", C.TEXT, width=12),
        Column("goal", "Goal", "项目目标", C.TEXT, width=36),
        Column("scope", "Scope", "范围", C.TEXT, width=30),
        Column("start", "Start", "开始日期", C.DATE, width=12),
        Column("end", "End", "结束日期", C.DATE, width=12),
        Column("phase", "Phase", "阶段", C.CHOICE, choices=PHASE, width=11),
    ),
    id_column="project",
    aliases=("项目",),
)

KPIS = SheetSpec(
    "kpis", "KPIs", "关键指标",
    (
        Column("project", "Project", "项目名称", C.TEXT, True, width=26, aliases=("所属项目",)),
        Column("kpi", "KPI", "指标名称", C.TEXT, True, width=30),
        Column("unit", "Unit", "单位", C.TEXT, width=8),
        Column("baseline", "Baseline", "基线值", C.NUMBER, width=10),
        Column("target", "Target", "目标值", C.NUMBER, True, width=10),
        Column("actual", "Actual", "实际值", C.NUMBER, width=10),
        Column("direction", "Direction", "方向", C.CHOICE, True, DIRECTION, width=16,
               missing_code="kpi-no-direction"),
        Column("measured_on", "Measured On", "统计日期", C.DATE, width=12),
    ),
    aliases=("KPI", "指标"),
)

RISKS = SheetSpec(
    "risks", "Risks", "风险登记",
    (
        Column("id", "Risk ID", "风险编号", C.TEXT, True, width=10),
        Column("project", "Project", "项目名称", C.TEXT, True, width=26, aliases=("所属项目",)),
        Column("risk", "Risk", "风险描述", C.TEXT, True, width=36),
        Column("probability", "Probability", "可能性", C.SCALE, True, width=11),
        Column("impact", "Impact", "影响", C.SCALE, True, width=9),
        Column("owner", "Owner", "负责人", C.TEXT, width=12),
        Column("mitigation", "Mitigation", "应对措施", C.TEXT, width=36),
        Column("status", "Status", "状态", C.CHOICE, True, RISK_STATUS, width=11),
        Column("review_date", "Review Date", "复核日期", C.DATE, width=12),
    ),
    id_column="id",
    aliases=("Risk Register", "风险"),
)

MILESTONES = SheetSpec(
    "milestones", "Milestones", "里程碑验收",
    (
        Column("project", "Project", "项目名称", C.TEXT, True, width=26, aliases=("所属项目",)),
        Column("milestone", "Milestone", "里程碑", C.TEXT, True, width=26),
        Column("due", "Due", "计划日期", C.DATE, True, width=12),
        Column("criteria", "Acceptance Criteria", "验收标准", C.TEXT, width=36),
        Column("status", "Status", "状态", C.CHOICE, True, MILESTONE_STATUS, width=11),
        Column("accepted_by", "Accepted By", "验收人", C.TEXT, width=12),
        Column("accepted_on", "Accepted On", "验收日期", C.DATE, width=12),
    ),
    aliases=("里程碑",),
)

LESSONS = SheetSpec(
    "lessons", "Lessons", "经验教训",
    (
        Column("project", "Project", "项目名称", C.TEXT, True, width=26, aliases=("所属项目",)),
        Column("type", "Type", "类型", C.CHOICE, True, LESSON_TYPE, width=12),
        Column("lesson", "Lesson", "描述", C.TEXT, True, width=40),
        Column("action", "Action", "改进措施", C.TEXT, width=36),
        Column("owner", "Owner", "负责人", C.TEXT, width=12),
        Column("due", "Due", "截止日期", C.DATE, width=12),
    ),
    aliases=("Lessons Learned",),
)

SHEETS: tuple[SheetSpec, ...] = (TASKS, TEAM, PROJECTS, KPIS, RISKS, MILESTONES, LESSONS)
SHEETS_BY_KEY = {s.key: s for s in SHEETS}

# ---------------------------------------------------------------- matching

_SPACE_OR_PUNCT = re.compile(r"[\s_\-–—·:：()（）\[\]【】/／.。]+")
# a unit or a note in brackets after (or inside) a header: 工时(h), Progress (%), 项目介绍（请控制在两行内）
_BRACKETED = re.compile(r"\([^()]*\)|（[^（）]*）|\[[^\[\]]*\]|【[^【】]*】")


def normalize_header(text: object) -> str:
    """Fold a header for comparison: full-width → half-width (NFKC), case, spaces, punctuation."""
    if text is None:
        return ""
    return _folded(text if type(text) is str else str(text))


def header_base(text: object) -> str:
    """`normalize_header` without the bracketed units and notes: `计划工时 (h)` -> `计划工时`."""
    if text is None:
        return ""
    return _base(text if type(text) is str else str(text))


# Header detection folds the same few texts (headers, statuses, owners) thousands of times per
# sheet: the folds are cached (bounded; a cache hit costs a dict lookup instead of NFKC + regex).
@functools.lru_cache(maxsize=1 << 16)
def _folded(text: str) -> str:
    return _SPACE_OR_PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold())


@functools.lru_cache(maxsize=1 << 16)
def _base(text: str) -> str:
    return _folded(_BRACKETED.sub("", unicodedata.normalize("NFKC", text)))


def strip_symbols(text: str) -> str:
    """A value without the emoji, symbols and punctuation in front of it: `✅ 已完成` -> `已完成`."""
    start = 0
    while start < len(text) and unicodedata.category(text[start])[0] in "SPZCM":
        start += 1
    return text[start:].strip()


def _names(*texts: str) -> set[str]:
    return {normalize_header(t) for t in texts if t}


# Lookups built once per spec/column and kept on the (frozen) instance: the reader asks them
# for every header and choice cell, and hashing a whole spec per call would cost more than a scan.
def _memo(owner: object, name: str, build: Callable[[], T]) -> T:
    found = owner.__dict__.get(name)
    if found is None:
        found = build()
        object.__setattr__(owner, name, found)
    return cast(T, found)


def _columns_by_key(spec: SheetSpec) -> dict[str, Column]:
    return _memo(spec, "_by_key", lambda: {col.key: col for col in spec.columns})


def _columns_by_name(spec: SheetSpec) -> dict[str, Column]:
    def build() -> dict[str, Column]:
        names: dict[str, Column] = {}
        for col in spec.columns:
            for text in (col.key, col.en, col.zh, *col.aliases):
                for name in (normalize_header(text), header_base(text)):
                    if name:
                        names.setdefault(name, col)     # the first column claiming a name wins
        return names
    return _memo(spec, "_by_name", build)


def _choices_by_name(column: Column) -> dict[str, Choice]:
    def build() -> dict[str, Choice]:
        names: dict[str, Choice] = {}
        by_key = {choice.key: choice for choice in column.choices}
        for choice in column.choices:
            for name in _names(choice.key, choice.en, choice.zh):
                names.setdefault(name, choice)
        for word, key in column.synonyms:
            for name in _names(word):
                names.setdefault(name, by_key[key])
        return names
    return _memo(column, "_choices", build)


def match_column(spec: SheetSpec, header: object) -> Column | None:
    """The column of `spec` this header names, in English, Chinese or an alias, with or
    without a unit or note in brackets (`工时(h)`, `Progress (%)`, `完成率（%）`)."""
    if type(header) is str:      # the reader asks for the same header texts on every sheet
        matches: dict[str, Column | None] = _memo(spec, "_matches", dict)
        if header in matches:
            return matches[header]
        if len(matches) < 4096:
            found = matches[header] = _match_column(spec, header)
            return found
    return _match_column(spec, header)


def _match_column(spec: SheetSpec, header: object) -> Column | None:
    wanted = normalize_header(header)
    if not wanted:
        return None
    names = _columns_by_name(spec)
    found = names.get(wanted)
    if found is None:
        base = header_base(header)
        found = names.get(base) if base else None
    return found


def looks_like(spec: SheetSpec, header: object, cutoff: float = 0.6) -> Column | None:
    """The column of `spec` an unrecognised header most resembles (for "looks like Due" hints):
    a known name inside it (`预计完成完成时间` holds `完成时间`) or a close spelling."""
    import difflib

    base = header_base(header) or normalize_header(header)
    if len(base) < 2:
        return None
    names = _columns_by_name(spec)
    inside = [(len(name), col) for name, col in names.items() if len(name) >= 2 and name in base]
    if inside:
        return max(inside, key=lambda pair: pair[0])[1]
    close = difflib.get_close_matches(base, list(names), n=1, cutoff=cutoff)
    return names[close[0]] if close else None


def match_sheet_name(name: str) -> SheetSpec | None:
    """The sheet kind a sheet's name means (`Tasks`, `任务清单`, `tasks ` …), or None."""
    wanted = normalize_header(name)
    for spec in SHEETS:
        if wanted in _names(spec.key, spec.en, spec.zh, *spec.aliases):
            return spec
    return None


def header_score(spec: SheetSpec, headers: Sequence[object]) -> int:
    """How many of `spec`'s columns a row of headers names (to find header rows and sheet kinds)."""
    keys = {c.key for h in headers if (c := match_column(spec, h)) is not None}
    return len(keys)


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
