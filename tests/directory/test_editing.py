"""Signed-in editing through the store, on SQLite and PostgreSQL: roles from the database, checked on every write."""

from __future__ import annotations

from datetime import date

import pytest

from geo.directory.editing import Editing
from geo.directory.permissions import AccessDenied
from geo.errors import DataError, InputError
from geo.services import MESSAGES
from tests.db.test_store import COMMITTED, open_directory, run_geo

ADMIN, EVS = "coordination@agglo.fr", "accueil@evs.fr"


@pytest.fixture
def editing(store_url: str) -> Editing:
    found = open_directory(store_url).editing(MESSAGES)
    found.add_role(ADMIN, structure=None, by="installation")
    found.add_role(EVS, structure="evs-bastide", by=ADMIN, as_editor=ADMIN)
    return found


@pytest.mark.slow
def test_roles_come_from_the_command_line_and_are_listed(store_url: str) -> None:
    assert run_geo(store_url, "add-editor", "Coordination@Agglo.fr", "--admin", "--by", "Installation").returncode == 0
    assert run_geo(store_url, "add-editor", EVS, "--structure", "evs-bastide", "--by", "Installation").returncode == 0
    bad = run_geo(store_url, "add-editor", EVS, "--structure", "nulle-part", "--by", "Installation")
    assert bad.returncode == 2 and "Structure inconnue : « nulle-part »" in bad.stderr
    listed = run_geo(store_url, "editors").stdout.splitlines()
    assert listed == [f"{EVS} : structure evs-bastide", f"{ADMIN} : admin (coordination)"]
    assert run_geo(store_url, "remove-editor", EVS, "--all", "--by", "Installation").stdout.startswith("1 rôle")
    assert run_geo(store_url, "editors").stdout.splitlines() == [f"{ADMIN} : admin (coordination)"]


def test_a_structure_editor_changes_their_contacts_and_nothing_else(editing: Editing) -> None:
    edited = editing.edit(EVS, "evs-bastide", {"telephone": "04 68 71 03 92"}, source="appel du 2 décembre")
    assert [c.field for c in edited.changes] == ["telephone"] and edited.proposals == []
    assert editing.store.history("evs-bastide")[-1].author == EVS
    for structure, field in (("cs-max-savy", "telephone"), ("evs-bastide", "nom")):
        with pytest.raises(AccessDenied):
            editing.edit(EVS, structure, {field: "x"}, source="essai")
    with pytest.raises(AccessDenied):
        editing.add_notice(EVS, "cs-max-savy", "fermeture", date(2026, 12, 24), date(2026, 12, 31), message="x")
    with pytest.raises(AccessDenied, match="Accès non attribué"):
        editing.edit("inconnu@example.org", "evs-bastide", {"telephone": "04 68 71 03 93"}, source="essai")


def test_an_editor_cannot_reach_another_structure_with_a_mixed_form(editing: Editing) -> None:
    with pytest.raises(AccessDenied):
        editing.edit(EVS, "cs-max-savy", {"telephone": "04 68 71 14 00", "quartiers": "QP011006"}, source="essai")
    assert editing.store.export_csv() == COMMITTED.read_text() and editing.proposals(ADMIN) == []


def test_a_stale_form_is_refused_and_says_who_changed_the_listing(editing: Editing) -> None:
    from geo.db.store import ConflictError

    seen = open_directory(editing.store.url.render_as_string(hide_password=False)).dataset().known_structure(
        "evs-bastide").version
    editing.edit(ADMIN, "evs-bastide", {"courriel": "accueil@evs.example.org"}, source="appel", expected_version=seen)
    with pytest.raises(ConflictError, match=f"modifiée entre-temps par {ADMIN} à "):
        editing.edit(EVS, "evs-bastide", {"telephone": "04 68 71 03 99"}, source="appel", expected_version=seen)


def test_a_role_removed_meanwhile_is_checked_at_the_write_itself(editing: Editing) -> None:
    editing.remove_role(EVS, structure="evs-bastide", by=ADMIN)
    with pytest.raises(AccessDenied):
        editing.confirm(EVS, "evs-bastide", ("telephone",))
    assert "vérifié, inchangé" not in [e.reason for e in editing.store.history("evs-bastide")]


