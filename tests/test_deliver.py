"""Email delivery against a real SMTP server (aiosmtpd on 127.0.0.1, random port), real TLS
with a CA made in the test and verified by the client, and the outbox of .eml files."""
from __future__ import annotations

import email
import email.policy
import json
import os
import random
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx
import openpyxl
import pytest
from smtp_server import HOST, Handler, SmtpServer, free_port, make_ca

from toolkit.config import settings_from_dict
from toolkit.deliver import (
    Attachment,
    DeliveryError,
    build_message,
    read_sent_log,
    send,
    send_files,
    send_report,
    sent_log_path,
)
from toolkit.errors import ConfigError, InputError, ToolkitError

pytestmark = pytest.mark.timeout(60)

NOW = datetime(2026, 11, 27, 7, 30, tzinfo=timezone(timedelta(hours=8)))
LEADERS = ["王总 <ceo@example.com>", "cto@example.com"]


class Sleeper:
    """The injected sleep: really sleeps (briefly) and records each wait; `then` runs on the first."""

    def __init__(self, then=None):
        self.waits: list[float] = []
        self.then = then

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.then and len(self.waits) == 1:
            self.then()
        time.sleep(min(seconds, 0.05))


def make_settings(tmp_path: Path, **email_settings):
    data = {"paths": {"output": "out"}, "email": {"sender": "PMO 项目办 <pmo@example.com>",
                                                   "recipients": LEADERS, "helo": "toolkit.test",
                                                   "backoff_seconds": 0.25, "timeout": 5, **email_settings}}
    return settings_from_dict(data, base_dir=tmp_path)


def smtp(tmp_path: Path, port: int, **more):
    return make_settings(tmp_path, transport="smtp", host=HOST, port=port, **more)


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture()
def reports(tmp_path) -> list[Path]:
    """A real Word report, a real workbook, a PDF-named binary and a Chinese text file."""
    folder = tmp_path / "reports"
    folder.mkdir()
    document = docx.Document()
    document.add_heading("项目周报 2026-W48", 1)
    document.add_paragraph("客服升级项目：按计划推进。")
    document.save(folder / "项目周报 2026-W48.docx")
    workbook = openpyxl.Workbook()
    workbook.active.append(["任务编号", "状态"])
    workbook.save(folder / "master.xlsx")
    noise = random.Random(11).randbytes(300_000)          # every byte value, long base64 lines
    (folder / "weekly report.pdf").write_bytes(b"%PDF-1.7\n" + noise)
    (folder / "原因.txt").write_text("第 14 行：截止日期早于开始日期\n", encoding="utf-8")
    return sorted(folder.iterdir())


def attachments_of(message) -> dict[str, tuple[str, bytes]]:
    return {part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
            for part in message.iter_attachments()}


def expected(files: list[Path]) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in files}


# ------------------------------------------------------------------ the message itself

def test_message_has_chinese_subject_body_and_typed_attachments_with_rfc2231_names(reports):
    message = build_message(sender="PMO 项目办 <pmo@example.com>", to=LEADERS, subject="项目周报 2026-W48 · 全部项目",
                            body="您好：\n\n附件为本周项目周报。\n", attachments=reports, date=NOW)
    raw = message.as_bytes(policy=email.policy.SMTP)
    assert raw.isascii()                                            # 7-bit clean on the wire
    assert b"filename*=utf-8''%E9%A1%B9%E7%9B%AE%E5%91%A8%E6%8A%A5" in raw   # RFC 2231
    back = email.message_from_bytes(raw, policy=email.policy.default)
    assert back["Subject"] == "项目周报 2026-W48 · 全部项目"
    assert back.get_body().get_content() == "您好：\n\n附件为本周项目周报。\n"
    assert back["Date"] == "Fri, 27 Nov 2026 07:30:00 +0800"
    assert back["Message-ID"].endswith("@example.com>")
    got = attachments_of(back)
    assert {name: data for name, (_, data) in got.items()} == expected(reports)
    assert {name: kind for name, (kind, _) in got.items()} == {
        "项目周报 2026-W48.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "master.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "weekly report.pdf": "application/pdf",
        "原因.txt": "text/plain",
    }
    text_part = next(p for p in back.iter_attachments() if p.get_filename() == "原因.txt")
    assert text_part.get_content_charset() == "utf-8"


