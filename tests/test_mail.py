"""E-mailed import results (services/mail.py and `custbook import --email`), against a real SMTP server.

The server is aiosmtpd on 127.0.0.1 on a free port, started and stopped by a fixture; it keeps every message it
receives. Nothing here mocks smtplib: a message counts as sent when that server has it. The `smtp` fixture and
`SmtpServer` are also used by tests/test_jobs_process.py.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from core.errors import InvalidValue
from services.mail import (
    MailNotSent,
    MailSettings,
    check_header_text,
    compose,
    parse_addresses,
    send,
    send_results,
)

SENDER = "custbook@example.com"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return part.get_content()

    @property
    def attachments(self) -> dict[str, bytes]:
        return {a.get_filename(): a.get_payload(decode=True) for a in self.message.iter_attachments()}


@dataclass
class _Sink:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        message = email.message_from_bytes(content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """An SMTP server on 127.0.0.1 that keeps what it receives; `env` points custbook at it."""

    def __init__(self, port: int | None = None, **kwargs: object) -> None:
        self.port = port or free_port()
        self.sink = _Sink()
        self._kwargs = kwargs
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port, **self._kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        return self.sink.received

    @property
    def env(self) -> dict[str, str]:
        return {
            "CUSTBOOK_SMTP_HOST": "127.0.0.1",
            "CUSTBOOK_SMTP_PORT": str(self.port),
            "CUSTBOOK_SMTP_STARTTLS": "0",
            "CUSTBOOK_MAIL_FROM": SENDER,
        }


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """A server that is not running yet (connections are refused); a test may start it later."""
    server = SmtpServer()
    yield server
    server.stop()


SUMMARY = {
    "status": "committed", "batch": "B7", "job": None, "rows": 3, "created": 1, "updated": 1, "unchanged": 0,
    "blanked": 2, "failed": 1,
    "errors": [{"row": 4, "column": "EMAIL1", "value": "bob@", "message": "'bob@' is not an e-mail address."}],
    "warnings": [],
}  # fmt: skip
FAILED_CSV = "\ufeffCUSTOMERID,EMAIL1,Import errors\r\nC3,bob@,Row 4: bad\r\n".encode()


# --- addresses and headers --------------------------------------------------------------------------------------


def test_addresses_are_split_on_semicolons_and_commas_trimmed_and_deduplicated() -> None:
    text = " ana@example.com; bob@example.org ,, Ana@Example.com ;zoë@exemple.fr "
    assert parse_addresses(text) == ("ana@example.com", "bob@example.org", "zoë@exemple.fr")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("bob@", "'bob@' is not an e-mail address"),
        ("ana@example.com; bob@", "'bob@' is not an e-mail address"),
        ("a@b.c\nBcc: x@y.z", "line break"),
        ("a@b.c\r\nBcc: x@y.z", "line break"),
        ("a@b.c\u2028Bcc: x@y.z", "line break"),
        (" ; , ", "No e-mail address"),
    ],
)
def test_bad_addresses_are_refused_in_one_sentence(text: str, needle: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_addresses(text)
    message = str(caught.value)
    assert needle in message
    assert "\n" not in message and caught.value.exit_code == 2


def test_a_file_name_with_a_line_break_never_reaches_a_header() -> None:
    with pytest.raises(InvalidValue, match="line break"):
        check_header_text("customers.csv\r\nBcc: spy@example.com", "The file name")
    with pytest.raises(InvalidValue):
        compose(SUMMARY, file_name="a\nBcc: spy@example.com", sender=SENDER, to=["a@b.co"], failed_csv=None)


# --- the message ------------------------------------------------------------------------------------------------


def test_the_message_names_the_file_and_outcome_counts_errors_and_attaches_the_failed_rows() -> None:
    msg = compose(SUMMARY, file_name="clients été.csv", sender=SENDER, to=["a@b.co", "c@d.co"], failed_csv=FAILED_CSV)
    wire = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert wire["Subject"] == "custbook import of clients été.csv: imported as B7, 1 row failed"
    assert wire["To"] == "a@b.co, c@d.co"
    body = wire.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "3 rows: 1 new, 1 updated (2 fields erased), 0 unchanged, 1 failed" in body
    assert "Row 4, EMAIL1 ('bob@'): 'bob@' is not an e-mail address." in body
    named = compose(SUMMARY, file_name="c.csv", sender=SENDER, to=["a@b.co"], failed_csv=None, names={"EMAIL1": "Mél"})
    assert "Row 4, Mél ('bob@'): 'bob@' is not an e-mail address." in named.get_content()
    attachments = {a.get_filename(): a.get_payload(decode=True) for a in wire.iter_attachments()}
    assert attachments == {"clients été-failed-rows.csv": FAILED_CSV}


def test_a_rejected_file_says_nothing_changed_and_attaches_nothing() -> None:
    summary = SUMMARY | {"status": "rejected", "batch": None, "rows": 0, "created": 0, "updated": 0, "failed": 0,
                         "blanked": 0, "errors": [{"row": None, "column": None, "value": None,
                                                   "message": "The file x.csv is empty."}]}  # fmt: skip
    msg = compose(summary, file_name="x.csv", sender=SENDER, to=["a@b.co"], failed_csv=None)
    assert msg["Subject"] == "custbook import of x.csv: rejected, nothing changed"
    assert "File: The file x.csv is empty." in msg.get_content()
    assert list(msg.iter_attachments()) == []


# --- sending ----------------------------------------------------------------------------------------------------


def test_one_message_reaches_all_addresses_by_default(smtp: SmtpServer) -> None:
    send_results(SUMMARY, file_name="c.csv", failed_csv=FAILED_CSV, addresses=("a@b.co", "c@d.co"), each=False,
                 env=smtp.env)  # fmt: skip
    assert len(smtp.received) == 1
    got = smtp.received[0]
    assert got.mail_from == SENDER and got.rcpt_tos == ["a@b.co", "c@d.co"]
    assert got.attachments == {"c-failed-rows.csv": FAILED_CSV}


def test_with_each_every_address_gets_its_own_message(smtp: SmtpServer) -> None:
    send_results(SUMMARY, file_name="c.csv", failed_csv=None, addresses=("a@b.co", "c@d.co"), each=True,
                 env=smtp.env)  # fmt: skip
    assert sorted((r.rcpt_tos, r.message["To"]) for r in smtp.received) == [
        (["a@b.co"], "a@b.co"),
        (["c@d.co"], "c@d.co"),
    ]


def test_a_server_that_is_down_is_a_reason_in_words(smtp_down: SmtpServer) -> None:
    with pytest.raises(MailNotSent) as caught:
        send_results(SUMMARY, file_name="c.csv", failed_csv=None, addresses=("a@b.co",), each=False,
                     env=smtp_down.env)  # fmt: skip
    assert caught.value.reason == f"the mail server 127.0.0.1:{smtp_down.port} refused the connection (is it running?)"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({}, "CUSTBOOK_SMTP_HOST is not set"),
        ({"CUSTBOOK_SMTP_HOST": "h", "CUSTBOOK_SMTP_PORT": "x25"}, "CUSTBOOK_SMTP_PORT is 'x25'"),
        ({"CUSTBOOK_SMTP_HOST": "h", "CUSTBOOK_SMTP_STARTTLS": "yes"}, "use 0 or 1"),
        ({"CUSTBOOK_SMTP_HOST": "h", "CUSTBOOK_MAIL_FROM": "me\nBcc: x@y.z"}, "CUSTBOOK_MAIL_FROM"),
    ],
)
def test_missing_or_wrong_settings_are_named(env: dict[str, str], needle: str) -> None:
    with pytest.raises(MailNotSent, match=needle):
        MailSettings.from_env(env)


def test_settings_defaults() -> None:
    plain = MailSettings.from_env({"CUSTBOOK_SMTP_HOST": "mail.example.com"})
    assert (plain.port, plain.starttls, plain.user) == (25, False, None)
    assert MailSettings.from_env({"CUSTBOOK_SMTP_HOST": "m", "CUSTBOOK_SMTP_STARTTLS": "1"}).port == 587


def _authenticator(server: object, session: object, envelope: object, mechanism: str, data: object) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"worker", b"s3cret")
    return AuthResult(success=ok, handled=False)


def test_a_login_without_tls_is_refused_unless_the_relay_is_declared_trusted() -> None:
    """Issue 17, item 13: with STARTTLS off the password crossed the network in clear text. Now custbook refuses
    to log in without TLS before connecting, unless CUSTBOOK_SMTP_INSECURE=1 says the relay is trusted."""
    server = SmtpServer(authenticator=_authenticator, auth_require_tls=False).start()
    try:
        login = {"CUSTBOOK_SMTP_USER": "worker", "CUSTBOOK_SMTP_PASSWORD": "s3cret"}
        with pytest.raises(MailNotSent, match="password would be sent in clear text"):
            MailSettings.from_env(server.env | login)
        settings = MailSettings.from_env(server.env | login | {"CUSTBOOK_SMTP_INSECURE": "1"})
        msg = compose(SUMMARY, file_name="c.csv", sender=SENDER, to=["a@b.co"], failed_csv=None)
        send([msg], settings)
        assert len(server.received) == 1
        wrong = MailSettings.from_env(
            server.env | login | {"CUSTBOOK_SMTP_PASSWORD": "no", "CUSTBOOK_SMTP_INSECURE": "1"}
        )
        with pytest.raises(MailNotSent, match="refused the login of worker"):
            send([msg], wrong)
        assert len(server.received) == 1
    finally:
        server.stop()


@pytest.fixture
def certificate(tmp_path, monkeypatch) -> ssl.SSLContext:
    """A throwaway certificate for 127.0.0.1, trusted by this test's custbook (SSL_CERT_FILE): the server's
    context. Made with the openssl command (.ci/run installs it)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize("mode", ["implicit", "starttls"])
