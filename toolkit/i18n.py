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
