"""One language's counting vocabulary, read from its YAML file and compiled once.

The extractor has no language-specific code: everything it knows about a language is here,
so a new language is a new file in languages/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ingestion.documents import normalise

LANG_DIR = Path(__file__).with_name("languages")
SOURCE_TYPES: dict[str, str] = yaml.safe_load(
    Path(__file__).with_name("sources.yaml").read_text(encoding="utf-8")
)
PLATFORM: dict[str, list[str]] = yaml.safe_load(
    Path(__file__).with_name("platform.yaml").read_text(encoding="utf-8")
)
CATEGORY_ORDER = ("combatants", "civilians", "children", "women", "men", "people")


def _norm(p: str) -> str:
    return normalise(p)[0]


def _alt(patterns, literal: bool = False) -> str:
    items = sorted({_norm(str(p)) for p in patterns}, key=len, reverse=True)
    if literal:
        items = [re.escape(p).replace(r"\ ", r"\s+") for p in items]
    else:
        items = [p.replace(" ", r"\s+") for p in items]
    return "(?:" + "|".join(items) + ")" if items else "(?!)"


# Arabic and Latin letters may touch in scraped posts ("Urdoniمقتل"): for Arabic a word
# boundary is a neighbour that is not an Arabic letter (a single-class look-around is fast).
AR = "\u0621-\u064a"
B_START = rf"(?<![{AR}])"
B_END = rf"(?![{AR}])"


def _words(patterns, prefix: str = "", literal: bool = False) -> str:
    return rf"{B_START}{prefix}{_alt(patterns, literal)}{B_END}"


@dataclass
class Lexicon:
    code: str
    numbers: dict[str, int]
    scales: dict[str, int]
    number_re: re.Pattern
    number_phrase_re: Anchored
    number_prefix_chars: str
    number_prefix_re: re.Pattern
    conjunction_prefix: str  # "و": a conjunction written onto the next word
    partitive: frozenset[str]  # "احد" ("one of"): a number only of a noun it counts
    unprefixed: frozenset[str]  # prefixed spellings that are other words ("لست": "I am not")
    number_prefix: str
    joiner_re: re.Pattern
    digits_re: re.Pattern
    vague: dict[str, tuple[int, int]]
    vague_re: Anchored
    qualifier_res: list[tuple[str, re.Pattern]]
    range_before_re: re.Pattern
    range_between_re: re.Pattern
    cat_re: Fused
    cat_names: list[tuple[str, str]]  # group index -> (kind, value)
    excl_after_re: re.Pattern
    excl_before_re: re.Pattern
    function_words: frozenset[str]
    singular_re: re.Pattern | None
    lead_noun_re: Anchored | None
    lead_checks: tuple[re.Pattern, re.Pattern, re.Pattern] | None  # article; outcome after, before
    singular_nouns: dict[str, str]
    noun_victims: dict[str, str]  # singular_nouns and the nouns counted only after an outcome
    dual_re: Anchored | None
    dual_nouns: dict[str, str]
    outcome_noun_re: Anchored | None
    outcome_nouns: dict[str, tuple[str, str, int]]
    trailing_re: Anchored | None
    after_qualifier_res: list[tuple[str, re.Pattern]]
    list_item_re: re.Pattern
    inclusion_re: re.Pattern
    cue_re: re.Pattern
    anaphor_re: re.Pattern
    source_re: Named
    source_names: list[str]
    perp_re: Named
    perp_names: list[str]
    target_re: re.Pattern
    country_re: Named
    country_names: list[str]
    months: dict[str, int]
    months_capitalised: bool
    range_bare: frozenset[str]
    place_proclitics: re.Pattern
    conjunctions: frozenset[str]
    month_re: re.Pattern
    weekdays: dict[str, int]
    relative: dict[str, str]
    time_re: re.Pattern
    since_re: re.Pattern
    until_re: re.Pattern
    range_word_re: re.Pattern

    def lookup(self, table: dict, word: str):
        w = _norm(word).lower()
        w = re.sub(r"\s+", " ", w)
        return table.get(w)


def _number_words(n: dict) -> tuple[dict[str, int], dict[str, int]]:
    units = {str(k): v for k, v in n.get("units", {}).items()}
    tens = {str(k): v for k, v in n.get("tens", {}).items()}
    scales = {str(k): v for k, v in n.get("scales", {}).items()}
    words: dict[str, int] = {**units, **tens, **scales}
    words.update({str(k): v for k, v in n.get("phrases", {}).items()})
    for pattern in n.get("compounds", []):
        if "{scale}" in pattern:
            for u, uv in units.items():
                for s, sv in scales.items():
                    if sv < 1000000:
                        words.setdefault(pattern.format(unit=u, scale=s), uv * sv)
        else:
            for t, tv in tens.items():
                for u, uv in units.items():
                    if uv < 10:
                        words.setdefault(pattern.format(ten=t, unit=u), tv + uv)
    for pattern in n.get("teens", []):
        for u, uv in units.items():
            if 1 <= uv < 10:
                words.setdefault(pattern.format(unit=u), uv + 10)
    words = {_norm(k).lower(): v for k, v in words.items()}
    return words, {_norm(k).lower(): v for k, v in scales.items()}


class Fused:
    """A pattern of many named groups, each with its own boundaries and prefix, scanned fast.

    re tries every group at every position; one alternation of all the groups' words finds
    the same start positions several times faster, and the grouped pattern is then only
    matched where that one hit, so the matches are exactly the grouped pattern's own.
    """

    def __init__(self, grouped: re.Pattern, scan: re.Pattern):
        self.grouped, self.scan = grouped, scan
        self.pattern = grouped.pattern

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        end = len(text) if endpos is None else endpos
        search, match = self.scan.search, self.grouped.match
        while pos <= end:
            hit = search(text, pos, end)
            if hit is None:
                return
            m = match(text, hit.start(), end)
            if m is None:  # cannot happen: the scan is the union of the groups
                pos = hit.start() + 1
                continue
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1


class Named:
    """Names from a table (sources, perpetrators, countries), found case-insensitively on the
    lower-cased text, except spellings marked (?-i:...) ("IS", "US"), read as written."""

    def __init__(self, folded: Fused, exact: Fused | None, names: list[str]):
        self.folded, self.exact, self.names = folded, exact, names

    def finditer(self, text: str, low: str, a: int, b: int) -> list[tuple[int, int, str]]:
        out = [
            (m.start(), m.end(), self.names[m.lastindex - 1])
            for m in self.folded.finditer(low, a, b)
        ]
        if self.exact is not None:
            out += [
                (m.start(), m.end(), self.names[m.lastindex - 1])
                for m in self.exact.finditer(text, a, b)
            ]
            out.sort()
        return out


class Anchored:
    """Words of a list, each with an optional prefix and whole-word boundaries, found fast.

    re scans a plain alternation of words by their first letters, but a pattern led by a
    look-behind and optional proclitics is tried at every position. So the plain words are
    found first, and the full pattern is matched from the start of the word that holds each.
    """

    BACK = 6  # letters a prefix may add before a word

    def __init__(self, full: re.Pattern, scan: re.Pattern, letter: re.Pattern):
        self.full, self.scan, self.letter = full, scan, letter
        self.pattern = full.pattern

    def finditer(self, text: str):
        match, letter = self.full.match, self.letter.match
        done = 0
        for hit in self.scan.finditer(text):
            s = hit.start()
            ws = s
            while ws > 0 and s - ws <= self.BACK and letter(text, ws - 1):
                ws -= 1
            if ws < done or (ws > 0 and letter(text, ws - 1)):
                continue
            m = match(text, ws)
            if m is not None and m.end() >= hit.end():
                done = m.end()
                yield m


def _anchored(words, prefix: str, W, fast, letter: re.Pattern) -> Anchored:  # noqa: N803
    scan = fast(_alt(words, literal=True))
    return Anchored(fast(W(words, prefix, literal=True)), scan, letter)


def _phrases(numbers: dict[str, int]) -> list[str]:
    """Multi-word entries that token-by-token reading would miss ("a dozen", "احد عشر")."""
    return [k for k in numbers if " " in k and not all(p in numbers for p in k.split())]


@cache
def load(code: str) -> Lexicon:
    path = LANG_DIR / f"{code}.yaml"
    if not path.exists():
        raise KeyError(f"no language file for {code!r} in {LANG_DIR}")
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    flags = re.IGNORECASE
    bs, be = (B_START, B_END) if d["code"] == "ar" else (r"(?<!\w)", r"(?!\w)")
    letter = re.compile(f"[{AR}]" if d["code"] == "ar" else r"\w")  # what the boundaries see

    def W(patterns, prefix: str = "", literal: bool = False) -> str:  # noqa: N802
        return rf"{bs}{prefix}{_alt(patterns, literal)}{be}"

    def fast(pattern: str) -> re.Pattern:
        """Matched on lower-cased text: case-insensitive search is several times slower."""
        return re.compile(pattern.lower().replace("(?p<", "(?P<"))

    prefix = d.get("word_prefix") or ""
    num = d["numbers"]
    numbers, scales = _number_words(num)
    nprefix = num.get("number_prefix", "")
    seps = "".join(re.escape(s) for s in num.get("thousands_separators", [",", "."]))
    digits = (
        rf"(?<![0-9A-Za-z_/.,:-])(\d{{1,3}}(?:[{seps}]\d{{3}})+|\d+)"
        rf"(?![0-9A-Za-z_/]|[.,:]\d)"
    )

    cat_parts, cat_names, cat_words = [], [], []
    for kind, table in (
        ("victim", d["victims"]),
        ("outcome", d["outcomes"]),
        ("measure", d["measures"]),
    ):
        order = CATEGORY_ORDER if kind == "victim" else list(table)
        for value in order:
            if value in table:
                cat_parts.append(f"({W(table[value], prefix)})")
                cat_names.append((kind, value))
                cat_words += table[value]
    cat_parts.append(f"({W(d['blockers'], prefix)})")
    cat_words += d["blockers"]
    cat_names.append(("block", "block"))

    def named(table: dict) -> tuple[Named, list[str]]:
        names = list(table)
        folded = [[p for p in table[n] if "(?-i:" not in p] for n in names]
        exact = [[p for p in table[n] if "(?-i:" in p] for n in names]
        exact_re = None
        if any(exact):
            exact_re = Fused(
                re.compile("|".join(f"({W(ps, prefix)})" for ps in exact), flags),
                re.compile(W([p for ps in exact for p in ps], prefix), flags),
            )
        grouped = fast("|".join(f"({W(ps, prefix)})" for ps in folded))
        scan = fast(W([p for ps in folded for p in ps], prefix))
        return Named(Fused(grouped, scan), exact_re, names), names

    source_re, source_names = named(d["sources"])
    perp_re, perp_names = named(d["perpetrators"])
    country_re, country_names = named(d["countries"])
    months = {_norm(str(k)).lower(): v for k, v in d["months"].items()}
    weekdays = {_norm(str(k)).lower(): v for k, v in d["weekdays"].items()}
    relative = {re.sub(r"\s+", " ", _norm(str(k)).lower()): v for k, v in d["relative"].items()}
    month_alt = _alt(months, literal=True)
    # re cannot reuse group names, so each date shape gets its own groups.
    y = r"(?:\s*,?\s*(?:(?:العام|عام|of|af|av|de)\s+)?(?P<{g}>(?:19|20)\d\d)(?!\d))?"
    mon2 = rf"(?:\s*/\s*{month_alt})?"
    time_re = "|".join(
        [
            rf"(?P<rel>{W(relative, prefix, literal=True)})",
            rf"(?<!\w)(?P<day1>\d{{1,2}})\.?\s+(?P<mon1>{month_alt}){mon2}(?!\w){y.format(g='y1')}",
            rf"(?<!\w){prefix}(?P<mon2>{month_alt}){mon2}\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?(?!\d){y.format(g='y2')}",
            rf"(?<!\w){prefix}(?P<mon3>{month_alt}){mon2}(?!\w){y.format(g='y3')}",
            rf"(?<!\w){prefix}(?P<wd>{_alt(weekdays, literal=True)})(?!\w)",
            r"(?<![\d,.])(?P<year>(?:19|20)\d\d)(?![\d,.]\d)",
        ]
    )
    q = d["qualifiers"]
    qualifier_res = [
        (name, re.compile(rf"(?<!\w){_alt(q[name], literal=True)}\s*$", flags))
        for name in ("at_least", "more_than", "up_to", "approximately")
        if q.get(name)
    ]
    sing = d.get("singular") or {}
    snouns = {_norm(str(k)).lower(): v for k, v in (sing.get("nouns") or {}).items()}
    # Nouns that count one only where the wording has just said killed or injured ("a
    # shepherd was killed", "مقتل راعي"): elsewhere they are words of another sense.
    lead_nouns = {_norm(str(k)).lower(): v for k, v in (sing.get("after_outcome") or {}).items()}
    outcome_words = d["outcomes"]["killed"] + d["outcomes"]["injured"]
    singular_re = trailing_re = lead_noun_re = None
    lead_checks: tuple[re.Pattern, re.Pattern, re.Pattern] | None = None
    if snouns:
        if sing.get("articles"):
            lead = W(sing["articles"], literal=True) + r"\s+(?:\w+\s+)?"
            singular_re = fast(rf"{lead}(?P<noun>{W(snouns, prefix, literal=True)})")
            if lead_nouns:
                # "a shepherd was killed", "killing a journalist": the noun is found alone (a
                # plain word list scans fast), then its article and an outcome word on either
                # side are checked where it stands.
                out_w = W(outcome_words, prefix)
                aux = _alt(sing.get("auxiliaries") or [])
                lead_noun_re = _anchored(lead_nouns, prefix, W, fast, letter)
                lead_checks = (
                    fast(rf"{lead}$"),
                    fast(rf"\s+(?:{aux}\s+)?{out_w}"),
                    fast(rf"{out_w}\s+{lead}$"),
                )
        else:
            # Without articles a noun counts one after an outcome word ("مقتل طفل") or an
            # inclusion word ("بينهم امراة").
            lead = W(outcome_words + list(d["inclusion"]), prefix) + r"\s+"
            led = {**snouns, **lead_nouns}
            singular_re = fast(rf"{lead}(?P<noun>{W(led, prefix, literal=True)})")
        if sing.get("trailing"):
            # Subject before verb ("ان طفلا استشهد"): the noun, then within three words of its
            # clause the outcome. A look-ahead, so one noun's reach does not hide the next.
            trailing_re = Anchored(
                fast(
                    rf"(?P<noun>{W(snouns, prefix, literal=True)})"
                    rf"(?=(?:\s+[^\s,.;:!?()\[\]]+){{0,3}}?\s+{W(outcome_words, prefix)})"
                ),
                fast(_alt(snouns, literal=True)),
                letter,
            )
    # Nouns that are themselves a death or an injury ("شهيد", "قتيلان"): [victims, measure, n].
    onouns = {
        _norm(str(k)).lower(): (v[0], v[1], int(v[2]) if len(v) > 2 else 1)
        for k, v in (sing.get("outcome_nouns") or {}).items()
    }
    outcome_noun_re = (
        _anchored(onouns, sing.get("outcome_noun_prefix") or "", W, fast, letter)
        if onouns
        else None
    )
    after_q = d.get("qualifiers_after") or {}
    after_qualifier_res = [
        (name, re.compile(rf"(?:\s+[^\W\d]+){{0,2}}?\s+{_alt(ps, literal=True)}(?!\w)", flags))
        for name, ps in after_q.items()
    ]
    duals = {_norm(str(k)).lower(): v for k, v in (d.get("dual") or {}).items()}
    dual_re = _anchored(duals, prefix, W, fast, letter) if duals else None
    rng = d["range"]
    return Lexicon(
        code=d["code"],
        numbers=numbers,
        scales=scales,
        number_re=fast(rf"{bs}{nprefix}({_alt(numbers, literal=True)}){be}"),
        number_prefix=nprefix,
        number_phrase_re=Anchored(
            fast(rf"{bs}{nprefix}({_alt(_phrases(numbers), literal=True)}){be}"),
            fast(_alt(_phrases(numbers), literal=True)),
            letter,
        ),
        number_prefix_chars=re.sub(r"[^\w]", "", nprefix),
        number_prefix_re=re.compile(nprefix or "(?!)"),
        conjunction_prefix=_norm(str(d.get("conjunction_prefix") or "")).lower(),
        partitive=frozenset(_norm(str(w)).lower() for w in num.get("partitive", [])),
        unprefixed=frozenset(_norm(str(w)).lower() for w in num.get("not_numbers", [])),
        joiner_re=re.compile(num.get("joiner", r"\s+"), flags),
        digits_re=re.compile(digits),
        vague={_norm(str(k)).lower(): tuple(v) for k, v in d["vague"].items()},
        vague_re=_anchored(d["vague"], prefix, W, fast, letter),
        qualifier_res=qualifier_res,
        range_before_re=re.compile(rf"(?<!\w){_alt(rng['before'], literal=True)}\s*$", flags),
        range_between_re=re.compile(rf"\s*{_alt(rng['between'], literal=True)}\s*", flags),
        cat_re=Fused(fast("|".join(cat_parts)), fast(W(cat_words, prefix))),
        cat_names=cat_names,
        excl_after_re=re.compile(
            rf"\s*-?\s*{prefix}{_alt(d['exclusions']['after'])}(?!\w)|\s*%"
            rf"|\s*{_alt(PLATFORM['after'])}(?![a-z])",
            flags,
        ),
        excl_before_re=re.compile(
            rf"(?<!\w)(?:{_alt(d['exclusions']['before'])}|{_alt(PLATFORM['before'])})\s*$",
            flags,
        ),
        function_words=frozenset(_norm(w).lower() for w in d["function_words"]),
        singular_re=singular_re,
        lead_noun_re=lead_noun_re,
        lead_checks=lead_checks,
        singular_nouns=snouns,
        noun_victims={**lead_nouns, **snouns},
        dual_re=dual_re,
        dual_nouns=duals,
        outcome_noun_re=outcome_noun_re,
        outcome_nouns=onouns,
        trailing_re=trailing_re,
        after_qualifier_res=after_qualifier_res,
        list_item_re=re.compile(r"(?m)^[ \t]*(\d{1,3})[ \t]*[-.)–][ \t]*(?=\S)"),
        inclusion_re=re.compile(W(d["inclusion"], prefix), flags),
        cue_re=re.compile(W(d["attribution_cues"], prefix), flags),
        anaphor_re=re.compile(W(d["anaphors"], prefix), flags),
        source_re=source_re,
        source_names=source_names,
        perp_re=perp_re,
        perp_names=perp_names,
        target_re=re.compile(rf"(?<!\w){_alt(d['target_markers'])}\s+(?:\w+\s+){{0,2}}$", flags),
        country_re=country_re,
        country_names=country_names,
        months=months,
        months_capitalised=bool(d.get("months_capitalised")),
        range_bare=frozenset(_norm(w).lower() for w in rng.get("bare", ["-", "–"])),
        place_proclitics=re.compile(d.get("place_proclitics") or "(?!)"),
        conjunctions=frozenset(_norm(w).lower() for w in d.get("conjunctions", [])),
        month_re=re.compile(rf"(?<!\w){month_alt}(?!\w)", flags),
        weekdays=weekdays,
        relative=relative,
        time_re=fast(time_re),
        since_re=re.compile(W(d["since"], prefix), flags),
        until_re=re.compile(W(d["until"], prefix), flags),
        range_word_re=re.compile(W(rng["before"], prefix, literal=True), flags),
    )


def available() -> list[str]:
    return sorted(p.stem for p in LANG_DIR.glob("*.yaml"))