def test_a_login_over_tls_sends_and_an_untrusted_certificate_is_refused(certificate, monkeypatch, mode) -> None:
    """Implicit TLS (port 465, CUSTBOOK_SMTP_TLS=1) and STARTTLS both log in and deliver over an encrypted
    connection to a real server; a server whose certificate is not trusted is refused, nothing sent."""
    # aiosmtpd offers AUTH over STARTTLS only after the upgrade; on an implicit TLS port it cannot tell the
    # transport is encrypted, so AUTH is allowed there explicitly (the client speaks TLS from the first byte).
    tls = (
        {"ssl_context": certificate, "auth_require_tls": False}
        if mode == "implicit"
        else {"tls_context": certificate, "require_starttls": True}
    )
    server = SmtpServer(authenticator=_authenticator, **tls).start()
    try:
        flag = {"implicit": {"CUSTBOOK_SMTP_TLS": "1"}, "starttls": {"CUSTBOOK_SMTP_STARTTLS": "1"}}[mode]
        env = server.env | flag | {"CUSTBOOK_SMTP_USER": "worker", "CUSTBOOK_SMTP_PASSWORD": "s3cret"}
        msg = compose(SUMMARY, file_name="c.csv", sender=SENDER, to=["a@b.co"], failed_csv=None)
        send([msg], MailSettings.from_env(env))
        assert len(server.received) == 1
        monkeypatch.delenv("SSL_CERT_FILE")  # the system's authorities do not know this certificate
        monkeypatch.setenv("SSL_CERT_DIR", "/nonexistent")
        monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent")
        with pytest.raises(MailNotSent, match=r"secure connection|certificate"):
            send([msg], MailSettings.from_env(env))
        assert len(server.received) == 1
    finally:
        server.stop()


