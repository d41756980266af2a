"""Every casualty figure in a text, as contract claims (contracts/claims.md).

Rules are general and read each language from its data file: a numeral counts what its
head noun names ("dozens of militants"), the outcome word nearest to it in its clause says
killed or injured, breakdowns hang from the total they follow, and who counted, who did it,
where and when come from the sentence, else from what the text said just before.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from ingestion.claims.lexicon import SOURCE_TYPES, Lexicon, load
from ingestion.documents import month_end, normalise, published_until, resolve_relative

TOKEN = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")
# A bracketed number ("مقتل (3) اشخاص") stays in its clause; other brackets break it.
CLAUSE_BREAK = re.compile(
    r"[;\[\]\"«»“”]|\((?!\d{1,4}\))|(?<!\(\d)(?<!\(\d\d)(?<!\(\d{3})(?<!\(\d{4})\)"
    r"|[,:](?!\d)|\s[-–—]\s|[–—]"
)
SENT_END = re.compile(r"[.!?؟]+(?=\s)|\n+")
ABBREV = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Dr|St|No|Gen|Lt|Col|Sgt|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec|nr|ca|kl|bl\.a|fx|mv|osv|dvs))$"
)
DATE_TAIL = re.compile(r"[-/.]\d{1,2}[-/.](?:19|20)?\d\d(?!\d)")
QUALIFIER_BOUNDS = {"at_least", "more_than", "up_to", "approximately"}
MIN_DATE = date(2011, 1, 1)


@dataclass
class Numeral:
    start: int
    end: int
    low: int | None
    high: int | None
    vague: bool = False
    singular: str | None = None  # victims a singular/dual noun names
    measure: str | None = None  # an outcome noun's own measure ("شهيد": killed)
    listed: bool = False  # the last number of a numbered list of victims


@dataclass
class Sentence:
    start: int
    end: int
    clauses: list[tuple[int, int]] = field(default_factory=list)


def claim_id(doc_id: str, start: int, end: int, measure: str, victims: str | None) -> str:
    key = f"{doc_id}|{start}|{end}|{measure}|{victims}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _value(lex: Lexicon, words: list[str]) -> int:
    total, current = 0, 0
    for w in words:
        v = lex.numbers[w]
        if w in lex.scales:
            current = max(current, 1) * v
            if v >= 1000:
                total, current = total + current, 0
        else:
            current += v
    return total + current


@dataclass
class _Word:
    s: int
    e: int
    key: str

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e


WORD = re.compile(r"\w+")


def _number_words(text: str, lex: Lexicon) -> list[_Word]:
    """Number words by dictionary look-up of each token (a regex of hundreds of words is slow);
    the few multi-word entries ("a dozen", "احد عشر") by a small pattern."""
    out = [
        _Word(m.start(1), m.end(1), re.sub(r"\s+", " ", m.group(1)))
        for m in lex.number_phrase_re.finditer(text)
    ]
    taken = [(w.s, w.e) for w in out]
    numbers, strip = lex.numbers, lex.number_prefix_chars
    for m in WORD.finditer(text):
        tok = m.group(0)
        key = tok if tok in numbers else None
        if key is None and strip and tok[0] in strip and tok not in lex.unprefixed:
            # "وخمسة", "لخمسة", "وبثلاثة": a proclitic the language writes onto the word.
            for i in (1, 2):
                rest = tok[i:]
                if rest in numbers and lex.number_prefix_re.fullmatch(tok, 0, i):
                    key = rest
                    break
        if key is None or any(a <= m.start() < b for a, b in taken):
            continue
        out.append(_Word(m.start(), m.end(), key))
    out.sort(key=lambda w: w.s)
    return out


def find_numerals(text: str, lex: Lexicon) -> list[Numeral]:
    """Digits, number words (merged across joiners), vague words, singular nouns and duals."""
    found: list[Numeral] = []
    for m in lex.digits_re.finditer(text):
        n = int(re.sub(r"\D", "", m.group(1)))
        found.append(Numeral(m.start(1), m.end(1), n, n))
    words = _number_words(text, lex)
    i = 0
    while i < len(words):
        j = i
        while j + 1 < len(words) and lex.joiner_re.fullmatch(
            text, words[j].end(), words[j + 1].start()
        ):
            j += 1
        n = _value(lex, [w.key for w in words[i : j + 1]])
        found.append(Numeral(words[i].start(), words[j].end(), n, n))
        i = j + 1
    for m in lex.vague_re.finditer(text):
        key = re.sub(r"\s+", " ", m.group(0).lower())
        bounds = next((b for k, b in lex.vague.items() if key.endswith(k)), None)
        if bounds:
            found.append(Numeral(m.start(), m.end(), bounds[0], bounds[1], vague=True))
    if lex.singular_re is not None:
        for m in lex.singular_re.finditer(text):
            noun = re.sub(r"\s+", " ", m.group("noun").lower())
            victims = next((v for k, v in lex.noun_victims.items() if noun.endswith(k)), None)
            if victims:
                found.append(Numeral(m.start("noun"), m.end("noun"), 1, 1, singular=victims))
    if lex.lead_noun_re is not None:
        # "a shepherd was killed", "killing a journalist": an article before the noun and an
        # outcome word right after it or right before the article.
        article, out_after, out_before = lex.lead_checks
        for m in lex.lead_noun_re.finditer(text):
            s, e = m.start(), m.end()
            if article.search(text, max(0, s - 40), s) and (
                out_after.match(text, e) or out_before.search(text, max(0, s - 80), s)
            ):
                victims = lex.noun_victims.get(re.sub(r"\s+", " ", m.group(0)))
                if victims:
                    found.append(Numeral(s, e, 1, 1, singular=victims))
    if lex.trailing_re is not None:
        for m in lex.trailing_re.finditer(text):
            noun = re.sub(r"\s+", " ", m.group("noun").lower())
            victims = next((v for k, v in lex.noun_victims.items() if noun.endswith(k)), None)
            if victims:
                found.append(Numeral(m.start("noun"), m.end("noun"), 1, 1, singular=victims))
    if lex.dual_re is not None:
        for m in lex.dual_re.finditer(text):
            key = re.sub(r"\s+", " ", m.group(0).lower())
            victims = next((v for k, v in lex.dual_nouns.items() if key.endswith(k)), None)
            if victims:
                found.append(Numeral(m.start(), m.end(), 2, 2, singular=victims))
    if lex.outcome_noun_re is not None:
        for m in lex.outcome_noun_re.finditer(text):
            key = m.group(0).lower()
            hit = next((v for k, v in lex.outcome_nouns.items() if key.endswith(k)), None)
            if hit:
                victims, measure, count = hit
                found.append(
                    Numeral(m.start(), m.end(), count, count, singular=victims, measure=measure)
                )
    found += numbered_list(text, lex)
    # Longest span wins where spans overlap ("a dozen" over "dozen", a dual over its noun).
    found.sort(key=lambda n: (n.start, -(n.end - n.start), not n.listed))
    out: list[Numeral] = []
    for n in found:
        if out and n.start < out[-1].end:
            continue
        if n.singular and out and not text[out[-1].end : n.start].strip():
            if not out[-1].singular:
                continue  # "15 طفلا", "81 قتيلا": the noun a number counts, not a second number
            c = lex.conjunction_prefix
            if c and not n.measure and not out[-1].measure and not text.startswith(c, n.start):
                continue  # "امراة مسنة", "طفل رضيع": an adjective, not a second victim
        out.append(n)
    return out


def numbered_list(text: str, lex: Lexicon) -> list[Numeral]:
    """Victims listed one per line ("1- ...", "2- ...") under a line that names deaths: the
    list counts as many as its last number, when it runs 1, 2, 3 ... without a gap."""
    out: list[Numeral] = []
    run: list[re.Match] = []
    items = list(lex.list_item_re.finditer(text))
    for m in items + [None]:
        if m is not None and int(m.group(1)) == len(run) + 1:
            run.append(m)
            continue
        if len(run) >= 2:
            head_end = run[0].start()
            head = text[text.rfind("\n", 0, max(0, head_end - 1)) + 1 : head_end]
            cats = [lex.cat_names[c.lastindex - 1] for c in lex.cat_re.finditer(head)]
            killed = next((v for k, v in cats if k == "outcome"), None)
            victims = next((v for k, v in cats if k == "victim"), "people")
            if killed:
                last = run[-1]
                n = len(run)
                out.append(
                    Numeral(
                        last.start(1),
                        last.end(1),
                        n,
                        n,
                        singular=victims,
                        measure=killed,
                        listed=True,
                    )
                )
        run = [m] if m is not None and m.group(1) == "1" else []
    return out


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    for m in SENT_END.finditer(text):
        if m.group(0)[0] != "\n":
            nxt = text[m.end() : m.end() + 3].lstrip()[:1]
            if nxt.islower() or ABBREV.search(text[max(0, m.start() - 6) : m.start()]):
                continue
        end = m.end()
        if text[start:end].strip():
            sentences.append(Sentence(start, end))
        start = end
    if text[start:].strip():
        sentences.append(Sentence(start, len(text)))
    for s in sentences:
        cs = s.start
        for m in CLAUSE_BREAK.finditer(text, s.start, s.end):
            s.clauses.append((cs, m.start()))
            cs = m.end()
        s.clauses.append((cs, s.end))
    return sentences


class Extractor:
    """Extraction state for one document."""

    def __init__(self, text: str, lex: Lexicon, published: date | None):
        self.t = text
        low = text.lower()
        self.low = low if len(low) == len(text) else text  # what the fast patterns read
        self.lex = lex
        self.published = published
        self.sentences = split_sentences(text)
        self.sent_starts = [s.start for s in self.sentences]
        self.numerals = find_numerals(self.low, lex)
        self.num_starts = {n.start for n in self.numerals}
        # Only sentences holding a numeral are read closely; the rest only when asked.
        counted = sorted({self.sentence_of(n.start) for n in self.numerals})
        self.counted = counted
        self.cats = []  # (start, end, kind, value)
        for si in counted:
            sent = self.sentences[si]
            for m in lex.cat_re.finditer(self.low, sent.start, sent.end):
                kind, value = lex.cat_names[m.lastindex - 1]
                self.cats.append((m.start(), m.end(), kind, value))
        self.cat_starts = [c[0] for c in self.cats]
        self.period_cache: dict[int, list] = {}
        self.place_cache: dict[int, list] = {}
        self.source_cache: dict[int, list] = {}
        self.perp_cache: dict[int, list] = {}
        self.country_cache: dict[int, set[str]] = {}
        self.doc_perp = self._doc_perpetrator()

    # -- lookups ------------------------------------------------------------------------
    def cats_in(self, a: int, b: int):
        i = bisect.bisect_left(self.cat_starts, a)
        while i < len(self.cats) and self.cats[i][0] < b:
            yield self.cats[i]
            i += 1

    def cat_at(self, pos: int):
        i = bisect.bisect_left(self.cat_starts, pos)
        if i < len(self.cats) and self.cats[i][0] == pos:
            return self.cats[i]
        return None

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, pos) - 1)

    @staticmethod
    def clause_of(s: Sentence, pos: int) -> tuple[int, int]:
        for a, b in s.clauses:
            if a <= pos < b:
                return a, b
        return s.start, s.end

    def nearest(self, items, pos: int):
        best, dist = None, None
        for it in items:
            d = it[0] - pos if it[0] >= pos else pos - it[1]
            if dist is None or d < dist:
                best, dist = it, d
        return best

    # -- what a numeral counts ----------------------------------------------------------
    def head(self, n: Numeral, clause_end: int):
        """(kind, value, first_is_function_or_end, first_position) of what follows."""
        pos = n.end + 1 if self._bracketed(n) else n.end
        first_ok = None
        words = 0
        for m in TOKEN.finditer(self.t, pos, clause_end):
            tok = m.group(0)
            if m.start() in self.num_starts:
                return None, None, first_ok if first_ok is not None else True, words
            c = self.cat_at(m.start())
            if c and self._adjectival(c):
                nxt = self.cat_at(c[1] + 1)
                return nxt[2], nxt[3], True, words + 1
            if c:
                return c[2], c[3], True, words
            if tok.lower() in self.lex.conjunctions:
                return None, None, True if first_ok is None else first_ok, words
            if not tok[0].isalnum() and tok not in ("%",):
                return None, None, True if first_ok is None else first_ok, words
            if first_ok is None:
                first_ok = tok.lower() in self.lex.function_words
            words += 1
            if words >= 4:
                break
        return None, None, True if first_ok is None else first_ok, words

    def _adjectival(self, c) -> bool:
        """ "26 displaced people were killed": a blocker right before a victim noun says who
        they were, not what happened to them."""
        if c[2] != "block":
            return False
        nxt = self.cat_at(c[1] + 1)
        return bool(nxt and nxt[2] == "victim" and self.t[c[1] : nxt[0]] == " ")

    def _conjoined(self, pos: int) -> bool:
        """A word written with the language's conjunction prefix ("واصابة")."""
        c = self.lex.conjunction_prefix
        return bool(c) and self.low.startswith(c, pos)

    def _partitive(self, n: Numeral) -> bool:
        w = self.low[n.start : n.end]
        part = self.lex.partitive
        return bool(part) and (w in part or (w not in self.lex.numbers and w[1:] in part))

    def _in_name(self, n: Numeral, s: Sentence) -> bool:
        return any(a <= n.start < b for a, b, _ in self._sources(s))

    def _bracketed(self, n: Numeral) -> bool:
        return self.t[n.start - 1 : n.start] == "(" and self.t[n.end : n.end + 1] == ")"

    def _after_outcome(self, n: Numeral, clause, reach: int = 3) -> bool:
        """ "kills 30", "بمقتل 5": a numeral right after an outcome word counts its victims."""
        before = [
            c for c in self.cats_in(max(clause[0], n.start - 60), n.start) if c[2] == "outcome"
        ]
        if not before:
            return False
        gap = self.t[before[-1][1] : n.start]
        return len(TOKEN.findall(gap)) <= reach and not re.search(r"\d", gap)

    def excluded(self, n: Numeral, clause: tuple[int, int]) -> bool:
        t, lex = self.t, self.lex
        if n.singular:
            return False
        if lex.excl_after_re.match(t, n.end):
            return True
        before = t[max(clause[0], n.start - 25) : n.start]
        if lex.excl_before_re.search(before):
            return True
        after = t[n.end : n.end + 25]
        lead = re.match(r"\.?(?:st|nd|rd|th)?\s*", after)
        if lex.month_re.match(after, lead.end()):
            return True
        if re.search(r"\w+\s*$", before) and lex.month_re.search(before.rstrip()[-12:]):
            m = lex.month_re.search(before.rstrip())
            if m and m.end() == len(before.rstrip()):
                return True
        if self._bracketed(n):
            # "Yasser (11)" is an age; "مقتل (3) اشخاص" counts the noun that follows.
            kind, _, _, words = self.head(n, clause[1])
            if kind in ("victim", "measure", "outcome") and words == 0:
                return False
            return not self._after_outcome(n, clause)
        if (
            not n.vague
            and n.low is not None
            and 1900 <= n.low <= 2099
            and "," not in t[n.start : n.end]
        ):
            c = self.cat_at(n.end + 1) or self.cat_at(n.end)
            return not (c and c[2] == "victim")
        if DATE_TAIL.match(t, n.end):
            return True  # "17-08-2016", "1-1-2022": a date, not a range
        if t[n.start - 1 : n.start] in ("/", "#", "№") or t[n.end : n.end + 1] in ("/",):
            return True
        return False

    def qualify(self, n: Numeral, sent: Sentence) -> tuple[str, int | None, int | None, int]:
        """Qualifier and bounds; the returned end grows over the second number of a range."""
        t, lex = self.t, self.lex
        before = t[max(sent.start, n.start - 40) : n.start]
        if n.singular:
            clause_end = self.clause_of(sent, n.start)[1]
            for name, rx in lex.after_qualifier_res:
                if rx.match(t, n.end, clause_end):
                    return _bounds(name, n)
            return "exact", n.low, n.high, n.end
        if not n.vague:
            m = lex.range_between_re.match(t, n.end)
            if m:
                nxt = next((x for x in self.numerals if x.start == m.end()), None)
                if nxt and not nxt.vague and nxt.low is not None and nxt.low > (n.low or 0):
                    sep = m.group(0).strip()
                    if lex.range_before_re.search(before) or sep.lower() in lex.range_bare:
                        return "range", n.low, nxt.high, nxt.end
        if n.vague:
            return "vague", n.low, n.high, n.end
        clause_end = self.clause_of(sent, n.start)[1]
        for name, rx in lex.after_qualifier_res:
            if rx.match(t, n.end, clause_end):
                return _bounds(name, n)
        for name, rx in lex.qualifier_res:
            if rx.search(before):
                if name in ("at_least", "more_than"):
                    return name, n.low, None, n.end
                if name == "up_to":
                    return name, None, n.high, n.end
                return name, n.low, n.high, n.end
        return "exact", n.low, n.high, n.end

    # -- context ------------------------------------------------------------------------
    def _perps(self, a: int, b: int):
        out = []
        for start, end, name in self.lex.perp_re.finditer(self.t, self.low, a, b):
            if self.lex.target_re.search(self.t[max(a, start - 40) : start]):
                continue
            out.append((start, end, name))
        return out

    def _doc_perpetrator(self) -> str | None:
        """Who the document says kills: perpetrators named in sentences that count deaths."""
        counts: dict[str, int] = {}
        for si in self.counted:
            s = self.sentences[si]
            if any(c[2] == "outcome" for c in self.cats_in(s.start, s.end)):
                for _, _, p in self.sent_perps(si):
                    counts[p] = counts.get(p, 0) + 1
        return max(counts, key=counts.get) if counts else None

    def sent_perps(self, si: int) -> list:
        if si not in self.perp_cache:
            s = self.sentences[si]
            self.perp_cache[si] = self._perps(s.start, s.end)
        return self.perp_cache[si]

    def perpetrator(self, si: int, pos: int) -> str:
        found = self.sent_perps(si)
        if found:
            return self.nearest(found, pos)[2]
        return self.doc_perp or "unknown"

    def _sources(self, s: Sentence):
        key = s.start
        if key not in self.source_cache:
            self.source_cache[key] = self.lex.source_re.finditer(self.t, self.low, s.start, s.end)
        return self.source_cache[key]

    def last_source(self, si: int) -> str | None:
        """The latest independent source named before sentence si."""
        for k in range(si - 1, -1, -1):
            named = [
                f for f in self._sources(self.sentences[k]) if SOURCE_TYPES.get(f[2]) != "coalition"
            ]
            if named:
                return named[-1][2]
        return None

    def last_period(self, si: int):
        """The latest period stated before sentence si (a range when one was given)."""
        for k in range(si - 1, max(-1, si - 40), -1):
            ps = [p for p in self.periods(k) if not p["said"]]
            if ps:
                ranges = [p for p in ps if p["range"]]
                return (ranges or ps)[-1]["span"]
        return None

    def last_day(self, si: int):
        for k in range(si - 1, max(-1, si - 40), -1):
            days = [
                p["span"]
                for p in self.periods(k)
                if not p["said"] and p["span"][0] and p["span"][0] == p["span"][1]
            ]
            if days:
                return days[-1]
        return None

    def source(self, si: int, pos: int) -> str | None:
        s = self.sentences[si]
        found = self._sources(s)
        named = [f for f in found if SOURCE_TYPES.get(f[2]) != "coalition"]
        cues = [(m.start(), m.end()) for m in self.lex.cue_re.finditer(self.t, s.start, s.end)]
        if named:
            return self.nearest(named, pos)[2]
        if self.lex.anaphor_re.search(self.t, s.start, s.end):
            last = self.last_source(si)
            if last:
                return last
        near_cue = [
            f for f in found if any(abs(c[0] - f[1]) < 45 or abs(f[0] - c[1]) < 45 for c in cues)
        ]
        if near_cue:
            return self.nearest(near_cue, pos)[2]
        if si + 1 < len(self.sentences):  # "23 died. That is, if one believes the coalition."
            nxt = self.sentences[si + 1]
            ncues = list(self.lex.cue_re.finditer(self.t, nxt.start, nxt.end))
            if ncues:
                for f in self._sources(nxt):
                    if any(abs(c.start() - f[1]) < 45 or abs(f[0] - c.end()) < 45 for c in ncues):
                        return f[2]
        return None

    def countries_in(self, si: int) -> set[str]:
        if si not in self.country_cache:
            s = self.sentences[si]
            found = self.lex.country_re.finditer(self.t, self.low, s.start, s.end)
            self.country_cache[si] = {f[2] for f in found}
        return set(self.country_cache[si])

    def country(self, si: int, pos: int) -> str | None:
        for k in range(si, max(-1, si - 4), -1):
            names = self.countries_in(k)
            if len(names) == 1:
                return names.pop()
            if len(names) > 1:
                return None
        return None

    def place(self, si: int, pos: int) -> tuple[str | None, str | None]:
        """Nearest known place in the sentence, else in the few sentences before."""
        for k in range(si, max(-1, si - 12), -1):
            hits = self._places(k)
            if hits:
                best = self.nearest(hits, pos)[2]
                return best[0], best[1]
        return None, None

    def _places(self, k: int) -> list:
        if k in self.place_cache:
            return self.place_cache[k]
        s = self.sentences[k]
        t = self.t
        toks = [(m.start(), m.end()) for m in WORD.finditer(t, s.start, s.end)]
        skip = self.lex.function_words
        proclitic = self.lex.place_proclitics
        hits = []
        for i, (ts, te) in enumerate(toks):
            w = t[ts:te]
            arabic = "\u0600" <= w[0] <= "\u06ff"
            if len(w) < 3 or not (arabic or w[0].isupper()) or w in skip:
                continue
            if _not_a_place_head(w) and not (
                arabic and not _not_a_place_head(proclitic.sub("", w))
            ):
                continue  # no known place starts with this word: spare the gazetteer
            for j in (1, 0) if arabic else (2, 1, 0):
                if i + j >= len(toks):
                    continue
                end = toks[i + j][1]
                if j and any(toks[x][0] - toks[x - 1][1] != 1 for x in range(i + 1, i + j + 1)):
                    continue  # words of one name stand one space or hyphen apart
                cand = t[ts:end]
                words = [t[a:b] for a, b in toks[i : i + j + 1]]
                info = _place_info(cand) if _may_be_place(words) else None
                if info is None and not j and arabic:
                    cand = proclitic.sub("", cand)
                    info = _place_info(cand) if _may_be_place([cand]) else None
                if info and arabic and not _same_arabic(cand, info[2]):
                    info = None
                if info:
                    hits.append((ts, end, info))
                    break
        self.place_cache[k] = hits
        return hits

    def periods(self, si: int) -> list[dict]:
        """Time expressions of a sentence, joined into ranges where the wording says so."""
        if si in self.period_cache:
            return self.period_cache[si]
        s = self.sentences[si]
        lex, t, pub = self.lex, self.t, self.published
        out = []
        for m in lex.time_re.finditer(self.low, s.start, s.end):
            span = self._resolve(m, s)
            if span is None:
                continue
            rel = bool(m.group("rel") or m.group("wd"))
            # "said on Tuesday", "innrømmet i april": when it was said, not what it covers.
            reach = 40 if rel else 14
            said = bool(lex.cue_re.search(t[max(s.start, m.start() - reach) : m.start()]))
            item = {
                "start": m.start(),
                "end": m.end(),
                "span": span,
                "said": said,
                "range": False,
                "rel": rel,
                "wd": bool(m.group("wd")),
            }
            if out and out[-1]["wd"] and rel and m.start() - out[-1]["end"] <= 2:
                out[-1]["end"] = m.end()  # "Tirsdag denne uken": the day, not the week
                continue
            out.append(item)
        merged: list[dict] = []
        for item in out:
            a, b = item["span"]
            pre = t[max(s.start, item["start"] - 90) : item["start"]]
            prev = merged[-1] if merged else None
            until = lex.until_re.search(pre[-30:]) and re.search(
                r"^(?:[^\W\d]+\s+){0,3}\W*$",
                pre[lex.until_re.search(pre[-30:]).end() - 30 :].lstrip(),
            )
            if until and prev and not prev["said"] and prev["span"][0] and _shift(prev, b):
                prev.update(end=item["end"], span=(prev["span"][0], b), range=True)
                continue
            since = list(lex.since_re.finditer(pre))
            if since and pub and not re.search(r"\d", pre[since[-1].end() :]):
                item.update(span=(a, pub), range=True)
            elif until and not merged:
                item.update(span=(None, b), range=True)
            merged.append(item)
        self.period_cache[si] = merged
        return merged

    def _resolve(self, m: re.Match, s: Sentence):
        lex, pub = self.lex, self.published
        g = m.groupdict()
        if g["rel"]:
            kind = lex.relative.get(re.sub(r"\s+", " ", m.group("rel").lower()).strip())
            if kind is None:
                key = re.sub(r"\s+", " ", m.group("rel").lower())
                kind = next((v for k, v in lex.relative.items() if key.endswith(k)), None)
            si = self.sentence_of(s.start)
            if kind == "same_day":
                return self.last_day(si)
            if kind == "same_period":
                return self.last_period(si)
            return resolve_relative(kind, pub) if pub and kind else None
        if g["wd"]:
            if not pub:
                return None
            # A weekday alone, or "this week" with it, is the latest such day up to publication.
            return resolve_relative("weekday", pub, lex.weekdays[_strip(lex, m.group("wd"))])
        if g["year"]:
            y = int(g["year"])
            if not 2000 <= y <= 2035:
                return None
            return date(y, 1, 1), date(y, 12, 31)
        mon = g["mon1"] or g["mon2"] or g["mon3"]
        if (
            lex.months_capitalised
            and not self.t[m.start(0) : m.end(0)].strip()[:1].isupper()
            and not (g["day1"] or g["day2"] or g["y3"])
        ):
            return None  # English "may" is a verb unless written "May"
        month = lex.months.get(_strip(lex, mon))
        if month is None:
            return None
        year = g["y1"] or g["y2"] or g["y3"]
        if year:
            y = int(year)
        elif pub:
            y = pub.year if month <= pub.month else pub.year - 1
        else:
            return None
        day = g["day1"] or g["day2"]
        if day:
            try:
                d = date(y, month, int(day))
            except ValueError:
                return None
            return d, d
        first = date(y, month, 1)
        return first, month_end(first)

    def period(self, si: int, pos: int):
        found = [p for p in self.periods(si) if not p["said"]]
        if not found:
            return self.last_period(si)
        best = self.nearest([(p["start"], p["end"], p) for p in found], pos)[2]
        span = best["span"]
        last = self.last_period(si) if best["rel"] else None
        if (
            best["rel"]
            and last
            and last[0]
            and last[1]
            and span[0]
            and span[1]
            and span[1] - span[0] > timedelta(days=300)
            and span[0] <= last[0]
            and last[1] <= span[1]
        ):
            return last  # "last year" around a campaign already dated
        return span

    # -- claims -------------------------------------------------------------------------
    def run(self) -> list[dict]:
        claims: list[dict] = []
        mains: dict[int, dict] = {}
        said: set[tuple] = set()  # (clause, count, measure) of the claims made
        done_until = -1
        for n in self.numerals:
            if n.start < done_until:
                continue
            si = self.sentence_of(n.start)
            s = self.sentences[si]
            if n.singular and not n.measure and self._in_name(n, s):
                continue  # "الدفاع المدني": a word of a source's name, not a victim
            clause = self.clause_of(s, n.start)
            if self.excluded(n, clause):
                continue
            if n.measure and not n.listed and (clause, n.low, n.measure) in said:
                continue  # "مدنيين اثنين اصيبا": the verb agrees with victims already counted
            c = self.classify(n, s, clause, mains.get(si))
            if c is None:
                continue
            qualifier, low, high, end = self.qualify(n, s)
            done_until = end
            c.update(
                start=n.start,
                end=end,
                qualifier=qualifier,
                low=low,
                high=high,
                si=si,
                source=self.source(si, n.start),
                period=self.period(si, n.start),
            )
            if not c.pop("breakdown"):
                mains[si] = c
            said.add((clause, low, c["measure"]))
            claims.append(c)
        return claims

    def classify(self, n: Numeral, s: Sentence, clause, parent: dict | None) -> dict | None:
        kind, value, first_ok, words = self.head(n, clause[1])
        victims = measure = None
        if n.measure:
            return {"measure": n.measure, "victims": n.singular, "breakdown": False, "parent": None}
        if n.singular:
            victims = n.singular
        elif kind in ("block",):
            return None
        elif kind == "measure":
            return {"measure": value, "victims": None, "breakdown": False, "parent": None}
        elif kind == "victim":
            victims = value
        elif kind == "outcome":
            measure = value
        elif kind is None and self._partitive(n):
            # "مقتل احد الوجهاء" counts one; "جثة شاب في احد الابنية" is one of the buildings.
            if not self._after_outcome(n, clause, reach=0):
                return None
        elif not first_ok and not self._after_outcome(n, clause):
            return None
        outcomes = [c for c in self.cats_in(*clause) if c[2] == "outcome"]
        blocks = [c for c in self.cats_in(*clause) if c[2] == "block" and not self._adjectival(c)]
        if measure is None and outcomes:
            near = self.nearest(outcomes, n.start)
            before = [c for c in outcomes if c[1] <= n.start]
            if n.singular and near[0] > n.start and before and self._conjoined(near[0]):
                # "مقتل رجل وامراة واصابة ستة": the outcome after opens the next conjunct.
                near = before[-1]
            measure = near[3]
        if blocks and (not outcomes or self.nearest(blocks + outcomes, n.start)[2] == "block"):
            return None
        breakdown = False
        if parent is not None:
            between = self.t[parent["end"] : n.start]
            if self.lex.inclusion_re.search(between) and (
                victims in ("children", "women", "men") or (kind == "outcome" and words == 0)
            ):
                breakdown = True
        if breakdown and kind != "outcome":
            # "including 25 children and 15 women and injured 400": the part counts what the
            # total counts unless an outcome word stands between them.
            between = [c for c in self.cats_in(parent["end"], n.start) if c[2] == "outcome"]
            if not between:
                measure = parent["measure"]
        if victims is None and kind is None:
            vs = [c for c in self.cats_in(*clause) if c[2] == "victim"]
            after = [c for c in vs if c[0] >= n.end]
            if after:
                victims = after[0][3]
            elif vs:
                victims = vs[-1][3]
        if measure is None:
            if parent is not None and (breakdown or victims is None or kind is None):
                measure = parent["measure"]
                if victims is None:
                    victims = parent["victims"]
            elif victims is not None and not n.singular:
                sent_out = [c for c in self.cats_in(s.start, s.end) if c[2] == "outcome"]
                if sent_out:
                    measure = self.nearest(sent_out, n.start)[3]
        if measure is None:
            return None
        if breakdown and (victims is None or victims == "people") and parent is not None:
            victims = parent["victims"]
        if victims is None:
            victims = "people"
        return {
            "measure": measure,
            "victims": victims,
            "breakdown": breakdown,
            "parent": parent if breakdown else None,
        }


