"""The results of an import by e-mail: checking the addresses, composing the message, sending it over SMTP.

Owns the message a person receives (a subject naming the file and the outcome, a plain-text body with the counts
and the first errors in words, the failed rows attached as CSV) and the conversation with the SMTP server the
environment names (cli.md: CUSTBOOK_SMTP_HOST, _PORT, _USER, _PASSWORD, _STARTTLS, CUSTBOOK_MAIL_FROM). It works
from the cli.md summary (a dict), so a job's stored result is mailed exactly like an immediate import's.

Standard library only (`email`, `smtplib`); never imports store/ or tui/. Anything a user typed that ends up in a
header (addresses, the file name) is checked here: a line break in it would add headers of its own (`Bcc: ...`).
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import PurePath

from core.catalogue import Field, FieldType
from core.errors import CustbookError, InvalidValue
from core.i18n import N_, _, group_digits, ngettext
from core.names import code, hidden_characters
from core.values import ParseOptions, ValueProblem, parser_for
from core.wording import count, counts_line, describe_issue, outcome

SHOWN_ERRORS = 10
SMTP_TIMEOUT = 30.0
# Line breaks (ASCII and Unicode) and other control characters: none may reach a header.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_ADDRESS = Field("EMAIL", "E-mail address", "Adresse e-mail", FieldType.EMAIL, max_len=254)


class MailNotSent(CustbookError):
    """The message could not be handed to the SMTP server; `reason` says why, in words."""

    title = N_("E-mail not sent")

    def __init__(self, reason: str, fix: str = "") -> None:
        super().__init__(_("The results were not e-mailed: {reason}").format(reason=reason), fix)
        self.reason = reason


# --- what the user typed ----------------------------------------------------------------------------------------


def check_header_text(text: str, what: str) -> None:
    """Refuse text bound for a header (subject, file name) that holds a line break or another control character.
    `what` names the text in the sentence, in the user's language: "The file name"."""
    if _CONTROL.search(text):
        raise InvalidValue(
            _(
                "{what} contains a line break or another control character, which could add headers to the e-mail"
            ).format(what=what),
            _("Rename it without them and try again"),
        )


def parse_addresses(text: str) -> tuple[str, ...]:
    """The addresses of `--email`: separated by `;` or `,`, each one checked; duplicates dropped."""
    if _CONTROL.search(text):
        raise InvalidValue(
            _(
                "The e-mail addresses contain a line break or another control character, which could add headers "
                "to the message"
            ),
            _("Give the addresses on one line, separated by ; or ,"),
        )
    hidden = hidden_characters(text)
    if hidden:
        # A zero-width space or a bidi mark makes an address that reads as a colleague's deliver elsewhere.
        raise InvalidValue(
            _("The e-mail addresses contain {character}, an invisible character").format(character=code(hidden[0])),
            _("Type the addresses again rather than pasting them"),
        )
    check = parser_for(_ADDRESS, ParseOptions())
    seen: dict[str, str] = {}
    for part in re.split(r"[;,]", text):
        address = part.strip()
        if not address:
            continue
        try:
            check(address)
        except ValueProblem:
            raise InvalidValue(
                _("'{address}' is not an e-mail address").format(address=address[:80]),
                _("Write each address as name@example.com, separated by ; or ,"),
            ) from None
        seen.setdefault(address.casefold(), address)
    if not seen:
        raise InvalidValue(
            _("No e-mail address was given"), _("Give one or more separated by ; or , (--email 'ana@example.com')")
        )
    return tuple(seen.values())


# --- the message ------------------------------------------------------------------------------------------------


