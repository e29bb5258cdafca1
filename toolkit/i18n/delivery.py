"""Email delivery (`toolkit/deliver.py`): default subjects and bodies, results, failures.

Default subject and body templates (`email.template.<kind>.subject` / `.body`) are overridden
per kind and language in `[email.templates.<kind>]` of toolkit.toml; their fields are
`toolkit.config_email.TEMPLATE_FIELDS`. `{what}` in `error.email_permanent` and
`error.email_gave_up` is one of the `email.reason.*` texts.
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # ---- default templates
    "email.template.weekly.subject": ("Weekly project report {period} · {scope}", "项目周报 {period} · {scope}"),
    "email.template.weekly.body": (
        "Hello,\n\nPlease find attached the weekly project report for {period} ({scope}).\n\n"
        "Attachments: {files}\n\n-- \nSent by the Ops Tracker Toolkit on behalf of the PMO.\n",
        "您好：\n\n附件为 {period}（{scope}）的项目周报，请查阅。\n\n"
        "附件：{files}\n\n-- \n本邮件由运营项目跟踪工具代项目管理办公室发送。\n",
    ),
    "email.template.closure.subject": ("Closure summary · {project}", "项目结项总结 · {project}"),
    "email.template.closure.body": (
        "Hello,\n\nPlease find attached the closure summary of {project} ({period}).\n\n"
        "Attachments: {files}\n\n-- \nSent by the Ops Tracker Toolkit on behalf of the PMO.\n",
        "您好：\n\n附件为项目“{project}”的结项总结（{period}），请查阅。\n\n"
        "附件：{files}\n\n-- \n本邮件由运营项目跟踪工具代项目管理办公室发送。\n",
    ),
    "email.template.rejected.subject": ("Your tracker {file} was not accepted", "您提交的跟踪表 {file} 未被接收"),
    "email.template.rejected.body": (
        "Hello,\n\nThe workbook {file} you put in the drop folder on {period} was not accepted:\n\n"
        "{reasons}\n\nPlease correct it and drop it again. The attached files say where.\n\n"
        "-- \nSent by the Ops Tracker Toolkit on behalf of the PMO.\n",
        "您好：\n\n您于 {period} 放入投递文件夹的工作簿 {file} 未被接收，原因如下：\n\n"
        "{reasons}\n\n请修改后重新投递，具体位置见附件。\n\n"
        "-- \n本邮件由运营项目跟踪工具代项目管理办公室发送。\n",
    ),
    "email.template.files.subject": ("Files from the PMO: {files}", "项目管理办公室发送的文件：{files}"),
    "email.template.files.body": (
        "Hello,\n\nPlease find attached: {files}\n\n-- \nSent by the Ops Tracker Toolkit on behalf of the PMO.\n",
        "您好：\n\n附件：{files}\n\n-- \n本邮件由运营项目跟踪工具代项目管理办公室发送。\n",
    ),
    "email.scope.all": ("all projects", "全部项目"),
    "email.kind.weekly": ("weekly report", "周报"),
    "email.kind.closure": ("closure summary", "结项总结"),
    "email.kind.rejected": ("rejected-file notice", "退回通知"),
    "email.kind.files": ("files", "文件"),
    "email.files.sep": (", ", "、"),
    # ---- settings checked when an email is about to go out
    "error.email_no_recipients": (
        "no recipients for {kind} emails: set email.to.{kind} or email.recipients in toolkit.toml",
        "{kind} 邮件没有收件人：请在 toolkit.toml 中设置 email.to.{kind} 或 email.recipients",
    ),
    "error.email_no_rejected_recipients": (
        "nobody to tell about a rejected file: the submitter has no email in Team and email.to.rejected is empty",
        "无人可通知退回的文件：提交人在团队成员表中没有邮箱，且 email.to.rejected 为空",
    ),
    "error.email_bad_address": ("{value} is not an email address (name@example.com)",
                                "{value} 不是有效的邮箱地址（如 name@example.com）"),
    "error.email_password_missing": (
        "email.username is set but the environment variable {var} (email.password_env) is not: "
        "set it to the SMTP password before sending",
        "已设置 email.username，但环境变量 {var}（email.password_env）未设置：请在发送前将其设为 SMTP 密码",
    ),
    "error.email_ca_missing": ("email.ca_file: {path} does not exist", "email.ca_file：{path} 不存在"),
    "error.email_ca_bad": ("email.ca_file: {path} is not a PEM certificate bundle ({reason})",
                     "email.ca_file：{path} 不是 PEM 格式的证书文件（{reason}）"),
    "error.email_attachment_missing": ("attachment {path} does not exist", "附件 {path} 不存在"),
    "error.email_attachment_unreadable": ("attachment {path} cannot be read: {reason}", "无法读取附件 {path}：{reason}"),
    "error.email_outbox": ("cannot write the email into the outbox {path}: {reason}",
                     "无法将邮件写入发件箱 {path}：{reason}"),
    "error.email_sent_log": ("cannot use the sent log {path}: {reason}", "无法使用发送记录 {path}：{reason}"),
    "error.email_sent_log_busy": ("another run has been sending email for more than {seconds} s (lock {path})",
                            "另一个任务发送邮件已超过 {seconds} 秒（锁文件 {path}）"),
    # ---- delivery failures: "{what}" is one of the reason.* texts
    "error.email_permanent": (
        "email to {host}:{port} failed: {what}. Not retried: the server will give the same answer again",
        "发往 {host}:{port} 的邮件发送失败：{what}。未重试：服务器会给出同样的答复",
    ),
    "error.email_gave_up": (
        "email to {host}:{port} failed after {attempts} attempts: {what}",
        "发往 {host}:{port} 的邮件在尝试 {attempts} 次后仍失败：{what}",
    ),
    "email.reason.refused": ("the connection was refused (is the SMTP server running on that port?)",
                       "连接被拒绝（该端口上的 SMTP 服务是否在运行？）"),
    "email.reason.timeout": ("no answer within {seconds} s", "{seconds} 秒内没有响应"),
    "email.reason.disconnected": ("the server closed the connection", "服务器断开了连接"),
    "email.reason.network": ("network error: {detail}", "网络错误：{detail}"),
    "email.reason.unknown-host": ("the host name cannot be resolved ({detail})", "无法解析主机名（{detail}）"),
    "email.reason.temporary": ("the server answered {code} {detail} (temporary)", "服务器答复 {code} {detail}（临时错误）"),
    "email.reason.rejected": ("the server answered {code} {detail}", "服务器答复 {code} {detail}"),
    "email.reason.auth": ("login as {user} was refused ({code} {detail}): check email.username and the password",
                    "以 {user} 登录被拒绝（{code} {detail}）：请检查 email.username 与密码"),
    "email.reason.recipients": ("every recipient was refused: {detail}", "所有收件人均被拒收：{detail}"),
    "email.reason.no-starttls": ("the server does not offer STARTTLS; set email.tls to \"ssl\" or \"none\"",
                           "服务器不支持 STARTTLS；请将 email.tls 设为 \"ssl\" 或 \"none\""),
    "email.reason.no-auth": ("the server does not offer login (AUTH); leave email.username empty or use TLS",
                       "服务器不支持登录（AUTH）；请将 email.username 留空或启用 TLS"),
    "email.reason.not-supported": ("the server does not support {detail}", "服务器不支持 {detail}"),
    "email.reason.certificate": ("the server's certificate cannot be verified ({detail}); "
                           "set email.ca_file to your company's CA bundle if it uses one",
                           "无法验证服务器证书（{detail}）；如公司使用自有证书，请将 email.ca_file 设为其 CA 证书文件"),
    "email.reason.tls": ("TLS failed: {detail}", "TLS 握手失败：{detail}"),
    # ---- results
    "email.result.sent": ("sent to {recipients} via {host} ({attempts} attempt(s))",
                    "已通过 {host} 发送给 {recipients}（尝试 {attempts} 次）"),
    "email.result.outbox": ("written to the outbox: {path} (to {recipients})", "已写入发件箱：{path}（收件人 {recipients}）"),
    "email.result.skipped": ("not sent: the {kind} email for {period} already went to {recipients} on {when}; "
                       "use --force to send it again",
                       "未发送：{period} 的{kind}邮件已于 {when} 发送给 {recipients}；如需再次发送请加 --force"),
    "email.result.refused": ("the server refused {refused}", "服务器拒收了 {refused}"),
}