def test_a_long_chinese_file_name_survives_with_its_type():
    """Long names are split into RFC 2231 continuations; the Content-Type must stay intact."""
    name = "客服升级项目第四十八周周报（含关键指标、部门进度、逾期任务与风险清单）最终版本.docx"
    message = build_message(sender="pmo@example.com", to=["a@example.com"], subject="s", body="b",
                            attachments=[Attachment(name, b"PK\x03\x04 docx")])
    raw = message.as_bytes(policy=email.policy.SMTP)
    assert b"filename*1*=" in raw and max(len(line) for line in raw.split(b"\r\n")) <= 998   # RFC 5322 hard limit
    [part] = email.message_from_bytes(raw, policy=email.policy.default).iter_attachments()
    assert part.get_filename() == name and part.get_payload(decode=True) == b"PK\x03\x04 docx"
    assert part.get_content_type() == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_line_break_in_a_subject_cannot_inject_headers():
    message = build_message(sender="pmo@example.com", to=["a@example.com"], subject="W48\r\nBcc: evil@example.com",
                            body="x")
    assert message["Subject"] == "W48 Bcc: evil@example.com" and message["Bcc"] is None


def test_a_missing_attachment_is_named(tmp_path):
    with pytest.raises(InputError, match="nope.docx"):
        send_files([tmp_path / "nope.docx"], ["a@example.com"], make_settings(tmp_path), "en", env={}, now=NOW)


# ------------------------------------------------------------------ settings

@pytest.mark.parametrize("email_settings, needle", [
    ({"sender": "pmo at example"}, "email.sender"),
    ({"recipients": ["ceo@example.com", "boss"]}, "email.recipients"),
    ({"to": {"weekly": ["ok@example.com", "x@"]}}, "email.to.weekly"),
    ({"to": {"monthly": []}}, "unknown setting 'email.to.monthly'"),
    ({"templates": {"weekly": {"subject_zh": "周报 {week}"}}}, "{week}"),
    ({"templates": {"weekly": {"body_en": "unclosed {period"}}}, "email.templates.weekly.body_en"),
    ({"transport": "pigeon"}, "email.transport"),
    ({"retries": 50}, "email.retries"),
    ({"backoff_seconds": -1}, "email.backoff_seconds"),
    ({"timeout": 0}, "email.timeout"),
    ({"username": "pmo", "host": "smtp.example.com"}, "unencrypted"),
    ({"username": "pmo", "tls": "starttls", "password_env": ""}, "password_env"),
])
def test_bad_email_settings_name_the_key(tmp_path, email_settings, needle):
    with pytest.raises(ConfigError) as info:
        make_settings(tmp_path, **email_settings)
    assert needle in info.value.message("en") and info.value.message("zh")


def test_missing_password_variable_is_a_clear_error_before_any_connection(tmp_path, ca):
    with SmtpServer(tls="starttls", ca=ca, users={"pmo": "s3cret"}) as server:
        settings = smtp(tmp_path, server.port, tls="starttls", ca_file=str(ca.ca_file), username="pmo",
                        password_env="PMO_SMTP_PW")
        with pytest.raises(ConfigError) as info:
            send_files([__file__], ["a@example.com"], settings, "zh", env={"OTHER": "x"}, now=NOW)
        assert "PMO_SMTP_PW" in info.value.message("en") and "PMO_SMTP_PW" in info.value.message("zh")
        assert info.value.exit_code == 2
        assert server.handler.data_calls == 0 and not sent_log_path(settings).exists()


