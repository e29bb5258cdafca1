"""The unattended jobs: the nightly job, the drop folder and `toolkit status`."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # ---- drop folder: why a file was rejected (one sentence, also in the reason file and the email)
    "inbox.why.unreadable": ("the file cannot be read as a workbook: {detail}", "文件无法作为工作簿读取：{detail}"),
    "inbox.why.no-tracker-sheet": ("no sheet of the tracker standard was found (Tasks, Team, Projects, …)",
                                   "未找到符合跟踪表标准的工作表（任务清单、团队成员、项目概况等）"),
    "inbox.why.errors": ("{errors} error(s) in the workbook, the first: {detail}",
                         "工作簿中有 {errors} 个错误，第一个：{detail}"),
    "inbox.why.duplicate": ("the same file was already processed: {first}", "相同的文件已处理过：{first}"),
    "inbox.first_seen": ("{name}, {when}, {status}", "{name}，{when}，{status}"),
    "inbox.status.accepted": ("accepted", "已接收"),
    "inbox.status.rejected": ("rejected", "已退回"),
    "inbox.status.duplicate": ("duplicate", "重复"),
    # ---- the reason / findings file
    "inbox.notes.suffix": ("reason", "原因"),
    "inbox.notes.annotated": ("annotated", "标注"),
    "inbox.notes.rejected": ("{file} (department {department}) was not accepted on {when}.",
                             "{file}（部门：{department}）于 {when} 未被接收。"),
    "inbox.notes.accepted": ("{file} (department {department}) was accepted on {when}, with findings to correct.",
                             "{file}（部门：{department}）已于 {when} 接收，但有以下问题需要更正。"),
    "inbox.notes.why": ("Reason: {reason}", "原因：{reason}"),
    "inbox.notes.findings": ("Findings ({count}), with the place to correct each:", "问题（共 {count} 个）及其位置："),
    "inbox.mail.findings.subject": ("Your tracker {file} was accepted, with findings", "您提交的跟踪表 {file} 已接收，但有问题需要更正"),
    "inbox.mail.findings.body": (
        "Hello,\n\nThe workbook {file} you put in the drop folder was accepted into the master tracker. "
        "A few entries need correcting: the attached files list them and mark the cells.\n\n"
        "-- \nSent by the Ops Tracker Toolkit on behalf of the PMO.\n",
        "您好：\n\n您投递的工作簿 {file} 已汇总到总表。其中有几处内容需要更正，附件列出了这些问题并标出了单元格。\n\n"
        "-- \n本邮件由运营项目跟踪工具代项目管理办公室发送。\n"),
    # ---- `toolkit watch`
    "watch.started": ("Watching {inbox} ({how}); Ctrl+C or SIGTERM stops.", "正在监视 {inbox}（{how}）；按 Ctrl+C 或发送 SIGTERM 停止。"),
    "watch.how.native": ("file-system events", "文件系统事件"),
    "watch.how.poll": ("polling every {seconds} s", "每 {seconds} 秒轮询"),
    "watch.accepted": ("accepted: {file} → {target} ({count} finding(s))", "已接收：{file} → {target}（{count} 个问题）"),
    "watch.rejected": ("rejected: {file}: {reason}", "已退回：{file}：{reason}"),
    "watch.duplicate": ("duplicate: {file}: {reason}", "重复：{file}：{reason}"),
    "watch.consolidated": ("master re-consolidated: {master} ({files} new file(s))", "已重新汇总总表：{master}（{files} 个新文件）"),
    "watch.stopped": ("Stopped.", "已停止。"),
    "error.watch_running": ("another toolkit watch is already watching {inbox}", "已有另一个 toolkit watch 在监视 {inbox}"),
    # ---- `toolkit schedule` / run-nightly
    "schedule.started": ("Scheduled: consolidation every day at {nightly}; weekly report on {day} at {weekly}. Log: {log}",
                         "已排程：每天 {nightly} 汇总；每周{day} {weekly} 发送周报。日志：{log}"),
    "schedule.stopped": ("Stopped after the current job.", "当前任务完成后已停止。"),
    "job.nightly": ("nightly consolidation", "夜间汇总"),
    "job.weekly": ("weekly report", "周报"),
    "job.inbox": ("drop folder", "投递文件夹"),
    "job.result.ok": ("ok", "成功"),
    "job.result.findings": ("ok, with errors in the inputs", "完成，输入有错误"),
    "job.result.failed": ("failed", "失败"),
    "job.result.running": ("running (or stopped without finishing)", "运行中（或未完成即中止）"),
    "job.msg.nightly": ("{master}: {errors} error(s), {warnings} warning(s) in {files} file(s)",
                        "{master}：{files} 个文件，{errors} 个错误，{warnings} 个警告"),
    "job.msg.conflict": ("the master was open: saved as {master}", "总表正被打开：已另存为 {master}"),
    "job.msg.weekly.sent": ("{files} emailed", "{files} 已发送"),
    "job.msg.weekly.outbox": ("{files} written to the outbox {folder}", "{files} 已写入发件箱 {folder}"),
    "job.msg.weekly.skipped": ("{files} written; this week's report was already sent", "{files} 已生成；本周周报此前已发送"),
    "job.msg.inbox": ("{files} accepted file(s) taken into {master}", "{files} 个已接收文件已汇总到 {master}"),
    "job.msg.exception": ("{error} (traceback in {log})", "{error}（详细信息见 {log}）"),
    # ---- `toolkit status`
    "status.col.job": ("Job", "任务"),
    "status.col.last": ("Last run", "上次运行"),
    "status.col.result": ("Result", "结果"),
    "status.col.next": ("Next run", "下次运行"),
    "status.col.message": ("Message", "说明"),
    "status.never": ("never", "从未运行"),
    "status.on_event": ("when files arrive", "有文件投递时"),
    "status.inbox": ("Drop folder {inbox}: {accepted} accepted, {rejected} rejected, {duplicates} duplicate(s), "
                     "{waiting} waiting, {pending} not yet in the master.",
                     "投递文件夹 {inbox}：已接收 {accepted} 个，已退回 {rejected} 个，重复 {duplicates} 个，"
                     "等待中 {waiting} 个，尚未汇总 {pending} 个。"),
    "status.log": ("Log: {log}", "日志：{log}"),
}