def test_a_coverage_change_waits_for_an_admin(editing: Editing) -> None:
    edited = editing.edit(EVS, "evs-bastide", {"quartiers": "QP011004;QP011005", "telephone": "04 68 71 03 91"},
                          source="convention 2026")
    [proposed] = edited.proposals
    assert edited.changes == []  # the same phone number again: confirmed, not changed
    directory_text = editing.store.export_csv()
    assert directory_text == COMMITTED.read_text()  # nothing reached residents or planners yet
    assert [p.id for p in editing.proposals(ADMIN)] == [proposed.id] == [p.id for p in editing.proposals(EVS)]
    with pytest.raises(AccessDenied):
        editing.decide(EVS, proposed.id, approve=True)
    decided = editing.decide(ADMIN, proposed.id, approve=True, note="vu avec l'EVS")
    assert decided.status == "approuvee" and editing.proposals(ADMIN) == []
    assert "QP011004;QP011005" in editing.store.export_csv()
    last = editing.store.history("evs-bastide")[-1]
    assert (last.field, last.author, last.reason) == ("quartiers", f"{EVS}, approuvé par {ADMIN}",
                                                      f"proposition n° {proposed.id} approuvée")
    with pytest.raises(InputError, match="déjà traitée"):
        editing.decide(ADMIN, proposed.id, approve=False)


def test_a_form_is_all_or_nothing(editing: Editing) -> None:
    """A valid phone beside invalid quartiers: the form is refused whole, and the phone is not saved either."""
    before = editing.store.history("evs-bastide")
    with pytest.raises(DataError, match="code de quartier inconnu : QP000000"):
        editing.edit(EVS, "evs-bastide", {"telephone": "04 68 71 03 92", "quartiers": "QP000000"}, source="essai")
    assert editing.store.export_csv() == COMMITTED.read_text()
    assert editing.store.history("evs-bastide") == before and editing.proposals(ADMIN) == []


def test_an_old_proposal_cannot_undo_a_later_change(editing: Editing) -> None:
    """Approving a proposal made before an admin's change would silently revert it: refused, with who changed what;
    once re-based on the listing as it is, it can be approved."""
    from geo.directory.editing import StaleProposal

    [proposed] = editing.edit(EVS, "evs-bastide", {"quartiers": "QP011004;QP011005"}, source="convention").proposals
    editing.edit(ADMIN, "evs-bastide", {"quartiers": "QP011004;QP011006"}, source="comité du 3 décembre")
    assert editing.stale(proposed) is not None
    with pytest.raises(StaleProposal, match=(
            rf"La fiche « evs-bastide » a changé depuis la proposition n° {proposed.id} : quartiers par {ADMIN} \(.+\)\. "
            r"L'approuver défera ce changement : re-basez-la sur la fiche actuelle \(son « avant » deviendra "
            r"« QP011004;QP011006 »\), ou rejetez-la\.")):
        editing.decide(ADMIN, proposed.id, approve=True)
    assert "QP011004;QP011006" in editing.store.export_csv()  # the admin's change stands
    rebased = editing.rebase(ADMIN, proposed.id)
    assert (rebased.before, rebased.status) == ("QP011004;QP011006", "en_attente") and editing.stale(rebased) is None
    editing.decide(ADMIN, proposed.id, approve=True)
    assert "QP011004;QP011005" in editing.store.export_csv()
    with pytest.raises(AccessDenied):
        editing.rebase(EVS, proposed.id)


def test_a_rejected_proposal_changes_nothing_and_is_in_the_history(editing: Editing) -> None:
    [proposed] = editing.edit(EVS, "evs-bastide", {"toute_la_commune": "oui"}, source="souhait").proposals
    editing.decide(ADMIN, proposed.id, approve=False, note="hors convention")
    assert editing.store.export_csv() == COMMITTED.read_text()
    assert editing.store.history("evs-bastide")[-1].reason == f"proposition n° {proposed.id} rejetée"


def test_a_bad_proposal_is_refused_with_the_csv_words(editing: Editing) -> None:
    with pytest.raises(DataError, match="code de quartier inconnu : QP000000"):
        editing.edit(EVS, "evs-bastide", {"quartiers": "QP000000"}, source="essai")
    assert editing.proposals(ADMIN) == []


