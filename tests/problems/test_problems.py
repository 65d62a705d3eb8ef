"""GUP problem reports: the rules (routing, statuses, masking, nearby duplicates, common areas without a point) and
the store (filed with its e-mail in one transaction, followed to the end, the reporter told then forgotten)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from geo.db.schema import problem
from geo.directory.permissions import AccessDenied
from geo.errors import InputError
from geo.limits import RateLimit, Sender, TooMany
from geo.mail.outbox import Outbox
from geo.mail.rules import Reason
from geo.planning.tables import problems_table, resolution_table
from geo.problems import rules as problem_rules
from geo.problems.contacts import load_panel
from geo.problems.rules import (
    TRIAGE,
    Spot,
    Status,
    check_transition,
    counts_by_month,
    is_public,
    is_stale,
    masked,
    median_days_to_resolution,
    metres_between,
    nearby,
    partners,
    problem_number,
    shows_point,
)
from geo.problems.store import Problems, UnknownProblem
from geo.services import problems_of
from tests.db.test_store import open_directory
from tests.mail.test_outbox import ADMIN, with_roles
from tests.problems.test_photos import phone_photo

GRAZAILLES = (2.356639, 43.22668)  # inside QP011006, where the Régie's médiateurs work
BASTIDE = (2.351201, 43.213257)  # inside QP011004, where they do not
OUT_OF_QUARTIERS = (2.3530, 43.2050)  # Carcassonne, outside every quartier prioritaire
TOULOUSE = (1.4442, 43.6047)
COVALDEM, REGIE = "covaldem@exemple.fr", "regie@exemple.fr"


@pytest.fixture
def problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Problems:
    monkeypatch.delenv("GUP_SMTP_URL", raising=False)
    monkeypatch.setenv("GUP_NOW", "2026-12-08T10:00")
    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    with_roles(url)
    found = problems_of(open_directory(url))
    found.set_partner_address(ADMIN, "covaldem", COVALDEM, source="courriel de COVALDEM du 3 décembre")
    found.set_partner_address(ADMIN, "regie-quartier", REGIE, source="appel à la Régie du 4 décembre")
    return found


@pytest.fixture(scope="module")
def panel_and_dataset():  # type: ignore[no-untyped-def]
    directory = open_directory("sqlite://")
    dataset = directory.dataset()
    return load_panel(directory.data_dir, dataset), dataset


@pytest.mark.parametrize(("key", "quartier", "expected"), [
    ("encombrants", "QP011006", ("covaldem", "regie-quartier")),
    ("encombrants", "QP011004", ("covaldem",)),  # the Régie does not work in Bastide-Pont-Vieux
    ("encombrants", None, ("covaldem",)),
    ("eclairage-public", "QP011006", ("numero-vert",)),
    ("parties-communes", "QP011002", (TRIAGE,)),  # which bailleur owns the building is not known here
    ("abords-immeubles", "QP011002", (TRIAGE, "numero-vert")),
    ("idee-quartier", "QP011005", ("numero-vert",)),  # the conseil citoyen is no one to send a problem to
])
def test_a_category_goes_to_whoever_fixes_it_there(panel_and_dataset, key, quartier, expected) -> None:  # type: ignore[no-untyped-def]
    panel, dataset = panel_and_dataset
    assert partners(panel, dataset, key, quartier) == expected


@pytest.mark.parametrize(("current", "wanted", "allowed"), [
    (Status.RECEIVED, Status.TRANSMITTED, True), (Status.TRANSMITTED, Status.IN_PROGRESS, True),
    (Status.IN_PROGRESS, Status.RESOLVED, True), (Status.RESOLVED, Status.IN_PROGRESS, True),
    (Status.TRANSMITTED, Status.RECEIVED, False), (Status.RESOLVED, Status.DECLINED, False),
    (Status.IN_PROGRESS, Status.TRANSMITTED, False),
])
def test_the_statuses_follow_each_other(current: Status, wanted: Status, allowed: bool) -> None:
    if allowed:
        check_transition(current, wanted, "")
    else:
        with pytest.raises(InputError, match="ne peut pas passer"):
            check_transition(current, wanted, "")


def test_declining_says_why_in_public() -> None:
    with pytest.raises(InputError, match="note publique"):
        check_transition(Status.RECEIVED, Status.DECLINED, " ")
    check_transition(Status.RECEIVED, Status.DECLINED, "Terrain privé : voir le bailleur.")


@pytest.mark.parametrize(("typed", "public"), [
    ("Appelez-moi au 06 12 34 56 78.", "Appelez-moi au [numéro masqué]."),
    ("mon fixe 04.68.11.22.33, ou +33 6 12 34 56 78", "mon fixe [numéro masqué], ou [numéro masqué]"),
    ("écrire à jean.dupont+gup@exemple.fr svp", "écrire à [adresse masquée] svp"),
    ("Le bac n° 12 du 3 rue X, depuis 2026", "Le bac n° 12 du 3 rue X, depuis 2026"),
    ("tél. 06/12/34/56/78", "tél. [numéro masqué]"),
    ("tél. 06  12 34 56 78", "tél. [numéro masqué]"),
    ("tél. +33 (0)6 12 34 56 78", "tél. [numéro masqué]"),
    ("tél. 0033 6 12 34 56 78", "tél. [numéro masqué]"),
    ("tél. 06-12-34-56-78", "tél. [numéro masqué]"),
    ("tél. (06) 12 34 56 78", "tél. [numéro masqué]"),
    ("tél. ０６ １２ ３４ ５６ ７８", "tél. [numéro masqué]"),  # full-width digits
    ("tél. 06\u200b12\u200b34\u200b56\u200b78", "tél. [numéro masqué]"),  # zero-width spaces
    ("tél. 0\u20606 12 34 56 7\u00ad8", "tél. [numéro masqué]"),  # word joiner, soft hyphen
    ("écrire à jean.dupont @ gmail.com", "écrire à [adresse masquée]"),
    ("écrire à jean.dupont(at)gmail.com", "écrire à [adresse masquée]"),
    ("écrire à jean.dupont [at] gmail [dot] com", "écrire à [adresse masquée]"),
    ("écrire à jean.dupont＠gmail.com", "écrire à [adresse masquée]"),
    ("écrire à jean\u200b.dupont@gmail\u200b.com", "écrire à [adresse masquée]"),
    ("3 sacs le 12/10 vers 10 h, 25 m du n° 4", "3 sacs le 12/10 vers 10 h, 25 m du n° 4"),
])
def test_phones_and_addresses_typed_in_a_description_are_masked(typed: str, public: str) -> None:
    assert masked(typed) == public


def test_nearby_means_the_same_category_still_open_within_fifty_metres() -> None:
    here = GRAZAILLES
    north_40 = (here[0], here[1] + 40 / 111_195)
    north_60 = (here[0], here[1] + 60 / 111_195)
    assert metres_between(here, north_40) == pytest.approx(40, abs=0.5)
    spots = [Spot(1, "encombrants", north_60, Status.RECEIVED), Spot(2, "encombrants", north_40, Status.TRANSMITTED),
             Spot(3, "tags", here, Status.RECEIVED), Spot(4, "encombrants", here, Status.RESOLVED),
             Spot(5, "encombrants", here, Status.IN_PROGRESS)]
    assert [s.id for s in nearby(spots, "encombrants", here)] == [5, 2]


def test_common_areas_are_shown_by_their_quartier_only() -> None:
    assert not shows_point("parties-communes") and shows_point("encombrants")


def test_a_report_whose_point_is_not_public_is_never_proposed_nearby(problems: Problems) -> None:
    """Proposing it, or naming its number, would let anyone walk the map until it answers: an oracle."""
    hidden = problems.file("parties-communes", *GRAZAILLES, "Porte du hall cassée")
    assert nearby([Spot(hidden.id, "parties-communes", GRAZAILLES, Status.RECEIVED)], "parties-communes",
                  GRAZAILLES) == []
    assert problems.nearby("parties-communes", *GRAZAILLES) == []


@pytest.mark.parametrize(("text", "number"), [
    ("12", 12), ("0012", 12), ("2147483647", 2147483647), ("2147483648", None), ("99999999999999999999", None),
    ("²", None), ("١٢", None), ("-1", None), ("1.0", None), ("", None), (" 12", None), ("12\n", None)])
def test_a_report_number_is_ascii_digits_within_the_database_s_integers(text: str, number: int | None) -> None:
    assert problem_number(text) == number


def test_every_field_has_its_limit_said_with_the_field(problems: Problems) -> None:
    with pytest.raises(InputError, match=r"Adresse : 200 caractères au plus \(1000000 reçus\)"):
        problems.file("tags", *GRAZAILLES, "", address="x" * 1_000_000)
    with pytest.raises(InputError, match=r"Adresse : 200 caractères au plus"):
        problems.place(address="x" * 201, search=lambda: pytest.fail("a book is never sent to the address search"))
    with pytest.raises(InputError, match=r"Adresse électronique : 254 caractères au plus \(10005 reçus\)"):
        problems.file("tags", *GRAZAILLES, "", email="a" * 10_000 + "@x.fr")
    with pytest.raises(InputError, match=r"Adresse électronique invalide : « jean\\ndupont@x.fr »"):
        problems.file("tags", *GRAZAILLES, "", email="jean\ndupont@x.fr")
    with pytest.raises(InputError, match=r"Quartier inconnu : « QP999999 » \(quartiers : QP011002, QP011003"):
        problems.place(quartier="QP999999")
    assert problems.public() == []  # nothing was filed


def test_me_too_counts_once_per_address_and_session_within_the_limit(problems: Problems,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(problem_rules, "PROBLEMS_PER_ADDRESS", RateLimit(limit=5))
    monkeypatch.setattr(problem_rules, "SUPPORTED", RateLimit(limit=1, window=3600))
    first = problems.file("encombrants", *GRAZAILLES, "")
    neighbour = Sender("127.0.0.2", session="a1")
    assert problems.me_too(first.id, sender=neighbour).counted
    again = problems.me_too(first.id, sender=neighbour)
    assert not again.counted and again.problem.supporters == 2
    assert not problems.me_too(first.id, sender=Sender("127.0.0.9", session="a1")).counted  # same session
    assert problems.me_too(first.id, sender=Sender("127.0.0.3")).problem.supporters == 3
    for _ in range(2):
        problems.me_too(first.id, sender=neighbour)
    with pytest.raises(TooMany, match="réessayez dans une heure") as refused:
        problems.me_too(first.id, sender=neighbour)
    assert refused.value.retry_after == 3600
    assert problems.shown(first.id).supporters == 3


def test_hidden_and_missing_reports_answer_the_same(problems: Problems) -> None:
    first = problems.file("encombrants", *GRAZAILLES, "")
    problems.hide(ADMIN, first.id, reason="doublon")
    for number in (first.id, first.id + 100):
        with pytest.raises(UnknownProblem, match=f"Signalement inconnu : n° {number}.$"):
            problems.me_too(number, sender=Sender("127.0.0.2"))


def test_what_stays_public_and_what_is_stale() -> None:
    today = date(2026, 12, 8)
    assert is_public(Status.IN_PROGRESS, None, False, today)
    assert is_public(Status.RESOLVED, today - timedelta(days=90), False, today)
    assert not is_public(Status.RESOLVED, today - timedelta(days=91), False, today)
    assert not is_public(Status.RECEIVED, None, True, today)
    moment = datetime(2026, 12, 8, 10, 0)
    assert is_stale(Status.TRANSMITTED, moment - timedelta(days=15), moment)
    assert not is_stale(Status.TRANSMITTED, moment - timedelta(days=14), moment)
    assert not is_stale(Status.IN_PROGRESS, moment - timedelta(days=40), moment)


def test_a_report_is_routed_sent_and_transmitted_in_one_go(problems: Problems) -> None:
    filed = problems.file("encombrants", *GRAZAILLES, "Matelas et frigo devant le bâtiment C.",
                          email="Habitante@Exemple.fr")
    assert filed.status is Status.TRANSMITTED and filed.quartier == "QP011006"
    assert filed.partners == ("covaldem", "regie-quartier")
    mails = {(e.recipient, e.reason) for e in Outbox(problems.store).entries()}
    assert {(COVALDEM, "probleme"), (REGIE, "probleme"), (ADMIN, "probleme")} <= mails
    assert "habitante@exemple.fr" not in {r for r, _ in mails}  # the reporter is told of changes, not of filing
    events = problems.events(filed.id)
    assert [(e.status, e.author) for e in events] == [(Status.RECEIVED, "habitant"), (Status.TRANSMITTED, "service")]
    assert "COVALDEM 11 (déchets), Médiateurs de la Régie de quartiers" in events[1].note


def test_a_point_outside_the_commune_is_refused_and_a_bailleur_goes_to_triage(problems: Problems) -> None:
    with pytest.raises(InputError, match="hors de Carcassonne"):
        problems.file("tags", *TOULOUSE, "")
    common = problems.file("parties-communes", *OUT_OF_QUARTIERS, "Hall sale, appeler le 06 11 22 33 44")
    assert common.status is Status.RECEIVED and common.partners == (TRIAGE,) and common.quartier is None
    assert common.public_point is None and common.public_description == "Hall sale, appeler le [numéro masqué]"
    coordination = [e for e in Outbox(problems.store).entries() if e.recipient == ADMIN and "Problème" in e.subject]
    assert len(coordination) == 1


def test_followed_to_the_end_the_reporter_is_told_then_forgotten(problems: Problems,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    filed = problems.file("eclairage-public", *BASTIDE, "Lampadaire éteint", email="habitante@exemple.fr")
    with pytest.raises(AccessDenied, match="Accès non attribué"):
        problems.advance("inconnu@exemple.fr", filed.id, Status.IN_PROGRESS)
    problems.advance(ADMIN, filed.id, Status.IN_PROGRESS, note="Intervention prévue jeudi.")
    done = problems.advance(ADMIN, filed.id, Status.RESOLVED, note="Ampoule changée.")
    told = [e for e in Outbox(problems.store).entries() if e.recipient == "habitante@exemple.fr"]
    assert [e.subject for e in told[::-1]] == [f"Votre signalement n° {filed.id} : en cours",
                                             f"Votre signalement n° {filed.id} : résolu"]
    assert done.closed_at is not None and [e.author for e in problems.events(filed.id)][-1] == "coordination GUP"
    assert problems.events(filed.id, public_only=False)[-1].author == ADMIN

    def stored_address() -> str | None:
        with problems.store.reading() as conn:
            return conn.execute(select(problem.c.reporter_email).where(problem.c.id == filed.id)).scalar_one()

    monkeypatch.setenv("GUP_NOW", "2027-01-06T10:00")  # 29 days after closing
    problems.daily()
    assert stored_address() == "habitante@exemple.fr"
    monkeypatch.setenv("GUP_NOW", "2027-01-07T10:01")
    problems.daily()
    assert stored_address() is None


def test_me_too_nearby_hidden_and_without_news(problems: Problems, monkeypatch: pytest.MonkeyPatch) -> None:
    first = problems.file("encombrants", *GRAZAILLES, "")
    assert [p.id for p in problems.nearby("encombrants", GRAZAILLES[0], GRAZAILLES[1] + 30 / 111_195)] == [first.id]
    assert problems.me_too(first.id).problem.supporters == 2
    problems.hide(ADMIN, first.id, reason="doublon malveillant")
    assert problems.public() == [] and problems.nearby("encombrants", *GRAZAILLES) == []
    with pytest.raises(InputError, match="Signalement inconnu"):
        problems.shown(first.id)
    assert problems.events(first.id, public_only=False)[-1].note == "masqué : doublon malveillant"

    second = problems.file("conteneurs", *BASTIDE, "")
    monkeypatch.setenv("GUP_NOW", "2026-12-23T10:00")  # 15 days « transmis » without news
    assert problems.daily() == 1 and problems.daily() == 0
    flagged = [e for e in Outbox(problems.store).entries() if e.subject.startswith("Sans nouvelles")]
    assert [(e.recipient, e.reason) for e in flagged] == [(ADMIN, Reason.PROBLEM.value)]
    assert str(second.id) in flagged[0].subject


def test_the_committee_counts_per_quartier_theme_and_month_and_the_partners_median(
        problems: Problems, monkeypatch: pytest.MonkeyPatch) -> None:
    first = problems.file("encombrants", *GRAZAILLES, "")
    problems.file("conteneurs", *GRAZAILLES, "")
    problems.file("tags", *BASTIDE, "")
    hidden = problems.file("tags", *BASTIDE, "")
    problems.hide(ADMIN, hidden.id, reason="doublon")
    monkeypatch.setenv("GUP_NOW", "2027-01-05T10:00")
    late = problems.file("encombrants", *GRAZAILLES, "")
    problems.advance(ADMIN, first.id, Status.RESOLVED, note="Collecté.")  # 28 days after
    monkeypatch.setenv("GUP_NOW", "2027-01-07T10:00")
    problems.advance(ADMIN, late.id, Status.RESOLVED, note="Collecté.")  # 2 days after
    items = problems.committee()
    assert counts_by_month(items) == {
        ("QP011006", "Propreté, abords des immeubles, parties communes, déchets", "2026-12"): 2,
        ("QP011004", "Tranquillité, sécurité et salubrité", "2026-12"): 1,
        ("QP011006", "Propreté, abords des immeubles, parties communes, déchets", "2027-01"): 1}
    assert median_days_to_resolution(items) == {"covaldem": (15.0, 2), "regie-quartier": (15.0, 2)}
    assert len(problems.committee(quartier="QP011004")) == 1
    assert len(problems.committee(since=date(2027, 1, 1))) == 1
    table = problems_table(items, {"QP011006": "Grazailles", "QP011004": "Bastide-Pont-Vieux"})
    assert table.iloc[0].tolist() == ["Grazailles", "Propreté, abords des immeubles, parties communes, déchets",
                                      "2027-01", 1]
    medians = resolution_table(items, {"covaldem": "COVALDEM 11 (déchets)"})
    assert medians.iloc[0].tolist() == ["COVALDEM 11 (déchets)", 15.0, 2]


def test_a_walk_is_filed_by_a_signed_in_editor_who_is_named_in_the_history(problems: Problems) -> None:
    with pytest.raises(AccessDenied, match="Accès non attribué"):
        problems.walked("passant@exemple.fr", "tags", *BASTIDE, "")
    first = problems.walked(ADMIN, "tags", *BASTIDE, "Tag sur le transformateur")
    second = problems.walked(ADMIN, "eclairage-public", *GRAZAILLES, "Lampadaire éteint", photo=phone_photo())
    assert first.precise and second.photo.value == "privee"
    assert problems.events(first.id, public_only=False)[0].author == ADMIN
    assert problems.events(first.id)[0].author == "coordination GUP"  # the public reads a role, not a person


def test_the_coordination_lists_and_moves_problems_from_the_command_line(
        problems: Problems, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`problems` and `problem-status`, in-process: the same rules, history and e-mails as /gerer, and never the
    reporter's address."""
    import json

    from geo.cli.main import main

    monkeypatch.setenv("GUP_DATABASE_URL", str(problems.store.url))
    first = problems.file("encombrants", *GRAZAILLES, "Matelas, appelez le 06 12 34 56 78", email="moi@exemple.fr")
    second = problems.file("tags", *BASTIDE, "Tag")
    capsys.readouterr()
    assert main(["problems", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["id"], p["statut"]) for p in listed] == [(first.id, "transmis"), (second.id, "recu")]
    assert listed[0]["description"] == "Matelas, appelez le [numéro masqué]" and "moi@exemple.fr" not in str(listed)
    assert main(["problem-status", str(first.id), "resolu", "--by", "Nadia (coordination)", "--note", "Enlevé"]) == 0
    assert "« résolu »" in capsys.readouterr().err
    assert problems.events(first.id, public_only=False)[-1].author == "Nadia (coordination)"
    told = [e for e in Outbox(problems.store).entries() if e.recipient == "moi@exemple.fr"]
    assert len(told) == 1 and "résolu" in told[0].subject
    assert main(["problems", "--statut", "recu", "en_cours"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith(f"n° {second.id} [recu] Tags") and "1 signalement(s)." in out.err
    assert main(["problem-status", str(second.id), "non_retenu", "--by", "Nadia"]) == 2
    assert "« Non retenu » demande une note publique" in capsys.readouterr().err
    for number in ("99999999999999999999", "²"):
        with pytest.raises(SystemExit):
            main(["problem-status", number, "resolu", "--by", "Nadia"])
    assert main(["problem-status", "999", "resolu", "--by", "Nadia"]) == 2
    assert "Signalement inconnu : n° 999" in capsys.readouterr().err


def test_the_list_and_the_single_page_follow_one_rule_for_old_closed_reports(problems: Problems,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    first = problems.file("tags", *BASTIDE, "Tag")
    problems.advance(ADMIN, first.id, Status.RESOLVED, note="Effacé")
    monkeypatch.setenv("GUP_NOW", "2027-03-07T10:00")  # 89 days after closing
    assert [p.id for p in problems.public()] == [first.id] and problems.shown(first.id).id == first.id
    monkeypatch.setenv("GUP_NOW", "2027-03-09T10:00")  # 91 days
    assert problems.public() == []
    with pytest.raises(UnknownProblem):
        problems.shown(first.id)
