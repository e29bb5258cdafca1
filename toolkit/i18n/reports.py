"""Word reports (weekly report, closure summary), the archive and the lessons register."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # the weekly report's sentences (headings live in the templates, which users edit)
    "report.headline": (
        "As of {day}: {tasks} tasks, {done} done ({done_delta} since {since}), {overdue} overdue "
        "({overdue_delta}); {red} of {projects} projects red.",
        "截至{day}：共 {tasks} 项任务，已完成 {done} 项（较{since} {done_delta}），逾期 {overdue} 项"
        "（{overdue_delta}）；{projects} 个项目中 {red} 个为红色。"),
    "report.headline.first": (
        "As of {day}: {tasks} tasks, {done} done, {overdue} overdue; {red} of {projects} projects red "
        "(no earlier snapshot to compare with).",
        "截至{day}：共 {tasks} 项任务，已完成 {done} 项，逾期 {overdue} 项；{projects} 个项目中 {red} 个为红色"
        "（尚无可对比的历史快照）。"),
    "report.period": ("{start} – {end}", "{start} 至 {end}"),
    "report.scope.all": ("All projects", "全部项目"),
    "report.source": ("{files} workbooks read; {errors} errors and {warnings} warnings in the data",
                      "读取 {files} 个工作簿；数据中有 {errors} 个错误、{warnings} 个警告"),
    "report.compared_with": ("Compared with the snapshot of {day} (run {label}).",
                             "对比对象：{day}的快照（运行时间 {label}）。"),
    "report.no_comparison": ("No snapshot from a week before: week-over-week changes start next week.",
                             "没有一周前的快照：下周起显示周环比变化。"),
    "report.figure.tasks": ("Tasks", "任务总数"),
    "report.figure.done": ("Done", "已完成"),
    "report.figure.open": ("Open", "未完成"),
    "report.figure.overdue": ("Overdue", "逾期"),
    "report.kpi.not_measured": ("Not measured", "未统计"),
    "report.legend.red": ("a red rule fired: act now", "触发红色规则：需立即处理"),
    "report.legend.amber": ("an amber rule fired: watch", "触发黄色规则：需关注"),
    "report.legend.green": ("no rule fired: on track", "未触发规则：进展正常"),
    "report.why.due_soon": ("due in {days} working day(s)", "{days} 个工作日内到期"),
    "report.why.due_today": ("due today", "今天到期"),
    "report.why.behind": ("{points} points behind plan", "落后计划 {points} 个百分点"),
    "report.why.overloaded": ("owner overloaded", "负责人超负荷"),
    "report.why.waits_for": ("waits for overdue {ids}", "等待已逾期的 {ids}"),
    "report.why.status_blocked": ("status Blocked", "状态为受阻"),
    "report.overload_week": ("{week}: {hours} h of {capacity} h", "{week}：{hours} 小时 / 可用 {capacity} 小时"),
    "report.chart.departments": ("Tasks by department and status", "各部门任务状态"),
    "report.chart.tasks": ("Tasks", "任务数"),
    "report.chart.no_cjk_font": (
        "(Chart not drawn: no Chinese font is installed on the machine that made this report, "
        "e.g. fonts-noto-cjk. The table above has the same figures.)",
        "（未绘制图表：生成本报告的电脑没有安装中文字体，例如 fonts-noto-cjk。上表数字相同。）"),
    # the closure summary
    "report.slip.late": ("{days} working days late", "延后 {days} 个工作日"),
    "report.slip.early": ("{days} working days early", "提前 {days} 个工作日"),
    "report.slip.late_one": ("1 working day late", "延后 1 个工作日"),
    "report.slip.early_one": ("1 working day early", "提前 1 个工作日"),
    "report.slip.on_time": ("on time", "按时"),
    "report.first_due.history": ("first recorded {day}", "{day} 首次记录"),
    "report.first_due.workbook": ("from the workbook (no history)", "取自工作簿（无历史记录）"),
    "report.closure.kpis_met": ("{count} of {total} KPIs met: {names}", "{total} 个指标中 {count} 个达成：{names}"),
    "report.closure.kpis_not_met": ("{count} of {total} KPIs not met: {names}",
                                    "{total} 个指标中 {count} 个未达成：{names}"),
    "report.closure.on_time": ("{on_time} of {total} tasks finished on time or early",
                               "{total} 项任务中 {on_time} 项按时或提前完成"),
    "report.closure.late_max": ("; {count} late, the worst by {days} working days",
                                "；{count} 项延后，最多延后 {days} 个工作日"),
    "report.closure.failed": ("Acceptance failed: {names}", "验收未通过：{names}"),
    "report.closure.all_passed": ("All {count} milestones passed acceptance", "全部 {count} 个里程碑验收通过"),
    "report.closure.still_open": ("{count} tasks still open: {ids}", "仍有 {count} 项任务未完成：{ids}"),
    "report.closure.kpi_summary": ("{met} of {total} KPIs met ({unmeasured} not measured)",
                                   "{total} 个指标中 {met} 个达成（{unmeasured} 个未统计）"),
    "report.closure.not_finished": ("not finished", "尚未完成"),
    # the lessons register (a workbook across projects)
    "lessons.sheet": ("Lessons register", "经验教训库"),
    "lessons.col.project": ("Project", "项目"),
    "lessons.col.type": ("Type", "类型"),
    "lessons.col.lesson": ("Lesson", "描述"),
    "lessons.col.action": ("Action", "改进措施"),
    "lessons.col.owner": ("Owner", "负责人"),
    "lessons.col.due": ("Due", "截止日期"),
    "lessons.col.closed_on": ("Project closed", "结项日期"),
    "lessons.col.archive": ("Archive", "归档位置"),
    # what the command line says
    "report.written": ("Report written: {path}", "报告已生成：{path}"),
    "report.compared": ("Week-over-week figures compare with the snapshot of {day}.",
                        "周环比数字对比的是 {day} 的快照。"),
    "report.not_compared": ("No snapshot from a week before: no week-over-week figures this time.",
                            "没有一周前的快照：本次没有周环比数字。"),
    "report.archived": ("Archived {count} files into {folder} (manifest.csv)",
                        "已归档 {count} 个文件到 {folder}（manifest.csv）"),
    "report.lessons_added": ("Lessons register {path}: {added} lessons added, {known} already there",
                             "经验教训库 {path}：新增 {added} 条，已有 {known} 条"),
    "report.emailed": ("Emailed: {result}", "已发送邮件：{result}"),
    # make demo
    "demo.reports": ("Weekly reports (English, Chinese): {folder}", "周报（英文、中文）：{folder}"),
    "demo.closure": ("Closure summary of {project} and its archive: {folder}", "{project} 的结项总结及归档：{folder}"),
    "demo.email": ("Weekly report emailed to the outbox: {path}", "周报邮件已放入发件箱：{path}"),
    # errors
    "error.report_project_or_all": ("use --project NAME or --all, not both", "--project 与 --all 只能选一个"),
    "error.report_no_project": ("no project named {project} in this run (projects: {known})",
                                "本次汇总中没有名为 {project} 的项目（现有项目：{known}）"),
    "error.report_template_missing": ("the report template {path} does not exist", "报告模板 {path} 不存在"),
    "error.report_template_unreadable": ("the report template {path} cannot be opened as a Word file: {reason}",
                                         "报告模板 {path} 无法作为 Word 文件打开：{reason}"),
    "error.report_template_tags": (
        "the report template {template} uses {tags}, which the report does not provide (see README, Report context)",
        "报告模板 {template} 使用了报告未提供的字段 {tags}（见 README「报告字段」）"),
    "error.report_split_tag": (
        "the report template {template} has the tag {tag} split into pieces by Word ({part}): select the whole tag, "
        "clear its formatting (Ctrl+Space) or retype it in one go, then save",
        "报告模板 {template} 中的标记 {tag} 被 Word 拆成了几段（{part}）：请选中整个标记，清除格式（Ctrl+空格）"
        "或一次性重新输入后保存"),
    "error.report_template_syntax": ("the report template {template} has a broken tag near “{near}”: {reason}",
                                     "报告模板 {template} 在“{near}”附近有损坏的标记：{reason}"),
    "error.report_render": ("the report template {template} could not be filled: {reason}",
                            "报告模板 {template} 无法填充：{reason}"),
    "error.report_pdf_no_soffice": (
        "PDF needs LibreOffice (soffice), which is not installed: install LibreOffice "
        "(Debian/Ubuntu: apt install libreoffice-writer-nogui) or leave out --pdf; the Word report was written",
        "生成 PDF 需要 LibreOffice（soffice），但本机未安装：请安装 LibreOffice"
        "（Debian/Ubuntu：apt install libreoffice-writer-nogui）或去掉 --pdf；Word 报告已生成"),
    "error.report_pdf_failed": ("LibreOffice could not convert {file} to PDF: {reason}",
                                "LibreOffice 无法将 {file} 转换为 PDF：{reason}"),
    "error.report_pdf_timeout": ("LibreOffice did not convert {file} to PDF within {seconds} s",
                                 "LibreOffice 未能在 {seconds} 秒内将 {file} 转换为 PDF"),
    "error.archive_exists": ("the archive {folder} already exists and is never overwritten",
                             "归档文件夹 {folder} 已存在，归档不会被覆盖"),
    "error.lessons_register": ("cannot update the lessons register {path}: {reason}",
                               "无法更新经验教训库 {path}：{reason}"),
    "error.report_no_email": ("--email needs the email delivery (toolkit.deliver), which is not installed in this build",
                              "--email 需要邮件发送模块（toolkit.deliver），当前版本未包含"),
}
