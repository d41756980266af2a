"""Names out of claim quotes: invented sentences per language, then the real news corpus.

Every name here is invented ("Example", "المثال"); the corpus test asserts on counts only and
never prints a quote.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.claims.extract import extract
from ingestion.news.airwars_texts import parse_source_texts_jsonl
from ingestion.news.fakes import parse_fakes_csv
from ingestion.parsing import RawDocument
from ingestion.redact import names_in, redact_names
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
NEWS = SHARED / "corpus" / "news"
W = "[name withheld]"

# (language, sentence, invented name words that must go, words that must stay)
NAMED = [
    (
        "en",
        "The child Ahmad Example, 7, was one of 9 civilians killed in Raqqa when a coalition"
        " strike hit the house, SOHR said.",
        ["Ahmad", "Example"],
        ["The child", "Raqqa", "SOHR", "coalition", "7,", "9 civilians killed"],
    ),
    (
        "en",
        "At least 12 civilians were killed in Mosul on Tuesday, among them Mr Samir al-Example"
        " and his son, according to Airwars.",
        ["Samir", "al-Example"],
        ["At least 12 civilians", "Mosul", "Tuesday", "Airwars", "his son"],
    ),
    (
        "en",
        "A 34-year-old man named Omar Bin Sample was among 3 people killed in Deir ez-Zor,"
        " the White Helmets said.",
        ["Omar", "Sample"],
        ["3 people killed", "Deir ez-Zor", "White Helmets"],
    ),
    (
        "en",
        "Karim Fictional (9) and Layla Fictional, aged 4, were among the 5 civilians killed in"
        " Aleppo, SNHR reported.",
        ["Karim", "Layla", "Fictional"],
        ["5 civilians killed", "Aleppo", "SNHR"],
    ),
    (
        "nb",
        "Ahmad Eksempel (34) ble drept sammen med sønnen Karim Eksempel, og minst 20 sivile"
        " ble drept i Raqqa, ifølge Airwars.",
        ["Ahmad", "Karim", "Eksempel"],
        ["minst 20 sivile", "Raqqa", "Airwars", "sønnen"],
    ),
    (
        "da",
        "Den dræbte, navngivet Omar Eksempel, var en af i alt 7 civile, der blev dræbt i Mosul.",
        ["Omar", "Eksempel"],
        ["navngivet", "7 civile", "Mosul"],
    ),
    (
        "ar",
        "استشهد الطفل سامر المثال وشقيقه جراء قصف طيران التحالف على مدينة الرقة",
        ["سامر", "المثال"],
        ["الطفل", "وشقيقه", "التحالف", "الرقة"],
    ),
    (
        "ar",
        "مقتل ثلاثة مدنيين بينهم الشهيدة سلمى أحمد المثالية في قصف على بلدة أبو حمام بريف دير الزور",
        ["سلمى", "المثالية"],
        ["مقتل ثلاثة مدنيين", "الشهيدة", "أبو حمام", "دير الزور"],
    ),
    (
        "ar",
        "قتل أبو خالد المثال ومحمد بن علي المثالي و5 مدنيين آخرين في غارة على حلب، بحسب المرصد",
        ["خالد", "المثال", "محمد", "المثالي"],
        ["5 مدنيين", "حلب", "المرصد"],
    ),
    (
        "ar",
        "الشهداء: سامر المثال، محمود المثالي، وعدد الجرحى 6 بينهم الطفلة الصغيرة",
        ["سامر", "محمود", "المثال"],
        ["الشهداء", "6", "الطفلة الصغيرة"],
    ),
    (
        "ar",
        "عثر على جثة المدني سامر خالد المثال تحت الانقاض",
        ["سامر", "خالد", "المثال"],
        ["جثة المدني", "تحت الانقاض"],
    ),
    (
        "ar",
        'عثر على جثة المدني "سامر خالد المثال" تحت الانقاض',  # a quoted name
        ["سامر", "خالد", "المثال"],
        ["جثة المدني", "تحت الانقاض"],
    ),
    ("en", 'The body of the boy "Samir Example" was found; 3 others died.', ["Samir"], ["3"]),
]

PLAIN = [
    ("ar", "قتل خمسة مدنيين وأصيب آخرون منهم بجروح خطيرة في القصف"),  # wounds, not a name
    ("ar", "فقد الرجل ابنه ضمن مناطق القصف وقتل 3 مدنيين"),  # a second cue opens no name
    ("ar", "أعلن مجلس منبج المدني مقتل 4 مدنيين"),  # the Manbij Civil Council
    ("ar", "قال الدفاع المدني بانتشال جثث خمسة مدنيين في الرقة"),  # civil defence: no person
    ("en", "At least 23 civilians were killed in coalition strikes on Raqqa, Airwars said."),
    ("en", "The Syrian Observatory for Human Rights said 140 people died in Deir ez-Zor."),
    ("en", "In Mosul, 12 civilians, including 4 children, were killed on March 3, 2017."),
    ("nb", "Minst 20 sivile ble drept i et luftangrep mot Raqqa, melder SOHR."),
    ("da", "Mindst 40 civile blev dræbt i Mosul, oplyser FN."),
    ("ar", "وثقت الشبكة السورية لحقوق الإنسان مقتل 25 مدنياً في الرقة"),
    ("ar", "مقتل طفلين وإصابة عشرات المدنيين بقصف على الحي الشرقي في حلب"),
    ("ar", "استشهد الطفل جراء القصف على بلدة أبو حمام بريف دير الزور"),
]


def _figures(text: str, language: str) -> list[tuple]:
    claims = extract(text, doc_id="t", language=language, published=None)
    return sorted((c["numeral"], c["measure"], c["count_low"], c["count_high"]) for c in claims)


@pytest.mark.parametrize(("language", "text", "gone", "kept"), NAMED)
def test_names_after_cues_are_withheld(language, text, gone, kept):
    out = redact_names(text, language)
    assert W in out
    for word in gone:
        assert word not in out.replace(W, "")
    for phrase in kept:
        assert phrase in out


@pytest.mark.parametrize(("language", "text", "gone", "kept"), NAMED)
def test_claim_extractor_reads_the_same_figures(language, text, gone, kept):
    before = _figures(text, language)
    assert before, "the invented sentence must hold a claim"
    assert _figures(redact_names(text, language), language) == before


@pytest.mark.parametrize(("language", "text"), PLAIN)
def test_text_without_names_is_unchanged(language, text):
    assert redact_names(text, language) == text


def test_unknown_language_and_empty_text():
    assert redact_names("", None) == ""
    assert redact_names("The boy Samir Example was killed.", None) == f"The boy {W} was killed."


def _raw(path: Path) -> RawDocument:
    return RawDocument(
        sha256="0" * 64,
        source="news-test",
        family="news",
        location=str(path),
        name=path.name,
        content_type="",
        fetched_at=datetime.now(UTC),
        data=path.read_bytes(),
        metadata={},
    )


@pytest.mark.skipif(not NEWS.exists(), reason="shared data absent")
def test_staged_quotes_are_redacted_and_keep_their_numeral():
    """Through the real parsers: the staged quote is the redacted sentence, still holding the
    figure; some quotes in these posts do name the dead, and none keeps a cue + name."""
    result = parse_source_texts_jsonl(_raw(NEWS / "airwars_source_texts_dev.jsonl"))
    claims = result.tables["claims"]
    quotes = claims["quote"].to_list()
    assert len(quotes) > 500
    redacted = sum(W in q for q in quotes)
    assert redacted >= 20  # Arabic posts name the dead often enough for this to be exercised
    for row in claims.select("quote", "numeral", "language").iter_rows(named=True):
        assert row["numeral"] in row["quote"]
        fixed = redact_names(row["quote"], row["language"], keep=row["numeral"])
        assert fixed == row["quote"]  # a fixed point


@pytest.mark.skipif(not NEWS.exists(), reason="shared data absent")
def test_fakes_quotes_keep_their_numeral():
    result = parse_fakes_csv(_raw(NEWS / "fakes_dev.csv"))
    claims = result.tables["claims"]
    assert claims.height > 500
    for row in claims.select("quote", "numeral").iter_rows(named=True):
        assert row["numeral"] in row["quote"]


def test_a_claim_numeral_that_opens_a_name_run_is_kept():
    from ingestion.redact import _spare

    text = "قتل فتى سمير يوسف في القصف"
    a = text.index("فتى")
    b = text.index(" في")
    (kept,) = _spare(text, [(a, b)], "فتى")
    assert text[kept[0] : kept[1]] == "سمير يوسف"  # only the (invented) name goes
    # a run that ends on the numeral stops before it
    text = "the driver Sam Jones and a shepherd were killed"
    (kept,) = _spare(text, [(11, len("the driver Sam Jones and a shepherd"))], "a shepherd")
    assert text[kept[0] : kept[1]] == "Sam Jones and"


def test_a_name_the_document_gives_elsewhere_is_withheld_from_every_quote():
    """The cue ("the martyr", "his son") is often in another sentence than the figure."""
    text = (
        "The martyr Karim Saleh Example was buried on Friday. "
        "Karim Saleh Example and 3 other civilians were killed in the strike."
    )
    known = names_in(text, "en")
    assert known == {"Karim Saleh Example"}
    quote = "Karim Saleh Example and 3 other civilians were killed in the strike."
    assert redact_names(quote, "en", keep="3") == quote  # alone, nothing marks the name
    assert redact_names(quote, "en", keep="3", known=known) == (
        f"{W} and 3 other civilians were killed in the strike."
    )
    # a single word found as a name is left to the cues, not blanked everywhere
    assert names_in("The boy Samir was killed.", "en") == frozenset()
    # a nickname in brackets is withheld wherever either part stands alone
    aka = names_in("The martyr Karim Saleh Example (Abu Omar) was buried.", "en")
    assert aka == {"Karim Saleh Example", "Abu Omar"}
    assert redact_names("Abu Omar and 2 sons died.", "en", keep="2", known=aka) == (
        f"{W} and 2 sons died."
    )


def test_titles_and_quotes_are_staged_without_names():
    from ingestion.news.claim_rows import add_document
    from ingestion.parsing import ParseResult

    result = ParseResult()
    add_document(
        result,
        doc_id="d1",
        source="news-test",
        sha256=None,
        text="The child Lina Example was killed. Lina Example and 4 civilians died in the strike.",
        language="en",
        title="Funeral of the child Lina Example",
        published="2017-03-02",
    )
    tables = result.finalize()
    assert tables["documents"]["title"].to_list() == [f"Funeral of the child {W}"]
    quotes = tables["claims"]["quote"].to_list()
    assert quotes and all("Lina" not in q for q in quotes)
    assert any("4 civilians" in q for q in quotes)


def test_rows_held_back_keep_their_fields_without_names():
    from ingestion.parsing import ParseResult

    result = ParseResult()
    result.hold_back(
        "assessments",
        "X1",
        "bad_date",
        "date 'soon' unreadable",
        {"date": "soon", "text": "a strike killed the boy Samir Example", "count": 3},
    )
    row = result.finalize()["quarantine"].row(0, named=True)
    assert json.loads(row["record"]) == {
        "date": "soon",
        "text": f"a strike killed the boy {W}",
        "count": 3,
    }


def test_a_name_one_article_gives_is_withheld_from_the_others(tmp_path):
    """Two posts about one strike: only the first marks the name with a cue."""
    lines = [
        {"source_id": "a", "text": "The martyr Karim Saleh Example was buried in Raqqa today."},
        {
            "source_id": "b",
            "text": "Karim Saleh Example and 5 civilians were killed in the strike.",
        },
    ]
    path = tmp_path / "texts.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    claims = parse_source_texts_jsonl(_raw(path)).tables["claims"]
    quotes = claims.filter(claims["doc_id"] == "b")["quote"].to_list()
    assert quotes == [f"{W} and 5 civilians were killed in the strike."]
