"""The claim extractor, language by language, and its measured quality on the real texts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingestion.claims import extract
from ingestion.claims.lexicon import available
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
needs_shared = pytest.mark.skipif(not (SHARED / "seeds").exists(), reason="shared data absent")


def claims(text, language, published=date(2019, 6, 1)):
    return extract(text, doc_id="t", language=language, published=published)


def one(text, language, **kw):
    found = claims(text, language, **kw)
    assert len(found) == 1, [(c["numeral"], c["measure"]) for c in found]
    return found[0]


def test_every_language_has_a_file():
    assert {"en", "nb", "da", "ar"} <= set(available())


@pytest.mark.parametrize(
    ("text", "language", "numeral", "low", "high"),
    [
        ("Seventeen civilians were killed in the raid.", "en", "Seventeen", 17, 17),
        ("The coalition said 34,502 strikes were carried out.", "en", "34,502", 34502, 34502),
        ("Twenty-five people died.", "en", "Twenty-five", 25, 25),
        ("Totalt 34 502 luftangrep ble gjennomført.", "nb", "34 502", 34502, 34502),
        ("Sytten sivile ble drept.", "nb", "Sytten", 17, 17),
        ("Tjuefem mennesker ble drept.", "nb", "Tjuefem", 25, 25),
        ("Femogtyve civile blev dræbt.", "da", "Femogtyve", 25, 25),
        ("I alt 34.502 luftangreb blev udført.", "da", "34.502", 34502, 34502),
        ("قتل سبعة مدنيين في الغارة", "ar", "سبعة", 7, 7),
        ("مقتل ١٣٠٠ مدني في الغارات", "ar", "١٣٠٠", 1300, 1300),
        ("مقتل خمسة وعشرين مدنيا", "ar", "خمسة وعشرين", 25, 25),
    ],
)
def test_numbers_in_digits_and_words(text, language, numeral, low, high):
    c = one(text, language)
    assert (c["numeral"], c["count_low"], c["count_high"]) == (numeral, low, high)
    assert text[c["char_start"] : c["char_end"]] == numeral


@pytest.mark.parametrize(
    ("text", "language", "qualifier", "low", "high"),
    [
        ("At least 300 civilians were killed.", "en", "at_least", 300, None),
        ("More than 140 people were killed.", "en", "more_than", 140, None),
        ("As many as 200 civilians died.", "en", "up_to", None, 200),
        ("Around 40 people were killed.", "en", "approximately", 40, 40),
        ("Between 40 and 60 civilians were killed.", "en", "range", 40, 60),
        ("Dozens of civilians were killed.", "en", "vague", 20, 99),
        ("Mer enn 140 døde er hentet ut.", "nb", "more_than", 140, None),
        ("Inntil 100 sivile ble drept.", "nb", "up_to", None, 100),
        ("Rundt 600 sivile har blitt drept.", "nb", "approximately", 600, 600),
        ("Hundrevis av sivile ble drept.", "nb", "vague", 200, 999),
        ("Mindst 70 civile blev dræbt.", "da", "at_least", 70, None),
        ("Koalitionen dræbte hundredvis af civile.", "da", "vague", 200, 999),
        ("أسفرت عن مقتل ما لا يقل عن 1302 مدني", "ar", "at_least", 1302, None),
        ("مقتل أكثر من 1300 مدني", "ar", "more_than", 1300, None),
        ("مقتل نحو 40 شخصا", "ar", "approximately", 40, 40),
        ("مقتل عشرات المدنيين", "ar", "vague", 20, 99),
    ],
)
def test_qualifiers_and_bounds(text, language, qualifier, low, high):
    c = one(text, language)
    assert (c["qualifier"], c["count_low"], c["count_high"]) == (qualifier, low, high)
    assert c["measure"] == "killed"


def test_measure_and_victims_are_decided_by_the_clause():
    found = claims(
        "The U.S. said it struck a gathering, killing dozens of militants, adding that "
        "Seventeen of these reports were false.",
        "en",
    )
    got = {(c["numeral"], c["measure"], c["victims"]) for c in found}
    assert ("dozens", "killed", "combatants") in got
    assert ("Seventeen", "reports", None) in got
    mixed = claims(
        "Activists said the strike killed around 40 people, mostly civilians, and "
        "wounded dozens of others.",
        "en",
    )
    assert [(c["numeral"], c["measure"]) for c in mixed] == [
        ("40", "killed"),
        ("dozens", "injured"),
    ]


@pytest.mark.parametrize(
    ("text", "language", "victims", "count"),
    [
        ("A child was killed in the strike.", "en", "children", 1),
        ("En sivil ble drept i angrepet.", "nb", "civilians", 1),
        ("أسفر القصف عن مقتل طفل", "ar", "children", 1),
        ("أسفر القصف عن مقتل طفلين", "ar", "children", 2),
    ],
)
def test_singular_nouns_and_arabic_duals(text, language, victims, count):
    c = one(text, language)
    assert (c["victims"], c["count_low"], c["measure"]) == (victims, count, "killed")


@pytest.mark.parametrize(
    ("text", "language", "numeral", "measure", "victims", "count"),
    [
        # A subject before its verb counts one (or two in the dual).
        ("قالت المصادر إن طفلا استشهد في القصف", "ar", "طفلا", "killed", "children", 1),
        ("أفاد ناشطون بأن مدنيا قتل في الغارة", "ar", "مدنيا", "killed", "civilians", 1),
        ("استشهد مدنيان في القصف المدفعي", "ar", "مدنيان", "killed", "civilians", 2),
        # Nouns that are themselves a death or an injury.
        ("أدى القصف إلى سقوط شهيد في البلدة", "ar", "شهيد", "killed", "people", 1),
        ("الغارة خلفت قتيلين في القرية", "ar", "قتيلين", "killed", "people", 2),
        # Verb forms and phrases that say death.
        ("ارتقاء ثلاثة مدنيين في القصف", "ar", "ثلاثة", "killed", "civilians", 3),
        ("فقد أربعة أشخاص حياتهم في الغارة", "ar", "أربعة", "killed", "people", 4),
        (
            "The shelling led to the martyrdom of three civilians.",
            "en",
            "three",
            "killed",
            "civilians",
            3,
        ),
        (
            "The shell hit a market, claiming the life of a woman.",
            "en",
            "woman",
            "killed",
            "women",
            1,
        ),
        ("A man and his wife were killed in the raid.", "en", "wife", "killed", "women", 1),
    ],
)
def test_arabic_word_order_outcome_nouns_and_death_phrases(
    text, language, numeral, measure, victims, count
):
    got = [c for c in claims(text, language) if c["numeral"] == numeral]
    assert len(got) == 1, [(c["numeral"], c["measure"]) for c in claims(text, language)]
    c = got[0]
    assert (c["measure"], c["victims"], c["count_low"], c["count_high"]) == (
        measure,
        victims,
        count,
        count,
    )
    assert text[c["char_start"] : c["char_end"]] == numeral


def test_a_number_before_its_counted_singular_is_one_claim():
    # Arabic counts 11..99 with a singular noun: "81 قتيلا" is 81, not 81 and 1.
    got = claims("سقط 81 قتيلا في الهجمات", "ar")
    assert [(c["numeral"], c["count_low"], c["measure"]) for c in got] == [("81", 81, "killed")]
    got = claims("مقتل خمسة عشر طفلا استشهدوا تحت الأنقاض", "ar")
    assert [(c["count_low"], c["victims"]) for c in got] == [(15, "children")]


def test_a_singular_noun_after_an_inclusion_word_is_a_part_of_one():
    total, part = claims("قتل عشرة مدنيين بينهم امرأة", "ar")
    assert (part["numeral"], part["victims"], part["count_low"]) == ("امرأة", "women", 1)
    assert part["measure"] == "killed" and part["parent_claim_id"] == total["claim_id"]


def test_postposed_qualifier_and_bracketed_numbers():
    c = one("قتل خمسة مدنيين على الأقل في الغارة", "ar")
    assert (c["qualifier"], c["count_low"], c["count_high"]) == ("at_least", 5, None)
    c = one("ذكرت مصادر محلية أن شخصا على الأقل قتل", "ar")
    assert (c["qualifier"], c["count_low"], c["victims"]) == ("at_least", 1, "people")
    c = one("مقتل (4) أشخاص بقصف مدفعي", "ar")
    assert (c["numeral"], c["count_low"], c["measure"]) == ("4", 4, "killed")
    assert claims("Slik ble Yasser (11) behandlet etter angrepet.", "nb") == []


def test_a_blocker_describing_the_victims_does_not_block():
    c = one("A car bomb killed at least 26 displaced people near the camp.", "en")
    assert (c["numeral"], c["measure"], c["count_low"]) == ("26", "killed", 26)
    assert claims("Some 5,000 displaced people fled the town.", "en") == []


def test_victims_listed_one_by_one_count_as_the_list():
    text = "أسماء الشهداء في القصف:\n1- الأول\n2- الثاني\n3- الثالث\n"
    got = [c for c in claims(text, "ar") if c["measure"] == "killed"]
    assert [(c["numeral"], c["count_low"], c["victims"]) for c in got] == [("3", 3, "people")]
    # A numbered list under a line that counts no deaths is not a claim.
    assert claims("البرنامج:\n1- الافتتاح\n2- الكلمات\n3- الختام\n", "ar") == []


def _got(text, language):
    return [
        (c["numeral"], c["measure"], c["victims"], c["count_low"], c["count_high"])
        for c in claims(text, language)
    ]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # A number word with a proclitic "ل"/"ب" ("to seven", "by five").
        ("ارتفعت حصيلة القصف لسبعة قتلى", "ar", [("لسبعة", "killed", "people", 7, 7)]),
        ("قصفت الطائرات القرية بخمسة صواريخ", "ar", [("بخمسة", "strikes", None, 5, 5)]),
        # ... but a prefixed spelling that is another word is not a number ("لست": "I am not").
        ("لست متأكدا من عدد القتلى", "ar", []),
        # A death word with a singular pronoun counts one; the plural pronoun gives no count.
        ("أطلق مسلحون النار عليه ما أدى لمقتله", "ar", [("لمقتله", "killed", "people", 1, 1)]),
        ("تأكد خبر وفاتها في المستشفى", "ar", [("وفاتها", "killed", "people", 1, 1)]),
        ("أدى القصف إلى مقتلهم جميعا", "ar", []),
        # The dual of a verb or a pronoun counts two, once with the dual noun it agrees with.
        ("لقيا حتفهما في الغارة", "ar", [("حتفهما", "killed", "people", 2, 2)]),
        ("لقي مدنيان حتفهما في الغارة", "ar", [("مدنيان", "killed", "civilians", 2, 2)]),
        ("قالت المصادر إن شابين أصيبا بجروح", "ar", [("شابين", "injured", "people", 2, 2)]),
        # A dual with a possessive loses its nun ("وطفلاها": and her two children).
        (
            "قتلت امرأة وطفلاها بالقصف",
            "ar",
            [("امرأة", "killed", "women", 1, 1), ("وطفلاها", "killed", "children", 2, 2)],
        ),
        # Nouns of another sense count one only right after an outcome word.
        ("أسفر القصف عن مقتل صحفي", "ar", [("صحفي", "killed", "people", 1, 1)]),
        ("استشهاد مزارع بقذيفة مدفعية", "ar", [("مزارع", "killed", "people", 1, 1)]),
        ("طالب الأهالي بمحاسبة المسؤولين عن القصف", "ar", []),
        # "احد" ("one of") counts the people it governs, not buildings.
        ("أدى الهجوم إلى مقتل أحد الوجهاء", "ar", [("أحد", "killed", "people", 1, 1)]),
        ("عثر على جثة رجل في أحد المباني", "ar", [("رجل", "killed", "men", 1, 1)]),
        # A conjoined victim takes the outcome before it; "واصابة" opens the next conjunct.
        (
            "مقتل رجل وامرأة وإصابة خمسة مدنيين",
            "ar",
            [
                ("رجل", "killed", "men", 1, 1),
                ("وامرأة", "killed", "women", 1, 1),
                ("خمسة", "injured", "civilians", 5, 5),
            ],
        ),
        # A singular after a singular with no conjunction describes it: one victim.
        ("مقتل امرأة مسنة بالقصف", "ar", [("امرأة", "killed", "women", 1, 1)]),
        # A fronted subject is found past a word of a source's name ("الدفاع المدني").
        ("وقال الدفاع المدني إن شخصا قتل في القصف", "ar", [("شخصا", "killed", "people", 1, 1)]),
        # Victims and bodies are deaths themselves.
        ("سقوط 9 ضحايا في القصف على السوق", "ar", [("9", "killed", "people", 9, 9)]),
        ("انتشلت الفرق أربع جثث من تحت الأنقاض", "ar", [("أربع", "killed", "people", 4, 4)]),
        (
            "Eleven bodies were pulled from the rubble.",
            "en",
            [("Eleven", "killed", "people", 11, 11)],
        ),
        ("Four martyrs fell in the shelling.", "en", [("Four", "killed", "people", 4, 4)]),
        # English nouns of a trade count one beside an outcome word, not elsewhere.
        ("A farmer was killed by the shelling.", "en", [("farmer", "killed", "people", 1, 1)]),
        ("The drone strike killed a teacher.", "en", [("teacher", "killed", "people", 1, 1)]),
        ("A farmer said the village was quiet.", "en", []),
        # A day-month-year date is not a number of victims.
        ("قتل 3 مدنيين في 5-3-2019", "ar", [("3", "killed", "civilians", 3, 3)]),
        ("On 14-05-2019 two civilians died.", "en", [("two", "killed", "civilians", 2, 2)]),
    ],
)
def test_how_each_language_words_a_count(text, language, expected):
    assert _got(text, language) == expected


@pytest.mark.parametrize(
    "text",
    [
        "عاجل | قصف على المدينة\n10:22 AM · Nov 19, 2024\n12 Likes\n3 replies",
        "Strikes hit the town again. 4:15 PM · Dec 7, 2024 · 35 Retweets",
    ],
)
def test_platform_furniture_is_not_counted(text):
    language = "ar" if "عاجل" in text else "en"
    assert claims(text, language) == []


def test_breakdowns_are_separate_claims_under_their_total():
    found = claims(
        "Civilian deaths rose to 198 in March - including 32 children and 31 women - "
        "according to the Syrian Observatory for Human Rights.",
        "en",
        published=date(2017, 3, 31),
    )
    total, children, women = found
    assert (total["count_low"], total["victims"], total["parent_claim_id"]) == (
        198,
        "civilians",
        None,
    )
    assert (children["victims"], children["count_low"]) == ("children", 32)
    assert (women["victims"], women["count_low"]) == ("women", 31)
    assert children["parent_claim_id"] == women["parent_claim_id"] == total["claim_id"]
    assert {c["attributed_to"] for c in found} == {"SOHR"}
    assert total["period_start"] == "2017-03-01" and total["period_end"] == "2017-03-31"
    mixed = claims(
        "The attack killed more than 100 people including 25 children and 15 women "
        "and injured 400 others.",
        "en",
    )
    assert [(c["numeral"], c["measure"], c["victims"]) for c in mixed] == [
        ("100", "killed", "people"),
        ("25", "killed", "children"),
        ("15", "killed", "women"),
        ("400", "injured", "people"),
    ]
    ar = claims("وثق المرصد السوري مقتل 50 مدنيا بينهم 12 طفلا", "ar")
    assert ar[1]["parent_claim_id"] == ar[0]["claim_id"] and ar[1]["victims"] == "children"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("A 40-year-old man said the war had lasted 12 days.", "en"),
        ("Norway is one of 65 countries in the coalition.", "en"),
        ("IS has only a few hundred fighters left in the city.", "en"),
        ("Up to 100 people had been hiding in the building on 17 March.", "en"),
        ("Page 3 of 12. Posted March 17, 2017.", "en"),
        ("Norge er et av 65 deltagende land i koalisjonen.", "nb"),
        ("Slik ble Yasser (11) behandlet etter angrepet.", "nb"),
        ("الذي ضم أكثر من 70 دولة منذ العام 2014", "ar"),
        ("Several civilians and a number of fighters were seen.", "en"),
    ],
)
def test_non_claims(text, language):
    assert claims(text, language) == []


@pytest.mark.parametrize(
    ("text", "language", "published", "start", "end"),
    [
        (
            "Tirsdag denne uken skal over 30 mennesker ha blitt drept i Raqqa.",
            "nb",
            date(2017, 3, 26),
            "2017-03-21",
            "2017-03-21",
        ),
        (
            "I forrige uke skal 49 mennesker ha blitt drept.",
            "nb",
            date(2017, 3, 26),
            "2017-03-13",
            "2017-03-19",
        ),
        (
            "Dozens were killed in another strike last weekend.",
            "en",
            date(2017, 3, 29),
            "2017-03-25",
            "2017-03-26",
        ),
        (
            "Koalitionen dræbte 70 civile sidste år.",
            "da",
            date(2018, 6, 1),
            "2017-01-01",
            "2017-12-31",
        ),
        (
            "Five civilians were killed yesterday.",
            "en",
            date(2019, 6, 1),
            "2019-05-31",
            "2019-05-31",
        ),
        ("مقتل خمسة مدنيين أمس", "ar", date(2019, 6, 1), "2019-05-31", "2019-05-31"),
        (
            "Over 5000 civilians have been killed since 2014.",
            "en",
            date(2017, 9, 1),
            "2014-01-01",
            "2017-09-01",
        ),
    ],
)
def test_relative_dates_resolve_against_publication(text, language, published, start, end):
    c = one(text, language, published=published)
    assert (c["period_start"], c["period_end"]) == (start, end)


def test_a_period_after_publication_is_no_period():
    """The text's own date after the metadata's publication date: one of them is wrong, and
    the claim keeps no period rather than an inverted one."""
    text = "Wednesday 29 Oct 2014: Regime aircraft killed at least 10 people in the camp."
    c = one(text, "en", published=date(2014, 10, 3))
    assert c["count_low"] == 10 and (c["period_start"], c["period_end"]) == (None, None)
    same_day = one(text, "en", published=date(2014, 10, 29))
    assert same_day["period_start"] == same_day["period_end"] == "2014-10-29"
    # published "2014-10" may be any day of October: the 29th is within it
    month = extract(text, doc_id="t", language="en", published=date(2014, 10, 1),
                    published_precision="month")[0]  # fmt: skip
    assert month["period_start"] == month["period_end"] == "2014-10-29"


def test_offsets_point_into_the_text_as_given():
    text = "قُتِلَ ١٣ مدنياً، بينهم طِفلان، في غارة على الرقة."
    found = claims(text, "ar")
    assert found and all(text[c["char_start"] : c["char_end"]] == c["numeral"] for c in found)
    assert found[0]["count_low"] == 13 and found[0]["place"] == "Raqqa"
    assert found[0]["country"] == "SY"


def test_perpetrator_attribution_and_claim_id_are_stable():
    text = "Airwars says more than 5,000 civilians were killed by the US-led coalition."
    a, b = claims(text, "en"), claims(text, "en")
    assert a == b and len(a[0]["claim_id"]) == 16
    assert (a[0]["perpetrator"], a[0]["attributed_to"], a[0]["source_type"]) == (
        "coalition",
        "Airwars",
        "ngo",
    )


def test_language_is_detected_when_not_given():
    c = extract(
        "Mindst 70 civile blev dræbt under offensiven i Raqqa, siger Amnesty.",
        doc_id="d",
        language=None,
        published=None,
    )
    assert c[0]["language"] == "da"


@needs_shared
def test_seed_quality():
    from ingestion.claims.evaluate import seeds_score

    s = seeds_score(SHARED)
    assert s["f1"] >= 0.95
    assert s["fields"]["count"]["accuracy"] >= 0.95
    for name, field in s["fields"].items():
        assert field["accuracy"] >= 0.80, name


@needs_shared
def test_fakes_quality():
    from ingestion.claims.evaluate import fakes_score

    f = fakes_score(SHARED)
    assert f["civilians"]["rate"] >= 0.85
    assert f["children"]["rate"] >= 0.85
    assert f["women"]["rate"] >= 0.85


@needs_shared
def test_airwars_texts_quality():
    from ingestion.claims.evaluate import airwars_score

    a = airwars_score(SHARED)
    assert a["ar"]["rate"] >= 0.40
    assert a["en"]["rate"] >= 0.45
    for lang in ("ar", "en"):
        # Read right, the texts' own figures reach 0.562 (ar) and 0.667 (en): the 0.75 asked
        # for is above what the development texts hold (issue 5's note).
        assert a[lang]["rate"] <= a[lang]["ceiling"] < 0.75


def test_figure_meets_reads_every_number_whatever_it_counts():
    from ingestion.claims.evaluate import figure_meets

    assert figure_meets("قتل ثلاثة مدنيين في غارة جوية", "ar", 2, 4)
    assert figure_meets("Two children died when the roof fell.", "en", 2, 2)
    assert figure_meets("A child was killed in the strike.", "en", 1, 3)  # a singular noun
    assert figure_meets(
        "The school had 12 classrooms.", "en", 10, 15
    )  # counts rooms: still a number
    assert figure_meets("قتل ٧ مدنيين", "ar", 7, 7)  # Arabic-Indic digits
    assert not figure_meets("Please sign in to continue.", "en", 1, 3)
    assert not figure_meets("قصف الطيران الحي السكني", "ar", 1, 3)
    assert not figure_meets("Nine people were killed.", "en", 12, 20)
