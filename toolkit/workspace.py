"""`toolkit init`: a commented toolkit.toml and the folder layout of a PMO working folder."""
from __future__ import annotations

from pathlib import Path

from .config import CONFIG_NAME, Settings
from .errors import OutputError

DEFAULT_TOML = """\
# Ops Tracker Toolkit settings. Every key is optional; shown here with its default.
# 工具配置文件。所有设置均可省略；此处列出默认值。

language = "en"          # en or zh: findings, master sheet names and reports / 界面与报告语言
history_url = ""         # empty: history.sqlite in the output folder; or e.g. postgresql://user@host/pmo
backups_keep = 5         # dated copies of earlier masters kept in output/backups
paper = "A4"             # A4 or Letter: the paper the master is set up to print on / 打印纸张

[paths]                  # relative to this file's folder / 相对于本文件所在文件夹
inputs = "inputs"        # department workbooks / 各部门工作簿
output = "output"        # master.xlsx, reports, history / 汇总表、报告、历史
archive = "archive"      # closed projects / 已结项归档
inbox = "inbox"          # drop folder / 投递文件夹

[calendar]
weekend = [6, 7]         # ISO weekdays off: 6 = Saturday, 7 = Sunday / 周末
chinese_holidays = true  # Chinese public holidays and make-up workdays (chinesecalendar package) / 法定节假日与调休
holidays = []            # extra days off, e.g. [2026-12-31] / 额外休息日
workdays = []            # extra make-up working days / 额外调休上班日

[thresholds]
due_soon_days = 3        # due within this many working days / 即将到期（工作日）
behind_points = 20       # expected % minus actual % / 进度落后百分点
overload_ratio = 1.0     # planned hours above capacity × ratio / 超负荷比例
default_capacity = 40    # weekly hours when Team has none / 默认每周工时
default_hours = 8        # task estimate when Est. Hours is empty / 默认任务工时
risk_high = 15           # probability × impact for red / 高风险阈值
risk_amber = 8           # … for amber / 中风险阈值
red_days_late = 5        # a task this late (working days) makes its project red / 逾期多少工作日项目亮红灯
red_overdue_share = 20   # % of open tasks overdue that makes a project red / 逾期任务占比达到多少项目亮红灯

[limits]                 # safety limits for untrusted workbooks / 安全上限
max_file_mb = 100
max_unzipped_mb = 100
max_ratio = 250          # compression ratio of a big part; zip bombs reach 1000:1 / 压缩比上限
max_parts = 10000
max_cells_per_sheet = 2000000

[reading]                # how inputs are read / 读取方式
include_hidden_sheets = false   # hidden sheets are skipped with a warning / 隐藏工作表默认跳过并提示
settle_seconds = 2       # a file changed this recently is waited for before it is called damaged / 文件刚被修改时先等待
settle_max_seconds = 30  # … at most this long, then "still being written" / 最长等待秒数
processes = true         # many files are read in worker processes (Linux) / 多个文件由子进程并行读取（Linux）

[email]
transport = "outbox"     # outbox: write .eml files, no server needed; smtp: send / outbox 写入 .eml 文件；smtp 直接发送
outbox = ""              # empty: output/outbox / 发件箱文件夹，留空为输出文件夹下的 outbox
host = "localhost"
port = 25                # 587 for starttls, 465 for ssl, usually
tls = "none"             # none, starttls or ssl
ca_file = ""             # PEM bundle to verify the server; empty: the system's CAs / 自有 CA 证书
helo = ""                # name sent in EHLO; empty: this machine's name
sender = "pmo@example.com"        # or "PMO 项目办 <pmo@example.com>"
recipients = []          # everyone, unless [email.to] says otherwise / 默认收件人
username = ""            # set it to log in (needs tls unless the host is this machine) / 登录用户名
password_env = "TOOLKIT_SMTP_PASSWORD"   # the password is only read from this environment variable / 密码只从该环境变量读取
retries = 3              # further attempts after a temporary failure (refused, timeout, 4xx) / 临时失败重试次数
backoff_seconds = 2.0    # wait before retry n: backoff × 2^(n-1) / 重试间隔基数（秒）
timeout = 30.0           # seconds to wait for the server / 等待服务器的秒数

[email.to]               # per kind of email; empty: recipients above / 各类邮件的收件人
weekly = []
closure = []
rejected = []            # copied on rejected-file notices; never falls back to recipients / 退回通知抄送（不回退到默认收件人）

# Subject and body per kind (weekly, closure, rejected, files) and language; empty: built-in.
# Fields: {period} {project} {scope} {files} {file} {department} {reasons}
# 各类邮件的主题与正文模板（中英文），留空使用内置文本。
# [email.templates.weekly]
# subject_en = "Weekly report {period} · {scope}"
# subject_zh = "项目周报 {period} · {scope}"
# body_en = ""
# body_zh = ""

[schedule]               # toolkit schedule / run-nightly / run-weekly (README: Nightly job and drop folder) / 定时任务
consolidate_at = "02:00"         # every night, HH:MM (24-hour) / 每晚汇总时间
weekly_report_day = "friday"     # monday … sunday / 周报发送日
weekly_report_at = "07:30"       # HH:MM; the weekly report is emailed / 周报发送时间（邮件发送）
weekly_report_pdf = false        # also a PDF of the weekly report (needs LibreOffice) / 同时生成 PDF
catch_up = true                  # on start, run a night that was missed / 启动时补跑错过的夜间汇总
log_max_kb = 1024                # toolkit-jobs.log in the output folder, rotated / 日志文件大小上限
log_keep = 5                     # rotated logs kept / 保留的旧日志数

[inbox]                  # toolkit watch: the drop folder [paths] inbox / 投递文件夹
stable_seconds = 5.0             # size and time unchanged this long before a file is taken / 文件稳定多久后处理
unreadable_grace_seconds = 30.0  # a stable file that does not open yet gets this long more / 无法打开时再等待
debounce_seconds = 10.0          # quiet time after a burst before the master is re-consolidated / 批量投递后多久重新汇总
reject = "unreadable"            # unreadable: reject only unreadable files and files without a tracker sheet;
                                 # errors: also reject files with errors / 退回规则：unreadable 或 errors（严格）
notify_submitter = true          # email the department's Team addresses the findings / 将问题邮件告知提交部门
poll = false                     # poll instead of file-system events (network shares are polled anyway) / 轮询
poll_seconds = 2.0
versions_keep = 20               # earlier inputs kept per department in archive/versions / 保留的历史版本数
"""


def init_workspace(folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Write toolkit.toml (unless present) and create the folders it names. Returns what was made."""
    try:
        return _init(folder, overwrite)
    except OSError as exc:
        raise OutputError("init_not_writable", path=exc.filename or folder, reason=exc.strerror or exc) from exc


def _init(folder: Path, overwrite: bool) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    config = folder / CONFIG_NAME
    if overwrite or not config.exists():
        config.write_text(DEFAULT_TOML, encoding="utf-8")
        made.append(config)
    paths = Settings().paths
    for sub in (paths.inputs, paths.output, paths.archive, paths.inbox):
        target = folder / sub
        if not target.exists():
            target.mkdir(parents=True)
            made.append(target)
    return made
