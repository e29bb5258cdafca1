"""Every user-facing word, in English and Chinese, in one place.

`text(key, lang, **params)` formats one entry. Finding messages are keyed by finding code;
interface words (CLI, sheets of the master, report headings) by a dotted key.
"""
from __future__ import annotations

LANGS = ("en", "zh")

# finding code -> (English, 中文). Params are filled with str.format.
FINDINGS: dict[str, tuple[str, str]] = {
    # ---- the file as a whole
    "file-empty": ("an empty file (0 bytes)", "空文件（0 字节）"),
    "file-encrypted": ("password-protected: remove the password and save again",
                       "文件已加密（设有打开密码）：请取消密码后重新保存"),
    "file-not-spreadsheet": ("not a spreadsheet: {what} named {suffix}", "不是电子表格：这是一个{what}，却以 {suffix} 命名"),
    "file-unsupported": ("{what} is not supported: save it as .xlsx", "不支持{what}：请另存为 .xlsx"),
    "file-corrupt": ("damaged file, cannot be read: {reason}", "文件已损坏，无法读取：{reason}"),
    "file-too-large": ("expands to {size}, limit {limit}", "解压后为 {size}，超过上限 {limit}"),
    "file-too-many-parts": ("contains {count} parts, limit {limit}", "包含 {count} 个部件，超过上限 {limit}"),
    "file-ratio": ("compressed {ratio}:1, limit {limit}:1 (a zip bomb?)", "压缩比 {ratio}:1，超过上限 {limit}:1（疑似压缩炸弹）"),
    "file-xml-entities": ("contains XML entity declarations (possible XML bomb); not read",
                          "含有 XML 实体声明（疑似 XML 炸弹），未读取"),
    "file-outside-folder": ("a link pointing outside the input folder; not followed",
                            "指向输入文件夹之外的链接，未跟随"),
    "file-unreadable": ("cannot be read: {reason}", "无法读取：{reason}"),
    "file-too-slow": ("took longer than {seconds} s to read; skipped", "读取超过 {seconds} 秒，已跳过"),
    "file-too-many-cells": ("has more than {limit} cells in sheet {sheet}; only the first were read",
                            "工作表 {sheet} 的单元格超过 {limit} 个，仅读取了前面部分"),
    "no-standard-sheet": ("no sheet of the tracker standard found (Tasks, Team, Projects, …)",
                          "未找到标准工作表（任务清单、团队成员、项目概况……）"),
    # ---- structure
    "missing-sheet": ("no {sheet} sheet", "缺少工作表“{sheet}”"),
    "missing-column": ("required column “{column}” is missing", "缺少必填列“{column}”"),
    "duplicate-column": ("column “{column}” appears twice; the first is used", "列“{column}”出现两次，使用第一列"),
    # ---- one cell
    "missing-value": ("{column} is required", "“{column}”为必填项"),
    "bad-date": ("{column}: “{value}” is not a date", "“{column}”：“{value}”不是有效日期"),
    "bad-number": ("{column}: “{value}” is not a number", "“{column}”：“{value}”不是数字"),
    "negative-number": ("{column}: {value} is negative", "“{column}”：{value} 为负数"),
    "bad-percent": ("{column}: “{value}” is not a percentage (0–100 %)", "“{column}”：“{value}”不是有效百分比（0–100%）"),
    "not-in-list": ("{column}: “{value}” is not one of {allowed}", "“{column}”：“{value}”不在可选值 {allowed} 中"),
    "bad-scale": ("{column}: “{value}” must be a whole number 1–5", "“{column}”：“{value}”必须是 1–5 的整数"),
    "bad-email": ("{column}: “{value}” is not an email address", "“{column}”：“{value}”不是有效邮箱地址"),
    "bad-date-range": ("{column}: “{value}” is not a date or date range (2026-11-02~2026-11-06)",
                       "“{column}”：“{value}”不是日期或日期区间（如 2026-11-02~2026-11-06）"),
    "formula-no-value": ("{column}: formula {value} has no saved result; open and save the file in Excel",
                         "“{column}”：公式 {value} 没有保存的计算结果，请在 Excel 中打开并保存"),
    "formula-error": ("{column}: the formula gives an error ({value})", "“{column}”：公式结果为错误值（{value}）"),
    "control-chars": ("{column}: invisible control characters were removed", "“{column}”：已删除不可见的控制字符"),
    "due-before-start": ("Due {due} is before Start {start}", "截止日期 {due} 早于开始日期 {start}"),
    "duplicate-id": ("{column} “{value}” also used at {other}", "“{column}”“{value}”与 {other} 重复"),
    "unknown-owner": ("owner “{value}” is not in any Team sheet", "负责人“{value}”不在团队成员表中"),
    "unknown-project": ("project “{value}” is not in any Projects sheet", "项目“{value}”不在项目概况表中"),
    "unknown-milestone": ("milestone “{value}” is not in the Milestones sheet", "里程碑“{value}”不在里程碑验收表中"),
    "unknown-dependency": ("depends on “{value}”, which is no task", "前置任务“{value}”不存在"),
    "self-dependency": ("task depends on itself", "任务不能以自身为前置任务"),
    "dependency-cycle": ("dependency cycle: {cycle}", "前置任务形成循环：{cycle}"),
    "done-not-complete": ("status is Done but % Complete is {value}", "状态为已完成，但完成率为 {value}"),
    "done-no-date": ("status is Done but Completed On is empty", "状态为已完成，但未填写完成日期"),
    "completed-in-future": ("Completed On {value} is after the as-of date {as_of}", "完成日期 {value} 晚于统计日期 {as_of}"),
    "kpi-no-direction": ("KPI has no Direction (Higher is better / Lower is better)",
                         "指标未填写方向（越高越好 / 越低越好）"),
    "end-before-start": ("End {end} is before Start {start}", "结束日期 {end} 早于开始日期 {start}"),
    "unreadable-row": ("row could not be read: {reason}", "该行无法读取：{reason}"),
}