def _issues(summary: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    """The summary's errors or warnings (a JSON list of objects; anything else is ignored)."""
    found = summary.get(key)
    return [i for i in found if isinstance(i, Mapping)] if isinstance(found, list) else []


def failed_rows_name(file_name: str) -> str:
    # The suffix in the user's language: the file is theirs to open (French: "-lignes-en-echec.csv", no accent in a
    # file name that crosses systems).
    return _("{name}-failed-rows.csv").format(name=PurePath(file_name).stem or "import")


def subject(summary: Mapping[str, object], file_name: str) -> str:
    return _("custbook import of {file}: {outcome}").format(file=file_name, outcome=outcome(summary))


def body(
    summary: Mapping[str, object], file_name: str, *, attached: bool, names: Mapping[str, str] | None = None
) -> str:
    """The message's text, in the current language (a queued job's: its submitter's, `services.jobs.deliver`)."""
    if summary.get("job"):
        head = _("The import of {file} (job {job}): {outcome}.")
    else:
        head = _("The import of {file}: {outcome}.")
    lines = [head.format(file=file_name, job=summary.get("job"), outcome=outcome(summary)), ""]
    if summary.get("status") != "rejected" or count(summary, "rows"):
        lines += [_("{counts}.").format(counts=counts_line(summary)), ""]
    errors = _issues(summary, "errors")
    if errors:
        lines.append(_("The first errors:") if len(errors) > SHOWN_ERRORS else _("Errors:"))
        lines += ["- " + describe_issue(e, names) for e in errors[:SHOWN_ERRORS]]
        if len(errors) > SHOWN_ERRORS:
            more = len(errors) - SHOWN_ERRORS
            lines.append(
                ngettext("... and {count} more error.", "... and {count} more errors.", more).format(
                    count=group_digits(more)
                )
            )
        lines.append("")
    warnings = _issues(summary, "warnings")
    if warnings:
        lines.append(_("Warnings:"))
        lines += ["- " + describe_issue(w, names) for w in warnings[:SHOWN_ERRORS]]
        if len(warnings) > SHOWN_ERRORS:
            more = len(warnings) - SHOWN_ERRORS
            lines.append(
                ngettext("... and {count} more warning.", "... and {count} more warnings.", more).format(
                    count=group_digits(more)
                )
            )
        lines.append("")
    strict = summary.get("status") == "rejected" and count(summary, "failed") and count(summary, "rows")
    if strict:
        lines.append(
            _(
                "Nothing was imported: the import was set to stop when any row fails (--strict). Fix the failed rows "
                "in your file and import the whole file again."
            )
        )
        lines.append("")
    if attached:
        name = failed_rows_name(file_name)
        lines.append(
            _("The failed rows are attached as {name}, each with its errors in the last column.").format(name=name)
            if strict
            else _(
                "The failed rows are attached as {name}: fix the cells its last column names and import that "
                "file (custbook ignores its last column)."
            ).format(name=name)
        )
        lines.append("")
    if summary.get("status") == "committed" and summary.get("batch"):
        lines.append(
            _(
                "The changes were recorded as batch {batch}. To take them back: custbook undo {batch}, or in custbook "
                "press h (History), choose the batch and press u."
            ).format(batch=summary["batch"])
        )
        lines.append("")
    lines.append("-- custbook")
    return "\n".join(lines) + "\n"


def compose(
    summary: Mapping[str, object],
    *,
    file_name: str,
    sender: str,
    to: Sequence[str],
    failed_csv: bytes | None,
    names: Mapping[str, str] | None = None,
) -> EmailMessage:
    check_header_text(file_name, _("The file name"))
    msg = EmailMessage()
    msg["Subject"] = subject(summary, file_name)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(body(summary, file_name, attached=bool(failed_csv), names=names))
    if failed_csv:
        msg.add_attachment(failed_csv, maintype="text", subtype="csv", filename=failed_rows_name(file_name))
    return msg


# --- sending ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool
    sender: str
    timeout: float = SMTP_TIMEOUT
    tls: bool = False  # implicit TLS from the first byte (port 465), CUSTBOOK_SMTP_TLS=1
    insecure: bool = False  # CUSTBOOK_SMTP_INSECURE=1: a login without TLS is allowed (a trusted local relay)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MailSettings:
        """The settings of cli.md; a missing or wrong one is a `MailNotSent` naming the variable."""
        host = env.get("CUSTBOOK_SMTP_HOST", "").strip()
        if not host:
            raise MailNotSent(_("no mail server is configured (CUSTBOOK_SMTP_HOST is not set)"))
        starttls, tls, insecure = (
            _flag(env, name) for name in ("CUSTBOOK_SMTP_STARTTLS", "CUSTBOOK_SMTP_TLS", "CUSTBOOK_SMTP_INSECURE")
        )
        if starttls and tls:
            raise MailNotSent(_("CUSTBOOK_SMTP_TLS and CUSTBOOK_SMTP_STARTTLS are both 1 (choose one)"))
        port_text = env.get("CUSTBOOK_SMTP_PORT", "").strip()
        port = 465 if tls else 587 if starttls else 25
        if port_text:
            if not port_text.isdigit() or not 0 < int(port_text) < 65536:
                raise MailNotSent(_("CUSTBOOK_SMTP_PORT is '{value}', not a port number").format(value=port_text[:20]))
            port = int(port_text)
        sender = env.get("CUSTBOOK_MAIL_FROM", "").strip()
        if sender:
            try:
                (sender,) = parse_addresses(sender)
            except (InvalidValue, ValueError):
                raise MailNotSent(
                    _("CUSTBOOK_MAIL_FROM is '{value}', not one e-mail address").format(value=sender[:80])
                ) from None
        else:
            sender = f"custbook@{socket.gethostname() or 'localhost'}"
            if _CONTROL.search(sender):
                sender = "custbook@localhost"
        user = env.get("CUSTBOOK_SMTP_USER") or None
        if user and not (starttls or tls or insecure):
            # The password would cross the network in clear text: refused before connecting.
            raise MailNotSent(
                _(
                    "CUSTBOOK_SMTP_USER is set but the connection is not encrypted, so the password would be sent in "
                    "clear text (set CUSTBOOK_SMTP_STARTTLS=1 or CUSTBOOK_SMTP_TLS=1; for a trusted local relay, "
                    "CUSTBOOK_SMTP_INSECURE=1)"
                )
            )
        password = env.get("CUSTBOOK_SMTP_PASSWORD")
        return cls(host, port, user, password, starttls, sender, tls=tls, insecure=insecure)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def _flag(env: Mapping[str, str], name: str) -> bool:
    flag = env.get(name, "0").strip() or "0"
    if flag not in ("0", "1"):
        raise MailNotSent(_("{name} is '{value}' (use 0 or 1)").format(name=name, value=flag[:20]))
    return flag == "1"


def _tls_context() -> ssl.SSLContext:
    """The system's certificate authorities (SSL_CERT_FILE, as OpenSSL reads it, names another bundle)."""
    return ssl.create_default_context()


def send(messages: Sequence[EmailMessage], settings: MailSettings) -> None:
    """Hand every message to the server over one connection; `MailNotSent` with the reason in words if any is not
    accepted for every recipient."""
    refused: list[str] = []
    try:
        connection = (
            smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=_tls_context())
            if settings.tls
            else smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        )
        with connection as smtp:
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=_tls_context())
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            for msg in messages:
                try:
                    refused += list(smtp.send_message(msg))
                except smtplib.SMTPRecipientsRefused as exc:
                    refused += list(exc.recipients)
    except MailNotSent:
        raise
    except Exception as exc:  # every way a conversation can fail becomes one reason, never a traceback
        raise MailNotSent(_reason(exc, settings)) from None
    if refused:
        raise MailNotSent(
            _("the mail server {server} refused {addresses}").format(
                server=settings.where, addresses=", ".join(refused)
            )
        )


