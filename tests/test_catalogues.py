"""The interface text: gettext catalogues that are complete, consistent and well punctuated."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st
from jinja2.ext import babel_extract

from reader.i18n import SUPPORTED, Labels, catalogue_path, translations
from reader.reading import SIZES, THEMES

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# ASCII punctuation touching a Han character: Chinese text takes the full-width forms.
HALF_WIDTH_IN_CHINESE = re.compile(
    r"[\u3400-\u9fff][,.:;?!()]|[,:;?!(][\u3400-\u9fff]|[\u3400-\u9fff] [:,;]"
)
# How Python code asks for a message: labels["x"], Labels(lang)["x"], labels.format("x", ...).
PYTHON_USE = re.compile(r"[Ll]abels(?:\([^()]*\))?(?:\[|\.format\(|\.get\()\s*\"([a-z_]+)\"")


def catalogue(lang: str) -> Catalog:
    with catalogue_path(lang).open("rb") as source:
        return read_po(source)


def ids(found: Catalog) -> set[str]:
    return {str(message.id) for message in found if message.id}


def used_in_templates() -> set[str]:
    used = set()
    for template in (ROOT / "templates").glob("*.html"):
        with template.open("rb") as source:
            for _, _, message, _ in babel_extract(source, ("_", "gettext"), [], {}):
                if isinstance(message, str):
                    used.add(message)
    return used


def used_in_python() -> set[str]:
    used = set()
    for module in [*(ROOT / "reader").rglob("*.py"), *(ROOT / "feeds").rglob("*.py")]:
        used |= set(PYTHON_USE.findall(module.read_text(encoding="utf-8")))
    # Messages named by a value: the reading settings' choices.
    return used | {f"size_{s}" for s in SIZES} | {f"theme_{t}" for t in THEMES}


def test_templates_and_code_ask_only_for_messages_the_catalogues_have() -> None:
    asked = used_in_templates() | used_in_python()
    assert len(used_in_templates()) > 30 and len(used_in_python()) > 10  # the scans find them
    missing = sorted(asked - ids(catalogue("en")))
    assert not missing, f"add these to {catalogue_path('en')}: {missing}"


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_catalogue_translates_every_message(lang: str) -> None:
    reference = {str(m.id): str(m.string) for m in catalogue("en") if m.id}
    found = catalogue(lang)
    assert not found.fuzzy
    translated = {str(m.id): m for m in found if m.id}
    assert sorted(set(reference) - set(translated)) == [], f"missing in {lang}"
    assert sorted(set(translated) - set(reference)) == [], "not in en, so never asked for"
    for key, message in translated.items():
        assert message.string, f"{lang}: {key} is not translated"
        assert not message.fuzzy, f"{lang}: {key} is marked fuzzy"
        assert set(PLACEHOLDER.findall(str(message.string))) == set(
            PLACEHOLDER.findall(reference[key])
        ), f"{lang}: {key} has other placeholders than the English"


@pytest.mark.parametrize("lang", [lang for lang in SUPPORTED if lang.startswith("zh")])
def test_chinese_messages_use_full_width_punctuation(lang: str) -> None:
    mixed = [
        (str(m.id), str(m.string))
        for m in catalogue(lang)
        if m.id and HALF_WIDTH_IN_CHINESE.search(str(m.string))
    ]
    assert not mixed


@pytest.mark.parametrize("lang", SUPPORTED)
def test_the_running_code_reads_what_the_catalogue_says(lang: str) -> None:
    """Compiled (.mo, made by make and the package build) or not, the messages are the .po's."""
    for message in catalogue(lang):
        if message.id:
            assert translations(lang).gettext(str(message.id)) == str(message.string)
            assert Labels(lang)[str(message.id)] == str(message.string)


def test_an_unknown_message_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError, match="add it to"):
        Labels("zh-Hant")["no_such_message"]


OFFSETS = (-600, -300, 330, 345, 480, 525, 840)
"""Zones of whole, half and quarter hours, either side of UTC."""


@given(
    st.sampled_from([*SUPPORTED, "ar", "fa", "bn", "mr", "my", "th", "ja", "hi"]),
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, *(timezone(timedelta(minutes=m)) for m in OFFSETS)]),
    ),
)
def test_a_date_and_time_are_written_as_babel_writes_them(lang: str, moment: datetime) -> None:
    """The time is written without Babel (two digits each, in every locale); the whole
    must be what Babel writes for the day and for its "HH:mm" pattern."""
    locale = Locale.parse(lang.replace("-", "_"))
    day = format_date(moment, "medium", locale=locale)
    clock = format_time(moment, "HH:mm", tzinfo=moment.tzinfo, locale=locale)
    assert Labels(lang).datetime(moment) == f"{day} {clock}"