# interface words
TEXT: dict[str, tuple[str, str]] = {
    "severity.error": ("error", "错误"),
    "severity.warning": ("warning", "警告"),
    "place.sep": (" › ", " › "),
    "validate.clean": ("No problems found in {files} file(s).", "{files} 个文件未发现问题。"),
    "validate.summary": ("{files} file(s): {errors} error(s), {warnings} warning(s).",
                         "{files} 个文件：{errors} 个错误，{warnings} 个警告。"),
    "validate.reading": ("Reading workbooks", "正在读取工作簿"),
    "validate.annotated": ("Annotated copies written to {dir}", "已将标注副本写入 {dir}"),
    "col.place": ("Place", "位置"),
    "col.severity": ("Severity", "级别"),
    "col.code": ("Code", "代码"),
    "col.message": ("Message", "说明"),
    "col.value": ("Value", "内容"),
    "col.file": ("File", "文件"),
    "col.sheet": ("Sheet", "工作表"),
    "col.cell": ("Cell", "单元格"),
    "col.link": ("Go to", "跳转"),
    "sheet.findings": ("Findings", "问题清单"),
    "error.prefix": ("Error: ", "错误："),
    "error.no_inputs": ("no workbooks found in {paths}", "在 {paths} 中未找到工作簿"),
    "error.bad_date": ("{value} is not a date (use YYYY-MM-DD)", "{value} 不是有效日期（请用 YYYY-MM-DD）"),
    "error.not_found": ("{path} does not exist", "{path} 不存在"),
    "error.bad_lang": ("language must be en or zh", "语言必须是 en 或 zh"),
    "unit.mb": ("{n} MB", "{n} MB"),
    "what.png": ("a PNG image", "PNG 图片"),
    "what.jpeg": ("a JPEG image", "JPEG 图片"),
    "what.gif": ("a GIF image", "GIF 图片"),
    "what.pdf": ("a PDF document", "PDF 文档"),
    "what.html": ("an HTML page", "HTML 网页"),
    "what.text": ("a text file", "文本文件"),
    "what.docx": ("a Word document", "Word 文档"),
    "what.pptx": ("a PowerPoint file", "PowerPoint 文件"),
    "what.zip": ("a zip archive", "zip 压缩包"),
    "what.numbers": ("an Apple Numbers file", "Apple Numbers 文件"),
    "what.xml2003": ("an Excel 2003 XML file", "Excel 2003 XML 文件"),
    "what.biff_old": ("an Excel 2.x–4.x file", "Excel 2.x–4.x 旧格式文件"),
    "what.unknown": ("an unknown kind of file", "未知类型的文件"),
}


def text(key: str, lang: str = "en", /, **params: object) -> str:
    """The interface text `key` in `lang`, formatted with `params`."""
    en, zh = TEXT[key]
    template = zh if lang == "zh" else en
    return template.format(**params) if params else template


def finding_text(code: str, lang: str = "en", /, **params: object) -> str:
    en, zh = FINDINGS[code]
    template = zh if lang == "zh" else en
    try:
        return template.format(**params)
    except (KeyError, IndexError):  # a missing parameter must never hide the finding
        return template

FINDINGS.update({
    "no-header": ("no header row of {sheet} found in the first {rows} rows", "在前 {rows} 行中未找到“{sheet}”的表头行"),
    "csv-decoding": ("text file in an unknown encoding (use UTF-8)", "文本文件编码无法识别（请使用 UTF-8）"),
})