def _bounds(name: str, n: Numeral) -> tuple[str, int | None, int | None, int]:
    if name in ("at_least", "more_than"):
        return name, n.low, None, n.end
    if name == "up_to":
        return name, None, n.high, n.end
    return name, n.low, n.high, n.end


def _shift(prev: list, end: date | None) -> bool:
    """Joins "from June to October 2017": the start takes the end's year when it must."""
    a = prev["span"][0]
    if end is None:
        return False
    while a > end and a.year > end.year - 2:
        a = a.replace(year=a.year - 1)
    if a > end:
        return False
    prev["span"] = (a, prev["span"][1])
    return True


def _here(ex: Extractor, si: int, country: str) -> bool:
    names = ex.countries_in(si)
    return not names or country in names


def _strip(lex: Lexicon, word: str) -> str:
    w = re.sub(r"\s+", " ", word.lower())
    for table in (lex.months, lex.weekdays):
        for k in sorted(table, key=len, reverse=True):
            if w.endswith(k):
                return k
    return w


_PLACE_CACHE: dict[str, tuple[str, str, str] | None] = {}
_TOKEN_FORMS: dict[str, tuple[str, str]] = {}


@cache
def _place_heads() -> frozenset[str] | None:
    """First word (spelling and sound form) of every curated place name: a candidate whose
    first word is none of these cannot be a known place, so the gazetteer is not asked."""
    try:
        import yaml

        from ingestion.gazetteer import ALIASES_FILE
    except ImportError:
        return None
    doc = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))
    heads: set[str] = set()
    for p in doc["places"]:
        for n in {p["name_en"], p["name_ar"], *map(str, p.get("aliases", []))}:
            heads.update(f for f in _forms(str(n)) if f)
    return frozenset(heads)


