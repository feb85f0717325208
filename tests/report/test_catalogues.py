"""The gettext catalogues (templates/locale/): both languages translate every label, `make i18n` is up to date,
placeholders agree, and plural labels take the right form for 0, 1 and 2 in each language."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from ranking.report.i18n import LOCALES, Translator, catalogue_path

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def po(lang: str) -> Catalog:
    with catalogue_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def entries(lang: str) -> dict[str, tuple[str, ...]]:
    """key -> its forms (one for a label, two for a plural label)."""
    out = {}
    for m in po(lang):
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        out[key] = tuple(m.string) if isinstance(m.string, (list, tuple)) else (m.string,)
    return out


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_every_label_is_translated_and_none_is_fuzzy(lang: str) -> None:
    catalog = po(lang)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    empty = [k for k, forms in entries(lang).items() if not all(f.strip() for f in forms)]
    assert not fuzzy and not empty, (fuzzy, empty)
    assert len(entries(lang)) > 200


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_the_header_is_filled_in_and_keeps_gettext_s_plural_rule(lang: str) -> None:
    catalog = po(lang)
    header = {k: v for k, v in catalog.mime_headers}
    # pybabel's placeholders left in the header read as a catalogue nobody finished
    assert not [v for v in header.values() if re.search(r"EMAIL@ADDRESS|FULL NAME|YEAR-MO-DA|LL@li\.org", v)], header
    assert header["Language"] == lang and header["Project-Id-Version"].startswith("ranking ")
    assert catalog.num_plurals == 2  # the forms every plural label of both catalogues gives


def test_both_languages_have_the_same_labels_plurals_and_placeholders() -> None:
    fr, en = entries("fr"), entries("en")
    assert set(fr) == set(en), sorted(set(fr) ^ set(en))
    for key in fr:
        assert len(fr[key]) == len(en[key]), f"{key}: plural in one language only"
        # a singular form may leave the count out ("Le seul dirigeant…"), never another value
        assert {p for f in fr[key] for p in PLACEHOLDER.findall(f)} == {
            p for f in en[key] for p in PLACEHOLDER.findall(f)
        }, key


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_no_plural_by_hand_nor_a_placeholder_gettext_does_not_fill(lang: str) -> None:
    for key, forms in entries(lang).items():
        for form in forms:
            assert not re.search(r"[^\W\d_]\((s|e?s|x)\)", form), f"{lang} {key}: {form!r}: a plural label (tn) instead"
            assert not re.search(r"\{\w+\}", form), f"{lang} {key}: {form!r}: placeholders are %(name)s"
            # every % is a placeholder or a doubled %: the text formats without error
            assert (form % {p: "x" for p in PLACEHOLDER.findall(form)}).count("%") == form.count("%%"), key


@pytest.mark.parametrize(
    ("lang", "count", "form"),
    [("fr", 0, 0), ("fr", 1, 0), ("fr", 2, 1), ("en", 0, 1), ("en", 1, 0), ("en", 2, 1)],
)
def test_plural_labels_take_the_languages_form_for_0_1_2(lang: str, count: int, form: int) -> None:
    t = Translator(lang)
    plural = {k: forms for k, forms in entries(lang).items() if len(forms) == 2}
    assert len(plural) >= 10
    for key, forms in plural.items():
        expected = forms[form] % {p: t.number(count) if p == "n" else "V" for p in PLACEHOLDER.findall(forms[form])}
        assert t.plural(key, count, **{p: "V" for p in PLACEHOLDER.findall(" ".join(forms)) if p != "n"}) == expected
    words = {("fr", 0): "0 publication sans", ("fr", 2): "2 publications sans", ("en", 0): "0 posts without"}
    if (lang, count) in words:
        assert t.plural("quality.no_counts", count).startswith(words[lang, count])


def test_a_label_missing_is_an_error_not_its_key() -> None:
    t = Translator("en")
    with pytest.raises(KeyError):
        t("no.such.label")
    with pytest.raises(KeyError):
        t.plural("cover.period", 2)  # a label, not a plural label


def test_numbers_lose_pointless_decimals() -> None:
    fr, en = Translator("fr"), Translator("en")
    assert fr.number(601.0, 1) == "601" and fr.number(13.56, 1) == "13,6" and en.number(1200.5, 1) == "1,200.5"
    assert fr.percent(0.25, 1) == "25\u00a0%" and en.percent(0.253, 1) == "25.3%"


def test_make_i18n_is_up_to_date(tmp_path: Path) -> None:
    """`pybabel extract` finds exactly the catalogues' labels, each as plural as the catalogues have it: a label
    added to a template but not to the .po files, or left in the .po files but no longer used, fails here."""
    pybabel = shutil.which("pybabel", path=str(Path(sys.executable).parent)) or "pybabel"
    keywords = re.search(r"^I18N_KEYWORDS := (.*)$", (REPO / "Makefile").read_text(), re.M)
    assert keywords
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [pybabel, "extract", "-F", "babel.cfg", *keywords.group(1).split(), "--no-location", "-o", str(pot), "."],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        extracted = {(m.id if isinstance(m.id, str) else m.id[0]): m.pluralizable for m in read_po(f) if m.id}
    have = {k: len(forms) == 2 for k, forms in entries("en").items()}
    assert set(extracted) == set(have), (sorted(set(extracted) - set(have)), sorted(set(have) - set(extracted)))
    assert extracted == have, sorted(k for k in have if have[k] != extracted[k])


def test_what_a_loader_says_prints_in_the_documents_language_and_survives_the_render_workers() -> None:
    import pickle

    from ranking.load.accounting import OFF_ROSTER
    from ranking.load.formats.apify_linkedin import SUPREME_CODER
    from ranking.text.phrase import skipped

    note = pickle.loads(pickle.dumps(skipped(3, OFF_ROSTER)))
    assert note == "3 records skipped: not in the roster"  # the terminal's and the manifest's text
    assert Translator("fr").say(note) == "3 enregistrements ignorés : hors de la liste des dirigeants"
    assert Translator("en").say(skipped(1, OFF_ROSTER)) == "1 record skipped: not in the roster"
    shown = SUPREME_CODER.shown("csv")
    assert shown == "apify-linkedin-post (supreme_coder) (csv)"
    assert Translator("fr").say(shown) == Translator("en").say(shown) == "Apify — LinkedIn (supreme_coder), CSV"
    assert Translator("fr").say("a plain text") == "a plain text"
