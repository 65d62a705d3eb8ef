"""What residents read: phones, presence, hours, and cards in which data can never become markup."""

from __future__ import annotations

import dataclasses

import pytest

from geo.i18n import using
from geo.render.present import answer_headline, distance_text, hours_text, presence_text, source_text, structure_card_html
from geo.territory.phone import phone_display, tel_href
from tests.conftest import CITE, TOULOUSE


def test_phone_forms():
    assert phone_display("+33468711432") == "04 68 71 14 32"
    assert tel_href("+33468711432") == "tel:+33468711432"


@pytest.mark.parametrize(("expression", "expected"), [
    ("Mo 14:00-17:30; Tu-Th 09:00-12:30,14:00-17:00",
     "lundi 14 h – 17 h 30 ; mardi – jeudi 9 h – 12 h 30, 14 h – 17 h"),
    ("Mo-Fr 08:30-12:00; PH off", "lundi – vendredi 8 h 30 – 12 h ; jours fériés fermé"),
    ("", ""),
])
def test_hours_in_plain_french(expression, expected):
    assert hours_text(expression) == expected


def test_presence_says_how_and_when(dataset):
    assert presence_text(dataset.structure("mediaction")) == (
        "Présence en soirée et de nuit — Médiateurs en soirée et en début de nuit, du mardi au samedi.")
    assert presence_text(dataset.structure("regie-quartier")).startswith("Lieu d'accueil et présence dans la rue")


def test_source_dates_are_shown_the_french_way():
    assert source_text("ladepeche.fr, 2024-03-19") == "source : ladepeche.fr, 19/03/2024"


def test_card_of_a_structure_without_sourced_facts_says_so_and_gives_the_phone(dataset):
    html = structure_card_html(dataset.structure("cs-max-savy"), dataset.services)
    assert 'href="tel:+33468711432"' in html
    assert "adresse non communiquée, appelez le 04 68 71 14 32" in html
    assert "horaires non communiqués, appelez le 04 68 71 14 32" in html


def test_card_with_sourced_facts_shows_them_with_their_source(dataset):
    html = structure_card_html(dataset.structure("evs-bastide"), dataset.services)
    assert "39 et 43 rue Jules Sauzède, 11000 Carcassonne" in html and "19/03/2024" in html
    assert "lundi 14 h – 17 h 30" in html and "evs.bastide@carcassonne-agglo-solidarite.fr" in html


def test_card_escapes_every_data_text(dataset):
    evil = dataclasses.replace(dataset.structure("evs-bastide"), nom="<img src=x onerror=alert(1)>",
                               description="<script>alert(2)</script>", adresse='"><b>x</b>')
    html = structure_card_html(evil, dataset.services)
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_headlines(locator, dataset):
    assert answer_headline(locator.for_quartier("QP011004")) == "Vous êtes dans le quartier Bastide-Pont-Vieux."
    assert answer_headline(locator.locate(*CITE)).startswith("Vous êtes à Carcassonne, en dehors des quartiers prioritaires.")
    assert "hors de la commune de Carcassonne" in answer_headline(locator.locate(*TOULOUSE))


@pytest.mark.parametrize(("metres", "text"), [(57, "60 m"), (940, "940 m"), (1520, "1,5 km")])
def test_distances(metres, text):
    assert distance_text(metres) == text


def test_old_facts_are_flagged_to_check(dataset):
    from datetime import date

    from geo.render.present import is_stale

    evs = dataset.structure("evs-bastide")  # checked every 6 months, the default
    assert is_stale(evs, "echo-languedoc.fr, 2021-12-22", date(2026, 11, 22))
    assert not is_stale(evs, "ladepeche.fr, 2025-12-19", date(2026, 3, 1))  # within its 6 months
    assert is_stale(evs, "ladepeche.fr, 2025-08-31", date(2026, 3, 1))
    assert not is_stale(dataclasses.replace(evs, update_months=36), "ladepeche.fr, 2024-03-19", date(2026, 3, 1))
    assert not is_stale(evs, "brochure", date(2026, 11, 22))
    flag = '<strong class="gup-stale">à vérifier</strong>'  # beside a fact whose source is old
    html = structure_card_html(evs, dataset.services, today=date(2026, 1, 10))
    assert html.count(flag) == 3  # the 2021 hours and e-mail, the March 2024 address: all past the 6 months
    slow = structure_card_html(dataclasses.replace(evs, update_months=36), dataset.services, today=date(2026, 1, 10))
    assert slow.count(flag) == 2  # checked every 3 years: only the 2021 facts
    later = structure_card_html(dataset.structure("evs-bastide"), dataset.services, today=date(2026, 11, 22))
    assert later.count(flag) == 3
    fresh = structure_card_html(dataset.structure("evs-bastide"), dataset.services, today=date(2022, 1, 10))
    assert flag not in fresh  # within six months of the 2021 sources


