"""The results of an import by e-mail in French (issue 16): a queued job keeps its submitter's language (chosen by
`--lang` or stored with the user) for its results and e-mail, whatever language the worker speaks; the worker's own
log stays in its own. A real SMTP server on 127.0.0.1 receives the messages (the `smtp` fixture of
tests/test_mail.py); the worker runs as its own process, as in production.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from acting import ADMIN
from test_cli_process import custbook
from test_mail import SUMMARY, smtp  # noqa: F401  (fixture)

from core.i18n import set_language, using_language
from services.mail import compose
from store.duck import DuckStore as Store
from store.jobs import get_job

NBSP = "\u00a0"
ROWS = [
    ["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1"],
    ["C1", "Ann Lee", "Ann Lee", "ann@example.com"],
    ["C2", "Bob Ray", "Bob Ray", "bob@"],
    ["C3", "Cy Ode", "Cy Ode", ""],
]


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    set_language("en")


@pytest.fixture
def no_language(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No language chosen by the environment: neither $CUSTBOOK_LANG (which the suite sets to en) nor a locale."""
    for name in ("CUSTBOOK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _plain(text: str) -> str:
    """`text` with its no-break spaces as spaces: the sentences of core.wording (the counts) are another area's."""
    return text.replace(NBSP, " ")


def _assert_french_results(got, job: str = "J1") -> None:
    assert (
        got.message["Subject"] == f"Importation custbook de clients.csv{NBSP}: importé dans le lot B1, 1 ligne en échec"
    )
    text = got.text
    assert (
        f"L'importation de clients.csv (tâche hors ligne {job}){NBSP}: importé dans le lot B1, 1 ligne en échec."
        in text
    )
    assert "3 lignes : 2 nouveaux, 0 mis à jour (0 champ effacé), 0 inchangé, 1 en échec." in _plain(text)
    assert f"Erreurs{NBSP}:" in text
    assert "- Ligne 3, Adresse e-mail (« bob@ »)" in text  # the field's French label, not EMAIL1 nor "Email"
    assert "Les lignes en échec sont jointes dans clients-lignes-en-echec.csv" in text
    assert f"Pour annuler le lot{NBSP}: custbook undo B1, ou dans custbook appuyez sur h (Historique)" in text
    for english in ("The import of", "rows:", "Errors:", "The failed rows", "To take them back"):
        assert english not in text
    assert list(got.attachments) == ["clients-lignes-en-echec.csv"]  # named in the reader's language too


def test_a_french_users_queued_job_is_emailed_in_french_by_an_english_worker(
    cli,
    db,
    write_csv,
    smtp,  # noqa: F811
    no_language,
):
    path = write_csv(ROWS, name="clients.csv")
    no_language.setenv("CUSTBOOK_LANG", "en")
    assert cli("users", "list").code == 0  # alice, the first user of the store
    no_language.delenv("CUSTBOOK_LANG")
    Store(db).users.set_language("alice", "fr")  # chosen in the interface's command palette

    queued = cli("import", str(path), "--offline", "--email", "a@b.co")
    assert queued.code == 0, queued.err
    assert queued.out.startswith(f"Mis en file d'attente comme tâche hors ligne J1{NBSP}:"), queued.out
    assert get_job(Store(db), "J1", user=ADMIN).language == "fr"

    run = custbook(db, "jobs", "run", "--once", env={**smtp.env, "CUSTBOOK_LANG": "en"})
    assert run.code == 0, run.err
    assert run.out.strip() == (  # the worker's own log: its language
        "J1 clients.csv: imported as B1, 1 row failed: 3 rows: 2 new, 0 updated (0 fields erased), 0 unchanged, "
        "1 failed; e-mail sent."
    )
    (got,) = smtp.received
    _assert_french_results(got)

    # Its stored result is the submitter's; JSON keeps its keys and statuses.
    job = get_job(Store(db), "J1", user=ADMIN)
    assert job.mail_status == "sent" and job.result is not None and job.result["status"] == "committed"
    errors = job.result["errors"]
    assert isinstance(errors, list) and errors[0]["column"] == "EMAIL1"
    assert "adresse e-mail" in errors[0]["message"]


def test_a_job_queued_with_lang_fr_is_emailed_and_resent_in_french(cli, db, write_csv, smtp) -> None:  # noqa: F811
    path = write_csv(ROWS, name="clients.csv")
    assert cli("--lang", "fr", "import", str(path), "--offline", "--email", "a@b.co").code == 0
    run = custbook(db, "jobs", "run", "--once", env=smtp.env)  # the suite's CUSTBOOK_LANG=en
    assert run.code == 0, run.err
    assert run.out.strip().endswith("; e-mail sent.")
    resent = custbook(db, "jobs", "resend", "J1", env=smtp.env)
    assert resent.code == 0, resent.err
    assert resent.out.strip() == "E-mailed the results of J1 to a@b.co."  # the command's own words: English
    first, again = smtp.received
    _assert_french_results(first)
    _assert_french_results(again)
    shown = custbook(db, "--lang", "fr", "jobs", "show", "J1")
    assert shown.code == 0, shown.err
    assert f"Tâche J1{NBSP}: terminée" in shown.out  # the state in words, as the interface says it (JSON keeps "done")
    assert f"E-mail à a@b.co (un seul message){NBSP}: envoyé" in shown.out
    assert "Résultat : importé dans le lot B1, 1 ligne en échec. 3 lignes : 2 nouveaux" in _plain(shown.out)


def test_an_english_job_stays_english_when_a_french_worker_runs_it(cli, db, write_csv, smtp) -> None:  # noqa: F811
    path = write_csv(ROWS, name="clients.csv")
    assert cli("import", str(path), "--offline", "--email", "a@b.co").code == 0
    run = custbook(db, "jobs", "run", "--once", env={**smtp.env, "CUSTBOOK_LANG": "fr"})
    assert run.code == 0, run.err
    assert _plain(run.out.strip()) == (
        "J1 clients.csv : importé dans le lot B1, 1 ligne en échec : 3 lignes : 2 nouveaux, 0 mis à jour "
        "(0 champ effacé), 0 inchangé, 1 en échec ; e-mail envoyé."
    )
    (got,) = smtp.received
    assert got.message["Subject"] == "custbook import of clients.csv: imported as B1, 1 row failed"
    assert "Row 3, Email ('bob@'): 'bob@' is not an e-mail address." in got.text


def test_a_message_composed_in_french() -> None:
    with using_language("fr"):
        msg = compose(SUMMARY, file_name="clients.csv", sender="custbook@example.com", to=["a@b.co"],
                      failed_csv=None, names={"EMAIL1": "Adresse e-mail"})  # fmt: skip
    assert msg["Subject"] == f"Importation custbook de clients.csv{NBSP}: importé dans le lot B7, 1 ligne en échec"
    body = msg.get_content()
    assert f"L'importation de clients.csv{NBSP}: importé dans le lot B7, 1 ligne en échec." in body
    assert "3 lignes : 1 nouveau, 1 mis à jour (2 champs effacés), 0 inchangé, 1 en échec." in _plain(body)
    assert "Les modifications ont été enregistrées dans le lot B7." in body
    assert body.endswith("-- custbook\n")