def _reason(exc: Exception, s: MailSettings) -> str:
    server = s.where
    if isinstance(exc, ConnectionRefusedError):
        return _("the mail server {server} refused the connection (is it running?)").format(server=server)
    if isinstance(exc, socket.gaierror):
        return _("there is no mail server named {host}").format(host=s.host)
    if isinstance(exc, TimeoutError):
        return _("the mail server {server} did not answer within {seconds} seconds").format(
            server=server, seconds=f"{s.timeout:g}"
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _(
            "the mail server {server} refused the login of {user} (check CUSTBOOK_SMTP_USER and _PASSWORD)"
        ).format(server=server, user=s.user)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if s.starttls and "STARTTLS" in str(exc).upper():
            return _("the mail server {server} does not support STARTTLS ({reply})").format(server=server, reply=exc)
        return _("the mail server {server} does not support what custbook asked ({reply})").format(
            server=server, reply=exc
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _("the mail server {server} refused the sender {sender} (set CUSTBOOK_MAIL_FROM)").format(
            server=server, sender=s.sender
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return (
            _("the mail server {server} answered {code} {reply}")
            .format(server=server, code=exc.smtp_code, reply=text)
            .strip()
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("the mail server {server} closed the connection").format(server=server)
    if isinstance(exc, ssl.SSLError):
        return _("the secure connection to {server} failed ({reason})").format(server=server, reason=exc.reason or exc)
    if isinstance(exc, OSError):
        return _("the mail server {server} could not be reached ({reason})").format(
            server=server, reason=exc.strerror or exc
        )
    return f"{type(exc).__name__}: {exc}"


def send_results(
    summary: Mapping[str, object],
    *,
    file_name: str,
    failed_csv: bytes | None,
    addresses: Sequence[str],
    each: bool,
    env: Mapping[str, str],
    names: Mapping[str, str] | None = None,
) -> None:
    """Compose and send the results: one message to all the addresses, or one each. Raises `MailNotSent`.
    `names`: field ID -> the column's name in the messages (see `describe_issue`)."""
    settings = MailSettings.from_env(env)
    groups = [[a] for a in addresses] if each else [list(addresses)]
    try:
        messages = [
            compose(summary, file_name=file_name, sender=settings.sender, to=to, failed_csv=failed_csv, names=names)
            for to in groups
        ]
    except InvalidValue as exc:  # checked at submission; a message never goes out with a forged header
        raise MailNotSent(exc.message) from None
    send(messages, settings)