def test_tls_settings_and_invisible_characters_in_addresses() -> None:
    assert MailSettings.from_env({"CUSTBOOK_SMTP_HOST": "m", "CUSTBOOK_SMTP_TLS": "1"}).port == 465
    with pytest.raises(MailNotSent, match="choose one"):
        MailSettings.from_env({"CUSTBOOK_SMTP_HOST": "m", "CUSTBOOK_SMTP_TLS": "1", "CUSTBOOK_SMTP_STARTTLS": "1"})
    for text in ("ana@exam\u200bple.com", "\u202eana@example.com", "ana@example.com;\u2060bob@example.com"):
        with pytest.raises(InvalidValue, match=r"U\+[0-9A-F]{4}, an invisible character"):
            parse_addresses(text)


# --- `custbook import --email`: an immediate import -------------------------------------------------------------


def test_an_immediate_import_emails_its_results(cli, write_csv, smtp: SmtpServer, monkeypatch) -> None:
    for key, value in smtp.env.items():
        monkeypatch.setenv(key, value)
    path = write_csv(
        [
            ["CUSTOMERID", "NAME", "PRINTAS", "Adresse e-mail"],
            ["C1", "Ann", "Ann", "ann@x.org"],
            ["C2", "Bob", "Bob", "bob@"],
        ],
        name="clients.csv",
    )
    result = cli("import", str(path), "--email", "a@b.co;c@d.co", "--json")
    assert result.code == 1, result.err  # a failed row: the e-mail does not change the exit code
    assert result.json["created"] == 1 and result.json["failed"] == 1
    assert "E-mailed the results to a@b.co, c@d.co." in result.err
    (got,) = smtp.received
    assert got.rcpt_tos == ["a@b.co", "c@d.co"]
    assert got.message["Subject"] == f"custbook import of clients.csv: imported as {result.json['batch']}, 1 row failed"
    assert "2 rows: 1 new, 0 updated (0 fields erased), 0 unchanged, 1 failed" in got.text
    # The message names the column as the file heads it; the JSON keeps the field ID (cli.md).
    assert "Row 3, Adresse e-mail ('bob@'): 'bob@' is not an e-mail address." in got.text
    assert result.json["errors"][0]["column"] == "EMAIL1"
    (csv_bytes,) = got.attachments.values()
    assert b"C2,Bob,Bob,bob@" in csv_bytes