@pytest.mark.parametrize("content, needle", [(None, "does not exist"), (b"not a certificate", "not a PEM")])
def test_a_bad_ca_file_is_a_clear_error(tmp_path, content, needle):
    if content is not None:
        (tmp_path / "corp-ca.pem").write_bytes(content)
    settings = smtp(tmp_path, free_port(), tls="starttls", ca_file="corp-ca.pem")
    with pytest.raises(ConfigError) as info:
        send_files([__file__], ["a@example.com"], settings, "en", env={}, now=NOW)
    assert needle in info.value.message("en") and "corp-ca.pem" in info.value.message("zh")


def test_no_recipients_anywhere_is_a_clear_error(tmp_path, reports):
    settings = make_settings(tmp_path, recipients=[])
    with pytest.raises(ConfigError, match="email.to.weekly"):
        send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=NOW)


def test_a_rejected_notice_never_falls_back_to_leadership(tmp_path, reports):
    settings = make_settings(tmp_path)                     # recipients = the leaders, no [email.to] rejected
    with pytest.raises(ConfigError, match="email.to.rejected"):
        send_report("rejected", "2026-11-27", reports[:1], settings, "en", env={}, now=NOW)
    assert not (tmp_path / "out" / "outbox").exists()


def test_a_bad_address_given_on_the_command_line_is_named(tmp_path, reports):
    with pytest.raises(InputError) as info:
        send_files(reports[:1], ["boss"], make_settings(tmp_path), "zh", env={}, now=NOW)
    assert "boss" in info.value.message("zh") and info.value.exit_code == 2


# ------------------------------------------------------------------ outbox (the default transport)

def test_outbox_writes_a_parseable_eml_with_the_attachments_and_logs_it(tmp_path, reports):
    settings = make_settings(tmp_path)
    assert settings.email.transport == "outbox"
    result = send_report("weekly", "2026-W48", reports, settings, "zh", env={}, now=NOW)
    assert result.status == "outbox" and result.path.parent == tmp_path / "out" / "outbox"
    raw = result.path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")   # CRLF, as on the wire
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "项目周报 2026-W48 · 全部项目"
    assert message["To"] == "王总 <ceo@example.com>, cto@example.com"
    assert message["Auto-Submitted"] == "auto-generated" and message["X-Unsent"] == "1"   # Outlook: ready to send
    assert "附件为 2026-W48（全部项目）的项目周报" in message.get_body().get_content()
    assert {n: d for n, (_, d) in attachments_of(message).items()} == expected(reports)
    assert result.path.name == "20261127-073000 项目周报 2026-W48 · 全部项目.eml"
    [record] = read_sent_log(settings)
    assert record["kind"] == "weekly" and record["period"] == "2026-W48" and record["transport"] == "outbox"
    assert {a["name"]: a["bytes"] for a in record["attachments"]} == {f.name: f.stat().st_size for f in reports}
    assert "已写入发件箱" in result.message("zh")