TEXT.update({
    "consolidate.summary": ("{tasks} tasks · {overdue} overdue · {overloaded} overloaded people · {red} red projects · "
                            "{errors} errors, {warnings} warnings in the inputs",
                            "共 {tasks} 项任务 · 逾期 {overdue} 项 · 超负荷 {overloaded} 人 · 红色项目 {red} 个 · "
                            "输入文件中有 {errors} 个错误、{warnings} 个警告"),
    "consolidate.overloaded": ("Overloaded: {names}", "超负荷人员：{names}"),
    "consolidate.red": ("Red projects: {names}", "红色项目：{names}"),
    "consolidate.unreadable": ("Not read: {file} (see the Findings sheet)", "未能读取：{file}（见问题清单）"),
    "consolidate.changes": ("{count} changes since the snapshot of {since}", "自 {since} 的快照以来有 {count} 项变化"),
    "consolidate.written": ("Master written to {path}", "汇总表已写入 {path}"),
    "consolidate.conflict": ("The master is open or locked; the new one was saved as {path}",
                             "汇总表正被打开或锁定，新汇总表已另存为 {path}"),
    "init.done": ("Ready: edit toolkit.toml in {folder} and put department workbooks in inputs/",
                  "已就绪：请编辑 {folder} 中的 toolkit.toml，并将各部门工作簿放入 inputs/"),
    "demo.sample": ("Sample company: {folder}", "示例公司：{folder}"),
    "demo.findings": ("Validation findings: {en} and {zh}", "校验结果：{en} 和 {zh}"),
    "demo.annotated": ("Annotated copies: {folder}", "标注副本：{folder}"),
    "demo.week_before": ("A first run as of {day} gives the history for the Changes sheet",
                         "先以 {day} 为统计日期运行一次，为“变化”工作表提供历史"),
})

TEXT.update({
    # project health (RAG): why a project is red, amber or green. Params come from analyze.project_health.
    "rag.overdue_late": ("{count} overdue task(s), the worst {days} working days late (red from {limit})",
                         "{count} 项任务逾期，最长逾期 {days} 个工作日（达到 {limit} 个工作日即为红色）"),
    "rag.overdue_share": ("{count} of {open} open tasks overdue ({share} %, red from {limit} %)",
                          "{open} 项未完成任务中有 {count} 项逾期（{share}%，达到 {limit}% 即为红色）"),
    "rag.overdue": ("{count} overdue task(s), the worst {days} working days late",
                    "{count} 项任务逾期，最长逾期 {days} 个工作日"),
    "rag.milestone_failed": ("{count} milestone(s) failed acceptance: {names}", "{count} 个里程碑验收未通过：{names}"),
    "rag.risk_high": ("{count} open high risk(s) (score ≥ {limit}): {ids}", "{count} 个未关闭的高风险（评分 ≥ {limit}）：{ids}"),
    "rag.kpi_closure": ("{count} KPI(s) not met at closure: {names}", "项目收尾时 {count} 个指标未达成：{names}"),
    "rag.behind": ("{count} task(s) behind schedule", "{count} 项任务进度落后"),
    "rag.blocked": ("{count} blocked task(s)", "{count} 项任务受阻"),
    "rag.milestone_overdue": ("{count} milestone(s) past due and not yet accepted: {names}",
                              "{count} 个里程碑已过计划日期仍未验收：{names}"),
    "rag.risk_amber": ("{count} open amber risk(s) (score ≥ {limit}): {ids}", "{count} 个未关闭的中风险（评分 ≥ {limit}）：{ids}"),
    "rag.risk_review": ("{count} open risk(s) past their review date: {ids}", "{count} 个未关闭风险已过复核日期：{ids}"),
    "rag.overloaded": ("{count} overloaded owner(s) working on it: {names}", "{count} 名负责人超负荷：{names}"),
    "rag.kpi_not_met": ("{count} KPI(s) not met: {names}", "{count} 个指标未达成：{names}"),
    "rag.green": ("On track: no warning rule fired", "进展正常：未触发任何预警规则"),
    "calendar.uncovered": ("The holiday calendar has no data for {year}: only weekends and the configured "
                           "holidays and workdays are used for that year",
                           "节假日日历没有 {year} 年的数据：该年仅按周末及配置的节假日、调休工作日计算"),
})