def _forms(name: str) -> tuple[str, str]:
    """(first word of the gazetteer's normal form, first word of its sound form)."""
    from ingestion.gazetteer import normal_form, sound_form

    norm = normal_form(name).split(" ")[0]
    sound = sound_form(name)
    sound = sound[3:].split("-")[0] if sound.startswith("ar:") else sound.split(" ")[0]
    return norm, sound


def _not_a_place_head(word: str) -> bool:
    heads = _place_heads()
    if heads is None:
        return False
    forms = _TOKEN_FORMS.get(word)
    if forms is None:
        forms = _TOKEN_FORMS[word] = _forms(word)
    return bool(forms[0] or forms[1]) and forms[0] not in heads and forms[1] not in heads


def _may_be_place(words: list[str]) -> bool:
    heads = _place_heads()
    if heads is None:
        return True
    for w in words:
        forms = _TOKEN_FORMS.get(w)
        if forms is None:
            forms = _TOKEN_FORMS[w] = _forms(w)
        if forms[0] or forms[1]:  # the first word that is not an article or a stop word
            return forms[0] in heads or forms[1] in heads
    return False


def _same_arabic(token: str, name_ar: str) -> bool:
    """Arabic tokens must spell the place, not only share its consonants (مدنيين ≠ Mayadin)."""

    def bare(w: str) -> str:
        w = normalise(w)[0].replace("ة", "ه")
        return re.sub(r"^(?:[وفبل]?ال|[وفبل])", "", w) if len(w) > 4 else w

    return bool(name_ar) and bare(token) == bare(name_ar.split()[0])