def test_outbox_never_overwrites_and_templates_from_the_toml_are_used(tmp_path, reports):
    settings = make_settings(tmp_path, templates={"weekly": {"subject_en": "PMO weekly {period} [{project}]",
                                                             "body_en": "See {files}."}})
    first = send_report("weekly", "2026-W48", reports[:1], settings, "en", env={}, now=NOW, project="CS upgrade")
    again = send_report("weekly", "2026-W48", reports[:1], settings, "en", env={}, now=NOW, project="CS upgrade",
                        force=True)
    assert first.path != again.path and first.path.exists() and again.path.name.endswith("(2).eml")
    message = email.message_from_bytes(again.path.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "PMO weekly 2026-W48 [CS upgrade]"
    assert message.get_body().get_content().strip() == f"See {reports[0].name}."


# ------------------------------------------------------------------ SMTP

def test_message_arrives_with_attachments_intact_and_chinese_decoded(tmp_path, reports):
    with SmtpServer() as server:
        settings = smtp(tmp_path, server.port)
        result = send_report("weekly", "2026-W48", reports, settings, "zh", env={}, now=NOW, project="客服升级")
    assert result.status == "sent" and result.attempts == 1
    [message] = server.messages
    assert message["Subject"] == "项目周报 2026-W48 · 客服升级"
    assert {n: d for n, (_, d) in attachments_of(message).items()} == expected(reports)
    assert server.handler.envelopes == [("pmo@example.com", ["ceo@example.com", "cto@example.com"])]
    assert "客服升级" in message.get_body().get_content()


def test_auth_over_starttls_verified_against_the_test_ca(tmp_path, ca, reports):
    with SmtpServer(tls="starttls", ca=ca, users={"pmo": "s3cret 密码"}) as server:
        settings = smtp(tmp_path, server.port, tls="starttls", ca_file=str(ca.ca_file), username="pmo")
        result = send_files(reports[:2], ["a@example.com"], settings, "en", env={"TOOLKIT_SMTP_PASSWORD": "s3cret 密码"},
                            now=NOW)
        assert result.status == "sent" and server.handler.logins == ["pmo"]
        assert {n: d for n, (_, d) in attachments_of(server.messages[0]).items()} == expected(reports[:2])
        # the client really verifies: without the test CA the system's CAs reject the certificate
        unverified = smtp(tmp_path, server.port, tls="starttls", username="pmo")
        with pytest.raises(DeliveryError) as info:
            send_files(reports[:1], ["a@example.com"], unverified, "en",
                       env={"TOOLKIT_SMTP_PASSWORD": "s3cret 密码"}, now=NOW, sleep=Sleeper())
        assert "certificate" in info.value.message("en") and "email.ca_file" in info.value.message("en")
        assert not info.value.transient and info.value.attempts == 1
        # a wrong password is permanent: one attempt, no wait
        sleeper = Sleeper()
        with pytest.raises(DeliveryError) as info:
            send_files(reports[:1], ["a@example.com"], settings, "en", env={"TOOLKIT_SMTP_PASSWORD": "wrong"},
                       now=NOW, sleep=sleeper)
        assert "535" in info.value.message("en") and "pmo" in info.value.message("zh")
        assert sleeper.waits == [] and info.value.exit_code == 3
    assert len(server.messages) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")   # it is TLS: implicit
def test_ssl_mode_with_auth(tmp_path, ca, reports):
    with SmtpServer(tls="ssl", ca=ca, users={"pmo": "pw"}) as server:
        settings = smtp(tmp_path, server.port, tls="ssl", ca_file=str(ca.ca_file), username="pmo")
        result = send_report("closure", "2026-11", reports, settings, "en", env={"TOOLKIT_SMTP_PASSWORD": "pw"},
                             now=NOW, project="Supply chain")
    assert result.status == "sent" and server.handler.logins == ["pmo"]
    [message] = server.messages
    assert message["Subject"] == "Closure summary · Supply chain"
    assert {n: d for n, (_, d) in attachments_of(message).items()} == expected(reports)


def test_server_down_then_up_is_retried_with_backoff_and_delivered(tmp_path, reports):
    port = free_port()
    server = SmtpServer(port=port)
    sleeper = Sleeper(then=server.start)        # the server comes up during the first wait
    try:
        settings = smtp(tmp_path, port, retries=3, backoff_seconds=0.5)
        result = send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=NOW, sleep=sleeper)
    finally:
        server.stop()
    assert result.status == "sent" and result.attempts == 2 and sleeper.waits == [0.5]
    assert len(server.messages) == 1
    assert read_sent_log(settings)[0]["attempts"] == 2


def test_a_server_that_stays_down_gives_up_after_the_retries_with_growing_waits(tmp_path, reports):
    port = free_port()
    sleeper = Sleeper()
    settings = smtp(tmp_path, port, retries=3, backoff_seconds=0.25)
    with pytest.raises(DeliveryError) as info:
        send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=NOW, sleep=sleeper)
    assert sleeper.waits == [0.25, 0.5, 1.0]
    assert info.value.attempts == 4 and info.value.transient and info.value.exit_code == 3
    assert f"{HOST}:{port}" in info.value.message("en") and "refused" in info.value.message("en")
    assert "4 次" in info.value.message("zh") and "连接被拒绝" in info.value.message("zh")
    assert read_sent_log(settings) == []