def test_an_immediate_import_with_the_server_down_warns_and_keeps_its_exit_code(
    cli, write_csv, smtp_down: SmtpServer, monkeypatch
) -> None:
    for key, value in smtp_down.env.items():
        monkeypatch.setenv(key, value)
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "Ann", "Ann"]])
    result = cli("import", str(path), "--email", "a@b.co", "--json")
    assert result.code == 0
    assert result.json["status"] == "committed" and result.json["created"] == 1
    assert result.err.strip() == (
        f"custbook: warning: the results were not e-mailed (the mail server 127.0.0.1:{smtp_down.port} refused "
        "the connection (is it running?)); the import is not affected."
    )


def test_email_each_without_addresses_is_wrong_usage(cli, write_csv) -> None:
    result = cli("import", str(write_csv([["CUSTOMERID"], ["C1"]])), "--email-each")
    assert result.code == 2 and "--email-each needs the addresses" in result.err


def test_the_message_says_how_to_undo_and_why_a_strict_import_changed_nothing() -> None:
    msg = compose(SUMMARY, file_name="c.csv", sender=SENDER, to=["a@b.co"], failed_csv=FAILED_CSV)
    body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "recorded as batch B7. To take them back: custbook undo B7" in body
    assert "fix the cells its last column names and import that file (custbook ignores its last column)" in body
    assert "--strict" not in body
    strict = SUMMARY | {"status": "rejected", "batch": None, "created": 0, "updated": 0}
    msg = compose(strict, file_name="c.csv", sender=SENDER, to=["a@b.co"], failed_csv=FAILED_CSV)
    body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Nothing was imported: the import was set to stop when any row fails (--strict)" in body
    assert "import the whole file again" in body and "undo" not in body
    assert "each with its errors in the last column" in body