def _place_info(name: str):
    key = name
    if key not in _PLACE_CACHE:
        try:
            from ingestion.gazetteer import lookup
        except ImportError:  # the gazetteer is optional for extraction
            return None
        info = lookup(name)
        if info and info.get("latitude") is not None and info.get("name_en"):
            _PLACE_CACHE[key] = (info["name_en"], info["country"], info.get("name_ar") or "")
        else:
            _PLACE_CACHE[key] = None
    return _PLACE_CACHE[key]


def extract(
    text: str,
    *,
    doc_id: str,
    language: str | None,
    published: date | None,
    published_precision: str = "day",
) -> list[dict]:
    """Contract claims of one document; spans index into `text` exactly as given.
    `published_precision` (day, month, year): a publication known only to the month may be
    any day of it, so periods are held to its last day."""
    from ingestion.documents import detect_language

    language = language or detect_language(text) or "en"
    try:
        lex = load(language)
    except KeyError:
        return []
    latest = published_until(published, published_precision)
    norm, back = normalise(text)
    ex = Extractor(norm, lex, published)
    raw = ex.run()

    def orig(i: int) -> int:
        return back[i] if back is not None else i

    out: list[dict] = []
    by_main: dict[int, str] = {}
    for c in raw:
        si = c["si"]
        s = ex.sentences[si]
        start, end = orig(c["start"]), orig(c["end"] - 1) + 1 if back is not None else c["end"]
        attributed = c["source"]
        perp = ex.perpetrator(si, c["start"])
        if (
            attributed
            and SOURCE_TYPES.get(attributed) == "coalition"
            and not ex._perps(ex.sentences[si].start, ex.sentences[si].end)
        ):
            perp = "coalition"  # the coalition counting is the coalition admitting
        country = ex.country(si, c["start"])
        place, pcountry = ex.place(si, c["start"])
        if pcountry and (country is None or ex.sentence_of(c["start"]) == si):
            country = pcountry if country is None or _here(ex, si, pcountry) else country
        period = c["period"] or (None, None)
        ps, pe = period
        if latest and ps and ps > latest:
            # a figure cannot cover days after it was published: a misread date (a page's
            # footer, a dateline the metadata contradicts), so no period rather than a wrong one
            ps = pe = None
        elif latest and pe and pe > latest:
            pe = latest  # "this month" in a story of the 10th runs to the 10th
        qs, qe = orig(s.start), orig(s.end - 1) + 1
        quote = text[qs:qe].strip()
        cid = claim_id(doc_id, start, end, c["measure"], c["victims"])
        by_main.setdefault(id(c), cid)
        parent = c.get("parent")
        out.append(
            {
                "claim_id": cid,
                "doc_id": doc_id,
                "char_start": start,
                "char_end": end,
                "numeral": text[start:end],
                "quote": quote,
                "language": language,
                "measure": c["measure"],
                "victims": c["victims"] if c["measure"] in ("killed", "injured") else None,
                "count_low": c["low"],
                "count_high": c["high"],
                "qualifier": c["qualifier"],
                "perpetrator": perp,
                "attributed_to": attributed,
                "source_type": SOURCE_TYPES.get(attributed) if attributed else None,
                "place": place,
                "country": country,
                "period_start": ps.isoformat() if ps else None,
                "period_end": pe.isoformat() if pe else None,
                "parent_claim_id": by_main.get(id(parent)) if parent else None,
            }
        )
    return out
