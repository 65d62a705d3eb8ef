"""Languages: complete catalogs, per-locale formatting, right to left, and French wherever nobody chose."""

from __future__ import annotations

import os
import re
from datetime import time

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from geo import config, i18n
from geo.i18n import LANGUAGES, SOURCE, _, catalog_path, using
from geo.render.present import answer_headline, answer_html, hours_text, structure_card_html, text_html
from geo.territory.locate import Locator
from tests.cli.test_cli import geo

TRANSLATED = [lang for lang in LANGUAGES if lang != SOURCE]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalog(lang: str):
    with catalog_path(lang, "po").open("rb") as handle:
        return read_po(handle, locale=lang)


def source_messages() -> set[str | tuple[str, ...]]:
    """What the code and the data ask to be translated today, extracted as `make translations` does."""
    with (config.PROJECT_ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(config.PROJECT_ROOT, method_map, options_map):
        found.add(message)
    return found


def key(value: str | list | tuple) -> str | tuple:
    return value if isinstance(value, str) else tuple(value)


@pytest.fixture(autouse=True)
def french_afterwards():
    yield
    i18n.activate(SOURCE)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_has_no_untranslated_or_fuzzy_entry(lang):
    entries = [m for m in catalog(lang) if m.id]
    untranslated = [m.id for m in entries if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_text_of_the_code_and_the_data_is_in_the_catalog(lang):
    """A new sentence in a page, or a new line in structures.csv, fails here until it is translated."""
    known = {m.id for m in catalog(lang) if m.id}
    assert sorted(map(str, source_messages() - known)) == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_their_placeholders(lang):
    """'{telephone}' translated as '{téléphone}' would crash the page; Arabic plurals may drop the number."""
    for message in catalog(lang):
        if not message.id:
            continue
        expected = set(PLACEHOLDER.findall("".join(message.id if isinstance(message.id, tuple) else [message.id])))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= expected, (message.id, text)
        if not isinstance(message.id, tuple):
            assert set(PLACEHOLDER.findall(message.string)) == expected, (message.id, message.string)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_compiled_catalog_matches_its_source(lang):
    """The set-up compiles the .po files; a stale .mo would show yesterday's words."""
    def entries(messages) -> dict:
        return {key(m.id): key(m.string) for m in messages if m.id}

    with catalog_path(lang).open("rb") as handle:
        assert entries(read_mo(handle)) == entries(catalog(lang))


def test_arabic_catalog_has_its_six_plural_forms():
    assert catalog("ar").num_plurals == 6


@pytest.mark.parametrize(("value", "expected"), [
    ("ar", "ar"), ("AR", "ar"), ("en-GB", "en"), ("es_ES", "es"), ("de", "fr"), ("", "fr"), (None, "fr"),
    ("<script>", "fr"),
])
def test_lang_parameter_is_read_leniently(value, expected):
    assert i18n.parse_language(value) == expected


def test_only_arabic_is_right_to_left():
    assert [lang for lang in LANGUAGES if i18n.direction(lang) == "rtl"] == ["ar"]


@pytest.mark.parametrize(("lang", "clock", "number", "monday"), [
    ("fr", "17 h 30", "12\u202f345", "lundi"),
    ("ar", "17:30", "12.345", "الاثنين"),  # Moroccan Arabic: Latin digits, as on phone numbers
    ("en", "17:30", "12,345", "Monday"),
    ("es", "17:30", "12.345", "lunes"),
])
def test_numbers_times_and_days_follow_the_locale(lang, clock, number, monday):
    i18n.activate(lang)
    assert i18n.clock(time(17, 30)) == clock
    assert i18n.number(12345) == number
    assert i18n.day_names()[0] == monday


def test_opening_hours_are_read_out_in_the_residents_language():
    i18n.activate("es")
    assert hours_text("Mo 14:00-17:30; PH off") == "lunes 14:00 – 17:30; festivos cerrado"
    i18n.activate("ar")
    assert hours_text("Mo 14:00-17:30") == "الاثنين 14:00 – 17:30"


def test_an_answer_in_arabic_keeps_names_and_numbers(dataset):
    answer = Locator(dataset).for_quartier("QP011006")
    i18n.activate("ar")
    assert answer_headline(answer) == "أنت في حيّ Grazailles."
    region = answer_html(answer)
    assert 'role="status"' in region and '<bdi dir="ltr">4</bdi> جهات يمكنها مساعدتك' in region
    card = structure_card_html(dataset.structure("cs-max-savy"), dataset.services)
    assert "Centre social Max Savy" in card and "04 68 71 14 32" in card  # names and numbers stay as they are
    # Latin names and numbers are isolated, so that they keep their order inside the Arabic sentence.
    assert 'اتصل بـ <bdi dir="ltr">Centre social Max Savy</bdi>' in card
    assert 'مركز اجتماعي في <bdi dir="ltr">Grazailles</bdi>' in card and '<bdi dir="ltr">04 68 71 14 32</bdi>' in card


def test_data_texts_are_translated_but_names_are_not(dataset):
    i18n.activate("en")
    assert [_(s.label) for s in dataset.services][:2] == ["Welcome", "Mediation – settling disputes"]
    assert _("Centre social Max Savy") == "Centre social Max Savy"


def test_files_for_everybody_stay_french_whatever_the_page_language(dataset):
    i18n.activate("ar")
    with using(SOURCE):
        assert _("Votre quartier") == "Votre quartier"
    assert _("Votre quartier") == "حيّك"


@pytest.mark.slow
def test_the_command_line_speaks_french_whatever_the_system_language(dataset):
    """Partners script the CLI: its texts do not depend on the machine's locale."""
    inside = dataset.territory.quartier("QP011006").geometry.representative_point()
    result = geo("locate", "--lon", str(inside.x), "--lat", str(inside.y),
                 env={**os.environ, "LANG": "ar_MA.UTF-8", "LANGUAGE": "ar"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Vous êtes dans le quartier Grazailles.")


def test_isolated_runs_on_a_right_to_left_page_stay_escaped():
    i18n.activate("ar")
    out = text_html("اتصل <img src=x onerror=alert(1)> & 04 68 71 14 32")
    assert "<img" not in out and "&lt;" in out and "&amp;" in out
    assert '<bdi dir="ltr">04 68 71 14 32</bdi>' in out
    i18n.activate("fr")
    assert text_html("a <b> 04") == "a &lt;b&gt; 04"  # left to right: plain escaping, nothing added


def test_no_message_hides_inside_an_f_string():
    """Babel cannot extract `_("…")` written inside an f-string: such a text would silently stay French."""
    hidden = []
    for path in [config.PROJECT_ROOT / "app.py", *(config.PROJECT_ROOT / "ui").rglob("*.py"),
                 *(config.PROJECT_ROOT / "geo").rglob("*.py")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"""\bf(["']).*\{[^}]*\b_\(\s*["']""", line):
                hidden.append(f"{path.name}:{number}: {line.strip()}")
    assert hidden == []