def test_a_temporary_4xx_answer_is_retried(tmp_path, reports):
    with SmtpServer(handler=Handler(data_answers=["451 4.3.0 Try again later"])) as server:
        sleeper = Sleeper()
        result = send_report("weekly", "2026-W48", reports, smtp(tmp_path, server.port), "en", env={}, now=NOW,
                             sleep=sleeper)
    assert result.attempts == 2 and server.handler.data_calls == 2 and len(server.messages) == 1
    assert sleeper.waits == [0.25]


def test_a_permanent_5xx_answer_is_reported_clearly_and_not_retried(tmp_path, reports):
    handler = Handler(data_answers=["550 5.7.1 Message rejected by policy"] * 5)
    with SmtpServer(handler=handler) as server:
        sleeper = Sleeper()
        settings = smtp(tmp_path, server.port)
        with pytest.raises(DeliveryError) as info:
            send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=NOW, sleep=sleeper)
    assert handler.data_calls == 1 and sleeper.waits == [] and server.messages == []
    error = info.value
    assert isinstance(error, ToolkitError) and error.exit_code == 3 and error.smtp_code == 550
    assert error.message("en") == (f"email to {HOST}:{server.port} failed: the server answered 550 5.7.1 Message "
                                   "rejected by policy. Not retried: the server will give the same answer again")
    assert f"{HOST}:{server.port}" in error.message("zh") and "未重试" in error.message("zh")
    assert read_sent_log(settings) == []


def test_a_message_too_big_for_the_server_is_a_clear_permanent_error(tmp_path, reports):
    with SmtpServer(data_size_limit=100_000) as server:                 # the PDF alone is 300 kB
        sleeper = Sleeper()
        with pytest.raises(DeliveryError) as info:
            send_report("weekly", "2026-W48", reports, smtp(tmp_path, server.port), "en", env={}, now=NOW,
                        sleep=sleeper)
    assert "552" in info.value.message("en") and sleeper.waits == [] and server.messages == []


def test_one_refused_recipient_does_not_stop_the_others(tmp_path, reports):
    handler = Handler(refuse={"cto@example.com": "550 5.1.1 No such user"})
    with SmtpServer(handler=handler) as server:
        result = send_report("weekly", "2026-W48", reports[:1], smtp(tmp_path, server.port), "en", env={}, now=NOW)
    assert result.status == "sent" and handler.envelopes == [("pmo@example.com", ["ceo@example.com"])]
    assert result.refused == {"cto@example.com": "550 5.1.1 No such user"}
    assert "cto@example.com" in result.message("en")


def test_a_silent_server_times_out_and_is_retried(tmp_path, reports):
    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen(8)                                   # accepts connections, never says hello
    try:
        sleeper = Sleeper()
        settings = smtp(tmp_path, listener.getsockname()[1], timeout=0.5, retries=1)
        with pytest.raises(DeliveryError) as info:
            send_files(reports[:1], ["a@example.com"], settings, "en", env={}, now=NOW, sleep=sleeper)
    finally:
        listener.close()
    assert info.value.attempts == 2 and sleeper.waits == [0.25]
    assert "no answer within 0.5 s" in info.value.message("en")


# ------------------------------------------------------------------ the sent log

def test_sent_log_prevents_a_second_send_and_force_overrides_it(tmp_path, reports):
    with SmtpServer() as server:
        settings = smtp(tmp_path, server.port)
        first = send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=NOW)
        # the report rendered again: other bytes, same period and people -> held back
        (reports[0]).write_bytes(reports[0].read_bytes() + b"\0")
        later = NOW + timedelta(hours=3)
        second = send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=later)
        forced = send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=later, force=True)
        next_week = send_report("weekly", "2026-W49", reports, settings, "en", env={}, now=later)
        one_project = send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=later, project="CS")
        other_people = send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=later,
                                   to=["new.leader@example.com"])
    assert [r.status for r in (first, second, forced, next_week, one_project, other_people)] == \
        ["sent", "skipped", "sent", "sent", "sent", "sent"]
    assert len(server.messages) == 5
    assert second.previous == "2026-11-27T07:30:00+08:00" and second.message_id == first.message_id
    assert "--force" in second.message("en") and "2026-11-27 07:30" in second.message("zh")
    lines = sent_log_path(settings).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and all(json.loads(line)["message_id"] for line in lines)