TEXT.update({
    # the master tracker (toolkit/io/master_writer.py): sheet names, column headers, legend
    "master.sheet.dashboard": ("Dashboard", "总览"),
    "master.sheet.workload": ("Workload", "工作负荷"),
    "master.sheet.changes": ("Changes", "变化"),
    "master.title": ("Master tracker as of {as_of}", "汇总跟踪表（统计日期 {as_of}）"),
    "master.summary": ("{tasks} tasks · {overdue} overdue · {due_soon} due soon · {behind} behind · "
                       "{overloaded} overloaded · {blocked} blocked",
                       "共 {tasks} 项任务 · 逾期 {overdue} 项 · 即将到期 {due_soon} 项 · 进度落后 {behind} 项 · "
                       "超负荷 {overloaded} 项 · 受阻 {blocked} 项"),
    "master.dash.by_department": ("Tasks by department and status", "各部门任务状态"),
    "master.dash.by_flag": ("Flags", "预警"),
    "master.dash.projects": ("Project health", "项目健康度"),
    "master.dash.legend": ("Row colours (Tasks sheet)", "行颜色说明（任务清单）"),
    "master.dash.notes": ("Notes", "提示"),
    "master.dash.count": ("Count", "数量"),
    "master.legend.overdue": ("Overdue (first priority)", "逾期（优先显示）"),
    "master.legend.overloaded": ("Owner overloaded in a week of the task", "负责人在任务所在周超负荷"),
    "master.legend.amber": ("Due soon or behind schedule", "即将到期或进度落后"),
    "master.legend.done": ("Done", "已完成"),
    "master.legend.heat": ("Workload: green within capacity, amber near it, orange over it, red 25 % or more over it",
                           "工作负荷：绿色在可用工时内，黄色接近上限，橙色超负荷，红色超出 25% 以上"),
    "master.flag.overdue": ("Overdue", "逾期"),
    "master.flag.due_soon": ("Due soon", "即将到期"),
    "master.flag.behind": ("Behind", "进度落后"),
    "master.flag.overloaded": ("Overloaded", "超负荷"),
    "master.flag.blocked": ("Blocked", "受阻"),
    "master.flag.high_risk": ("High risks", "高风险"),
    "master.col.overdue": ("Overdue (days late)", "逾期（工作日）"),
    "master.col.due_soon": ("Due soon (days left)", "即将到期（剩余工作日）"),
    "master.col.behind": ("Behind (points)", "进度落后（百分点）"),
    "master.col.overloaded": ("Overloaded", "超负荷"),
    "master.col.blocked": ("Blocked (by)", "受阻（前置任务）"),
    "master.col.source_file": ("Source file", "来源文件"),
    "master.col.source_sheet": ("Source sheet", "来源工作表"),
    "master.col.source_row": ("Source row", "来源行"),
    "master.col.total": ("Total", "合计"),
    "master.col.week": ("Week", "周"),
    "master.col.score": ("Score (P × I)", "评分（可能性×影响）"),
    "master.col.level": ("Level", "等级"),
    "master.col.review_overdue": ("Review overdue", "复核逾期"),
    "master.col.attainment": ("Attainment", "达成率"),
    "master.col.met": ("Met", "是否达成"),
    "master.col.ms_overdue": ("Past due", "已过计划日期"),
    "master.col.rag": ("Health", "健康度"),
    "master.col.reasons": ("Reasons", "原因"),
    "master.col.task_count": ("Tasks", "任务数"),
    "master.col.done_count": ("Done", "已完成"),
    "master.col.overdue_count": ("Overdue", "逾期"),
    "master.col.change": ("Change", "变化类型"),
    "master.col.old": ("Before", "原值"),
    "master.col.new": ("Now", "现值"),
    "master.col.slip": ("Slip (days)", "延后天数"),
    "master.status_blank": ("(no status)", "（未填状态）"),
    "master.blocked_status": ("status Blocked", "状态为受阻"),
    "master.overload_note": ("{owner} · {week} · {hours} h of {capacity} h", "{owner} · {week} · {hours} 小时 / 可用 {capacity} 小时"),
    "master.workload_of": ("of {capacity} h", "/ {capacity} 小时"),
    "master.yes": ("Yes", "是"),
    "master.no": ("No", "否"),
    "master.level.high": ("High", "高"),
    "master.level.amber": ("Medium", "中"),
    "master.level.low": ("Low", "低"),
    "master.level.closed": ("Closed", "已关闭"),
    "master.rag.red": ("Red", "红"),
    "master.rag.amber": ("Amber", "黄"),
    "master.rag.green": ("Green", "绿"),
    "master.change.new": ("New task", "新增任务"),
    "master.change.completed": ("Completed", "已完成"),
    "master.change.slipped": ("Due date slipped", "截止日期推迟"),
    "master.change.newly_overdue": ("Newly overdue", "新增逾期"),
    "master.change.status": ("Status changed", "状态变化"),
    "master.change.owner": ("Owner changed", "负责人变化"),
    "master.change.removed": ("Removed", "已移除"),
    "master.changes.none": ("No changes since the last snapshot (or no snapshot yet).", "自上次快照以来没有变化（或尚无快照）。"),
    "master.findings.none": ("No validation problems.", "未发现校验问题。"),
})
