"""Words of the Excel buttons (control panel, department tracker, message boxes), English + 中文.

Keys start with "excel."; the Excel modules use `text_in("excel")`, which adds the prefix.
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "excel.app": ("Ops Tracker Toolkit", "运营项目跟踪工具"),
    # ---- the control panel workbook
    "excel.panel.sheet": ("Control panel", "控制面板"),
    "excel.panel.title": ("Ops Tracker Toolkit · PMO control panel", "运营项目跟踪工具 · PMO 控制面板"),
    "excel.panel.intro": ("Press a button. The toolkit reads toolkit.toml in this workbook's folder; the department "
                    "workbooks are in its inputs folder, the master in its output folder.",
                    "点击按钮即可运行。工具读取本工作簿所在文件夹中的 toolkit.toml；各部门工作簿在其 inputs 文件夹，"
                    "总表在其 output 文件夹。"),
    "excel.panel.needs": ("Needs Python with the toolkit installed and the xlwings add-in (see README.md, 'Excel buttons').",
                    "需要已安装本工具的 Python 和 xlwings 加载项（见 README.md“Excel buttons”一节）。"),
    "excel.button.validate_all": ("Validate all", "全部校验"),
    "excel.button.consolidate_now": ("Consolidate now", "立即汇总"),
    "excel.button.weekly_report": ("Weekly report", "生成周报"),
    "excel.button.open_master": ("Open master", "打开总表"),
    "excel.button.validate_this_workbook": ("Validate this workbook", "校验本工作簿"),
    "excel.button.validate_this_workbook.hint": ("Checks this workbook against the tracker standard and marks every "
                                           "problem at its cell (needs the xlwings add-in, see README.md, 'Excel buttons').",
                                           "按跟踪表标准检查本工作簿，并在每个有问题的单元格处标注"
                                           "（需要 xlwings 加载项，见 README.md“Excel buttons”一节）。"),
    "excel.status.title": ("Status", "运行状态"),
    "excel.status.job": ("Job", "任务"),
    "excel.status.last_run": ("Last run", "上次运行"),
    "excel.status.result": ("Result", "结果"),
    "excel.status.message": ("Message", "说明"),
    "excel.status.never": ("not run yet", "尚未运行"),
    # ---- results in the status area
    "excel.result.ok": ("OK", "成功"),
    "excel.result.findings": ("{errors} errors, {warnings} warnings", "{errors} 个错误，{warnings} 个警告"),
    "excel.result.failed": ("Failed", "失败"),
    "excel.result.unavailable": ("Not available", "暂不可用"),
    # ---- findings sheet columns (the visible ones come from the main catalogue)
    "excel.findings.col.code": ("Code", "代码"),
    "excel.findings.col.file": ("File", "文件"),
    "excel.findings.col.sheet": ("Sheet", "工作表"),
    "excel.findings.col.cell": ("Cell", "单元格"),
    "excel.findings.col.fill": ("Fill before", "原填充色"),
    "excel.findings.col.note": ("Note before", "原批注"),
    # ---- message boxes
    "excel.msg.see_sheet": ("The {sheet} sheet lists them.", "详见“{sheet}”工作表。"),
    "excel.msg.this_clean": ("No problems found in this workbook.", "本工作簿未发现问题。"),
    "excel.msg.this_found": ("{errors} error(s) and {warnings} warning(s) in this workbook. The cells are coloured and "
                       "carry a note; the {sheet} sheet lists them all.",
                       "本工作簿有 {errors} 个错误、{warnings} 个警告。相关单元格已标色并附批注，"
                       "完整列表见“{sheet}”工作表。"),
    "excel.msg.report_unavailable": ("The weekly report is not available in this version of the toolkit yet.",
                               "此版本的工具尚不能生成周报。"),
    "excel.msg.report_written": ("Weekly report written: {path}", "周报已生成：{path}"),
    "excel.msg.no_master": ("There is no master yet at {path}. Press Consolidate now first.",
                      "{path} 尚无总表。请先点击“立即汇总”。"),
    "excel.msg.master_opened": ("Opened {path}", "已打开 {path}"),
    "excel.msg.unsaved": ("Save this workbook into a folder first, then press the button again.",
                    "请先将本工作簿保存到某个文件夹中，再点击按钮。"),
    "excel.msg.error": ("The toolkit could not finish:\n{message}", "工具未能完成：\n{message}"),
    "excel.msg.unexpected": ("Something went wrong inside the toolkit ({kind}: {detail}). Run the same job from the "
                       "command line with --debug to see the details.",
                       "工具内部出错（{kind}：{detail}）。可在命令行中加 --debug 运行同一任务查看详情。"),
    # ---- shown by the VBA when the add-in is missing (kept in the .bas as UTF-16 hex; a test compares)
    "excel.vba.addin_missing": ("The xlwings add-in is not installed. Open a command prompt and run: xlwings addin install",
                          "未安装 xlwings 加载项。请打开命令提示符并运行：xlwings addin install"),
}