def test_an_eml_left_in_the_outbox_does_not_hold_back_the_real_send(tmp_path, reports):
    assert send_report("weekly", "2026-W48", reports, make_settings(tmp_path), "en", env={}, now=NOW).status == "outbox"
    with SmtpServer() as server:
        result = send_report("weekly", "2026-W48", reports, smtp(tmp_path, server.port), "en", env={}, now=NOW)
    assert result.status == "sent" and len(server.messages) == 1


def test_rejected_notices_go_to_the_submitter_copied_to_the_pmo_once_per_file(tmp_path, reports):
    with SmtpServer() as server:
        settings = smtp(tmp_path, server.port, to={"rejected": ["pmo-desk@example.com"]})
        fields = {"file": "客服部.xlsx", "department": "客服部", "reasons": "第 14 行：截止日期早于开始日期"}
        sends = [send_report("rejected", "2026-11-27", [reason], settings, "zh", env={}, now=NOW,
                             to=["li.na@example.com"], fields=fields) for reason in (reports[3], reports[3], reports[1])]
    assert [r.status for r in sends] == ["sent", "skipped", "sent"]   # a new file the same day: a new notice
    message = server.messages[0]
    assert message["Subject"] == "您提交的跟踪表 客服部.xlsx 未被接收"
    assert message["To"] == "li.na@example.com" and message["Cc"] == "pmo-desk@example.com"
    assert "第 14 行：截止日期早于开始日期" in message.get_body().get_content()
    assert server.handler.envelopes[0][1] == ["li.na@example.com", "pmo-desk@example.com"]


def test_send_files_is_never_held_back(tmp_path, reports):
    with SmtpServer() as server:
        settings = smtp(tmp_path, server.port)
        for _ in range(2):
            result = send_files(reports[:1], ["zhou.jie@example.com"], settings, "en", subject="The master", env={},
                                now=NOW)
            assert result.status == "sent"
    assert [m["Subject"] for m in server.messages] == ["The master", "The master"]
    assert [r["kind"] for r in read_sent_log(settings)] == ["files", "files"]


def test_two_processes_sending_the_same_report_send_it_once(tmp_path, reports):
    """The lock makes check-send-record one step: two threads race, one sends, one is held back."""
    with SmtpServer() as server:
        settings = smtp(tmp_path, server.port)
        results = []

        def go():
            results.append(send_report("weekly", "2026-W48", reports, settings, "en", env={}, now=NOW))

        threads = [threading.Thread(target=go) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(r.status for r in results) == ["sent", "skipped"] and len(server.messages) == 1


def test_a_torn_last_line_of_the_sent_log_is_tolerated(tmp_path, reports):
    settings = make_settings(tmp_path)
    send_report("weekly", "2026-W47", reports[:1], settings, "en", env={}, now=NOW)
    log = sent_log_path(settings)
    with open(log, "ab") as handle:
        handle.write(b'{"key": "half a rec')                   # a crash in the middle of a write
    assert send_report("weekly", "2026-W47", reports[:1], settings, "en", env={}, now=NOW).status == "skipped"
    assert send_report("weekly", "2026-W48", reports[:1], settings, "en", env={}, now=NOW).status == "outbox"
    assert [r["period"] for r in read_sent_log(settings)] == ["2026-W47", "2026-W48"]


def test_send_takes_a_prebuilt_message(tmp_path):
    with SmtpServer() as server:
        message = build_message(sender="pmo@example.com", to=["a@example.com"], subject="hello", body="plain")
        sent = send(message, smtp(tmp_path, server.port), env=os.environ)
    assert sent.transport == "smtp" and sent.attempts == 1 and server.messages[0]["Subject"] == "hello"
