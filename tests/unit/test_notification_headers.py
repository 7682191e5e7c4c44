"""Notification mails never let user data (titles, names, addresses) add or change a header."""

from __future__ import annotations

import smtplib
import unicodedata
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from models import Notification
from service.notifications.delivery import (
    ERROR_MAX,
    HEADERS,
    PermanentFailure,
    build_email,
    classify,
    error_line,
    retry_delay,
)
from service.notifications.outbox import SUBJECT_MAX, one_line
from service.settings import Settings

SENDER = "ctomatch <no-reply@ctomatch.local>"
RECIPIENT = "claire.martin@example.test"
INJECTIONS = [
    "\r\n",
    "\n",
    "\r",
    "\x00",
    "\t",
    "\x0b",
    "\x0c",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u200b",
    "\r\nBcc: victim@example.com",
    "\nTo: other@example.com",
    "\r\n\r\nbody starts here",
    "=?utf-8?q?=0D=0ABcc:_victim@example.com?=",
    "=?utf-8?b?DQpCY2M6IHZpY3RpbUBleGFtcGxlLmNvbQ==?=",
    "Subject: forged",
]
user_text = st.lists(st.one_of(st.text(max_size=40), st.sampled_from(INJECTIONS)), max_size=10).map("".join)


def _notification(subject: str, recipient: str = RECIPIENT, body: str = "Hello.") -> Notification:
    return Notification(
        id=42,
        recipient_account_id=1,
        recipient_email=recipient,
        kind="freelancer_interested",
        subject=subject,
        body=body,
    )


def _header_names(raw: bytes) -> list[str]:
    """Names of the header lines of a raw message (continuation lines belong to the previous one)."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    return [line.split(b":", 1)[0].decode() for line in head.split(b"\r\n") if line[:1] not in (b" ", b"\t")]


@settings(max_examples=300, deadline=None)
@given(title=user_text, name=user_text, body=user_text)
@example(title="Interim CTO\r\nBcc: victim@example.com", name="Claire\nTo: x@example.com", body="")
@example(title="=?utf-8?q?=0D=0ABcc:_victim@example.com?=", name="", body="")
def test_user_text_never_adds_or_changes_a_header(title: str, name: str, body: str) -> None:
    subject = f"{name} is interested in “{title}”"
    message = build_email(_notification(subject, body=body), SENDER)
    raw = message.as_bytes()
    assert sorted(_header_names(raw)) == sorted(HEADERS)
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert sorted(parsed.keys()) == sorted(HEADERS)
    assert [a.addr_spec for a in parsed["To"].addresses] == [RECIPIENT]
    assert str(parsed["Subject"]) == one_line(subject, SUBJECT_MAX)
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])
    assert parsed["Message-ID"] == "<notification-42@ctomatch>"
    assert "Bcc" not in parsed and parsed.get_all("To") is not None and len(parsed.get_all("To") or []) == 1


@settings(max_examples=300, deadline=None)
@given(recipient=st.one_of(user_text, st.emails().map(str)))
@example(recipient="victim@example.com\r\nBcc: other@example.com")
@example(recipient="a@example.com, b@example.com")
@example(recipient="Claire <claire@example.test>")
@example(recipient="a@b@example.com")
@example(recipient="")
def test_recipient_is_one_valid_address_or_a_permanent_failure(recipient: str) -> None:
    try:
        message = build_email(_notification("Hello", recipient=recipient), SENDER)
    except PermanentFailure as exc:
        reason = str(exc)
        assert "invalid recipient" in reason and "\n" not in reason
        return
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    assert [a.addr_spec for a in parsed["To"].addresses] == [recipient]
    assert sorted(parsed.keys()) == sorted(HEADERS)


@pytest.mark.parametrize(
    "recipient",
    ["victim@example.com\r\nBcc: x@example.com", "a@example.com, b@example.com", "nobody", "a@b@c.d"],
)
def test_bad_recipients_fail_permanently_with_their_reason(recipient: str) -> None:
    with pytest.raises(PermanentFailure, match="invalid recipient address"):
        build_email(_notification("Hello", recipient=recipient), SENDER)


@given(text=user_text, limit=st.integers(min_value=1, max_value=300))
def test_one_line_is_one_bounded_clean_line(text: str, limit: int) -> None:
    line = one_line(text, limit)
    assert len(line) <= limit
    assert "=?" not in line and "?=" not in line and "  " not in line and line == line.strip()
    assert all(c == " " or unicodedata.category(c)[0] not in "CZ" for c in line)
    if len(one_line(text, 10_000)) <= limit:
        assert one_line(line, limit) == line


def test_bodies_keep_their_lines() -> None:
    message = build_email(_notification("Hi", body="line one\r\nline two\x00\nline three"), SENDER)
    assert message.get_content().splitlines() == ["line one", "line two", "line three"]


def test_refusals_and_errors_are_classified() -> None:
    refused = smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"5.1.1 no such user")})
    deferred = smtplib.SMTPRecipientsRefused({"x@example.com": (451, b"4.3.0 later")})
    assert classify(refused) == (True, "recipient refused by the mail server: 550 5.1.1 no such user")
    assert classify(deferred)[0] is False
    assert classify(smtplib.SMTPDataError(554, b"5.7.1 rejected"))[0] is True
    assert classify(smtplib.SMTPAuthenticationError(535, b"bad credentials"))[0] is False
    assert classify(ConnectionRefusedError(111, "Connection refused"))[0] is False
    assert classify(ValueError("Header values may not contain linefeed"))[0] is False


def test_stored_errors_are_one_line_bounded_and_masked() -> None:
    line = error_line("OSError: cannot reach smtp://mailer:hunter2@mail.example.com:587\r\nTraceback ...")
    assert "hunter2" not in line and "\n" not in line and "\r" not in line
    assert len(error_line("x" * 5000)) == ERROR_MAX


def test_backoff_doubles_up_to_the_cap() -> None:
    config = Settings(notify_retry_base_seconds=60, notify_retry_max_seconds=3600)
    assert [retry_delay(config, n).total_seconds() for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    assert retry_delay(config, 500) == timedelta(hours=1)