def test_a_report_reaches_the_right_queues_and_is_resolved(editing: Editing) -> None:
    filed = editing.file_report("evs-bastide", "numero_faux", "  Le numéro sonne occupé depuis une semaine.  ")
    other = editing.file_report("cs-max-savy", "autre", "")
    assert [r.id for r in editing.reports(ADMIN)] == [filed, other]
    assert [r.id for r in editing.reports(EVS)] == [filed]
    assert editing.open_reports() == {"evs-bastide": 1, "cs-max-savy": 1}
    with pytest.raises(AccessDenied):
        editing.handle_report(EVS, other, fixed=False, note="pas chez nous")
    done = editing.handle_report(EVS, filed, fixed=True, note="numéro corrigé")
    assert (done.status, done.handled_by, done.text) == ("corrige", EVS, "Le numéro sonne occupé depuis une semaine.")
    assert editing.reports(EVS) == [] and editing.open_reports() == {"cs-max-savy": 1}


def test_reports_refuse_unknown_reasons_and_long_texts(editing: Editing) -> None:
    with pytest.raises(InputError, match="Motif de signalement inconnu"):
        editing.file_report("evs-bastide", "spam", "")
    with pytest.raises(InputError, match="dépasse 500 caractères"):
        editing.file_report("evs-bastide", "autre", "x" * 501)
    assert editing.file_report("evs-bastide", "autre", "x" * 500)


def test_a_report_joins_a_queue_without_moving_the_directory(editing: Editing) -> None:
    """Open pages rerun when the revision moves: a report changes no fact, so a flood of them reruns nothing."""
    before = editing.store.revision()
    editing.file_report("evs-bastide", "numero_faux", "")
    assert editing.store.revision() == before
    assert len(editing.reports(ADMIN)) == 1


def test_a_formula_typed_in_a_form_is_refused_like_in_the_file(editing: Editing) -> None:
    from geo.errors import DataError

    with pytest.raises(DataError, match="colonne « description » : formule de tableur"):
        editing.edit(EVS, "evs-bastide", {"description": '=HYPERLINK("http://x","y")'}, source="essai")


def test_html_typed_in_a_form_shows_as_text_on_cards_and_in_open_data(store_url: str, editing: Editing) -> None:
    from geo.http.api import structure_record
    from geo.render.present import structure_card_html

    editing.edit(EVS, "evs-bastide", {"description": "<script>alert(1)</script>"}, source="essai")
    dataset = open_directory(store_url).dataset()
    card = structure_card_html(dataset.known_structure("evs-bastide"), dataset.services)
    assert "<script>" not in card and "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert structure_record(dataset.known_structure("evs-bastide"))["description"] == "<script>alert(1)</script>"


def test_secrets_are_never_committed() -> None:
    import subprocess

    from tests.conftest import PROJECT_ROOT

    ignored = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=PROJECT_ROOT)
    assert ignored.returncode == 0, ".streamlit/secrets.toml doit être ignoré par git"
    tracked = subprocess.run(["git", "ls-files", "--", "*secrets*.toml"], cwd=PROJECT_ROOT, capture_output=True,
                             text=True).stdout
    assert tracked == ""


def test_the_first_verified_sign_in_binds_the_role_to_the_provider_s_account(editing: Editing) -> None:
    from geo.directory.permissions import SignedIn

    provider = "https://identite.example"
    first = editing.identify(SignedIn(provider, "evs-42", EVS))
    assert first.structures == {"evs-bastide"} and first.email == EVS
    assert editing.store.history()[-1].reason == "première connexion : rôle lié au compte du fournisseur"
    # Another account showing the same e-mail (another provider, or one that lets users type it) gets nothing.
    for other in (SignedIn(provider, "intrus", EVS), SignedIn("https://autre.example", "evs-42", EVS)):
        assert not editing.identify(other).has_role
    # The bound account keeps its role when its e-mail changes at the provider, or is not sent verified.
    for same in (SignedIn(provider, "evs-42", "nouvelle@evs.fr"), SignedIn(provider, "evs-42", None)):
        again = editing.identify(same)
        assert again.structures == {"evs-bastide"} and again.email == EVS


def test_an_unverified_email_gets_no_role_even_when_one_is_waiting(editing: Editing) -> None:
    from geo.directory.permissions import SignedIn, signed_in

    claims = {"iss": "https://identite.example", "sub": "x", "email": EVS, "email_verified": False}
    person = signed_in(claims, provider_verifies_email=True)
    assert person == SignedIn("https://identite.example", "x", None) and not editing.identify(person).has_role
    assert editing.identify(SignedIn("https://identite.example", "y", EVS)).has_role  # the role was there