def test_the_card_says_when_the_listing_was_checked(dataset):
    import dataclasses
    from datetime import date

    from geo.territory.fields import CHECKED_FACTS

    structure = dataset.structure("cs-max-savy")
    never = structure_card_html(structure, dataset.services, today=date(2026, 3, 10))
    assert "à vérifier : informations de la brochure, pas encore confirmées par la structure" in never
    checked = dataclasses.replace(structure, checked=dict.fromkeys(CHECKED_FACTS, date(2026, 3, 3)))
    assert '<p class="gup-checked">vérifié le 3 mars 2026</p>' in structure_card_html(
        checked, dataset.services, today=date(2026, 9, 3))
    overdue = structure_card_html(checked, dataset.services, today=date(2026, 9, 4))
    assert '<p class="gup-checked gup-stale">à vérifier : dernière vérification le 3 mars 2026</p>' in overdue


def test_a_notice_in_force_shows_on_the_card_as_text(dataset):
    import dataclasses
    from datetime import date, datetime

    from geo.territory.hours import PARIS
    from geo.territory.notices import Notice, NoticeKind

    closure = Notice(1, "cs-max-savy", NoticeKind.FERMETURE, date(2026, 12, 24), date(2027, 1, 2),
                     message="<b>Fêtes</b>")
    structure = dataclasses.replace(dataset.structure("cs-max-savy"), notices=(closure,))
    during = structure_card_html(structure, dataset.services, at=datetime(2026, 12, 26, 10, tzinfo=PARIS))
    assert ("Fermeture exceptionnelle du 24 décembre 2026 au 2 janvier 2027 — &lt;b&gt;Fêtes&lt;/b&gt;" in during)
    after = structure_card_html(structure, dataset.services, at=datetime(2027, 1, 3, 10, tzinfo=PARIS))
    assert "Fermeture exceptionnelle" not in after


def test_card_says_whether_open_now(dataset):
    from datetime import datetime

    from geo.territory.hours import availability

    mediaction = dataset.structure("mediaction")
    html = structure_card_html(mediaction, dataset.services,
                               availability=availability(mediaction, datetime.fromisoformat("2026-11-24T21:00")))
    assert 'class="gup-now gup-now-true"' in html and "médiateurs présents" in html


def test_contact_cards(dataset):
    from geo import config
    from geo.problems.cards import contact_card_html, emergency_html
    from geo.problems.contacts import load_panel
    from geo.problems.panel import emergency_contacts, shown_contact

    panel = load_panel(config.data_dir(), dataset)
    html = contact_card_html(shown_contact(panel.contacts["numero-vert"], dataset, "<b>why</b>"))
    assert 'href="tel:+33800666641"' in html and "(gratuit)" in html and "&lt;b&gt;why" in html
    assert 'href="sms:114"' in emergency_html(emergency_contacts(panel, dataset))


def test_the_spoken_answer_says_where_who_whether_open_and_the_number(dataset):
    from geo.render.present import spoken_answer
    from geo.territory.hours import Availability
    from geo.territory.locate import Locator

    answer = Locator(dataset).for_quartier("QP011006")
    max_savy = dataset.structure("cs-max-savy")
    text = spoken_answer(answer, [(max_savy, Availability(None, "horaires non communiqués"))])
    assert text == ("Vous êtes dans le quartier Grazailles. Centre social Max Savy. horaires non communiqués. "
                    "Téléphone : 04 68 71 14 32.")


def test_a_point_in_a_redrawn_quartier_is_warned_a_chosen_quartier_is_not(dataset):
    from geo.render.present import answer_html
    from geo.territory.locate import Locator

    locator = Locator(dataset)
    inside = dataset.territory.known_quartier("QP011006").geometry.representative_point()
    warned = answer_html(locator.locate(inside.x, inside.y))
    assert '<p class="gup-generation">' in warned and "redessiné en 2024 (QN01106M)" in warned
    assert "gup-generation" not in answer_html(locator.for_quartier("QP011006"))
    bastide = dataset.territory.known_quartier("QP011004").geometry.representative_point()
    assert "gup-generation" not in answer_html(locator.locate(bastide.x, bastide.y))  # unchanged in 2024
    with using("ar"):
        assert "QN01106M" in answer_html(locator.locate(inside.x, inside.y))
