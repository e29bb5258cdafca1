"""Words of the Excel buttons (control panel, department tracker, message boxes), English + 中文.

To be folded into the catalogue package; `text(key, lang, **params)` formats one entry.
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "app": ("Ops Tracker Toolkit", "运营项目跟踪工具"),
    # ---- the control panel workbook
    "panel.sheet": ("Control panel", "控制面板"),
    "panel.title": ("Ops Tracker Toolkit · PMO control panel", "运营项目跟踪工具 · PMO 控制面板"),
    "panel.intro": ("Press a button. The toolkit reads toolkit.toml in this workbook's folder; the department "
                    "workbooks are in its inputs folder, the master in its output folder.",
                    "点击按钮即可运行。工具读取本工作簿所在文件夹中的 toolkit.toml；各部门工作簿在其 inputs 文件夹，"
                    "总表在其 output 文件夹。"),
    "panel.needs": ("Needs Python with the toolkit installed and the xlwings add-in (see docs/excel.md).",
                    "需要已安装本工具的 Python 和 xlwings 加载项（见 docs/excel.md）。"),
    "button.validate_all": ("Validate all", "全部校验"),
    "button.consolidate_now": ("Consolidate now", "立即汇总"),
    "button.weekly_report": ("Weekly report", "生成周报"),
    "button.open_master": ("Open master", "打开总表"),
    "button.validate_this_workbook": ("Validate this workbook", "校验本工作簿"),
    "button.validate_this_workbook.hint": ("Checks this workbook against the tracker standard and marks every "
                                           "problem at its cell (needs the xlwings add-in, see docs/excel.md).",
                                           "按跟踪表标准检查本工作簿，并在每个有问题的单元格处标注"
                                           "（需要 xlwings 加载项，见 docs/excel.md）。"),
    "status.title": ("Status", "运行状态"),
    "status.job": ("Job", "任务"),
    "status.last_run": ("Last run", "上次运行"),
    "status.result": ("Result", "结果"),
    "status.message": ("Message", "说明"),
    "status.never": ("not run yet", "尚未运行"),
    # ---- results in the status area
    "result.ok": ("OK", "成功"),
    "result.findings": ("{errors} errors, {warnings} warnings", "{errors} 个错误，{warnings} 个警告"),
    "result.failed": ("Failed", "失败"),
    "result.unavailable": ("Not available", "暂不可用"),
    # ---- findings sheet columns (the visible ones come from the main catalogue)
    "findings.col.code": ("Code", "代码"),
    "findings.col.file": ("File", "文件"),
    "findings.col.sheet": ("Sheet", "工作表"),
    "findings.col.cell": ("Cell", "单元格"),
    "findings.col.fill": ("Fill before", "原填充色"),
    "findings.col.note": ("Note before", "原批注"),
    # ---- message boxes
    "msg.see_sheet": ("The {sheet} sheet lists them.", "详见“{sheet}”工作表。"),
    "msg.this_clean": ("No problems found in this workbook.", "本工作簿未发现问题。"),
    "msg.this_found": ("{errors} error(s) and {warnings} warning(s) in this workbook. The cells are coloured and "
                       "carry a note; the {sheet} sheet lists them all.",
                       "本工作簿有 {errors} 个错误、{warnings} 个警告。相关单元格已标色并附批注，"
                       "完整列表见“{sheet}”工作表。"),
    "msg.report_unavailable": ("The weekly report is not available in this version of the toolkit yet.",
                               "此版本的工具尚不能生成周报。"),
    "msg.report_written": ("Weekly report written: {path}", "周报已生成：{path}"),
    "msg.no_master": ("There is no master yet at {path}. Press Consolidate now first.",
                      "{path} 尚无总表。请先点击“立即汇总”。"),
    "msg.master_opened": ("Opened {path}", "已打开 {path}"),
    "msg.unsaved": ("Save this workbook into a folder first, then press the button again.",
                    "请先将本工作簿保存到某个文件夹中，再点击按钮。"),
    "msg.error": ("The toolkit could not finish:\n{message}", "工具未能完成：\n{message}"),
    "msg.unexpected": ("Something went wrong inside the toolkit ({kind}: {detail}). Run the same job from the "
                       "command line with --debug to see the details.",
                       "工具内部出错（{kind}：{detail}）。可在命令行中加 --debug 运行同一任务查看详情。"),
    # ---- shown by the VBA when the add-in is missing (kept in the .bas as UTF-16 hex; a test compares)
    "vba.addin_missing": ("The xlwings add-in is not installed. Open a command prompt and run: xlwings addin install",
                          "未安装 xlwings 加载项。请打开命令提示符并运行：xlwings addin install"),
}


def text(key: str, lang: str = "en", /, **params: object) -> str:
    """The entry `key` in `lang` ("en" or "zh"), formatted with `params`."""
    en, zh = TEXT[key]
    template = zh if lang == "zh" else en
    return template.format(**params) if params else template
