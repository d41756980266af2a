"""Personal names out of short texts (claim quotes), in en, nb, da and ar.

The warehouse keeps counts, not names, but news and NGO posts name the dead in the very
sentence that holds the figure. A name is recognised by what introduces it (a cue word:
"the child", "الشهيد", "sønnen") or by what follows it (", 34,", "(34)", "and his son"),
never by a list of names. The cue and the numeral stay, so the quote still reads as the
claim it backs; known places (the gazetteer) and organisations stay too. Cue words are data,
in redact_cues.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import yaml

from ingestion.documents import normalise

CUES_FILE = Path(__file__).with_name("redact_cues.yaml")
AR = "\u0621-\u064a"
MARKS = "\u0640\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d"
_AR_WORD = re.compile(rf"[{AR}][{AR}{MARKS}]*")
_MARKS = re.compile(rf"[{MARKS}]")
_AR_LETTER = re.compile(rf"[{AR}]")
_LATIN_WORD = re.compile(r"[^\W\d_](?:[\w’']|-(?=[^\W\d_]))*")
_AR_PROCLITIC = re.compile(r"^[وف]?[بلك]?(?=ال)|^[وف](?=[^ا])")
_SPACES = re.compile(r"[ \t]+")
_AND_NEXT = re.compile(r"\s*(?:,\s*(?:and\s+|og\s+)?|\s+(?:and|og)\s+)")
MAX_LATIN, MAX_ARABIC = 5, 4


class _Tok(NamedTuple):
    s: int
    e: int
    w: str


@dataclass(frozen=True)
class _Rules:
    token: str
    organisations: frozenset[str]
    org_re: re.Pattern
    particles: frozenset[str]
    latin_stop: frozenset[str]
    after_re: re.Pattern
    latin_place_before: re.Pattern
    latin_cues: dict[str, re.Pattern]
    ar_cues: frozenset[str]
    ar_kunya: frozenset[str]
    ar_chain: frozenset[str]
    ar_waw_names: frozenset[str]
    ar_stop: frozenset[str]
    ar_place_before: frozenset[str]
    ar_not_name_prefixes: tuple[str, ...]
    ar_list_cues: frozenset[str]
    ar_verb_cues: frozenset[str]
    ar_adjective_cues: frozenset[str]


def _fold(word: str) -> str:
    return normalise(str(word))[0]


def _phrases(items: list[str]) -> str:
    return "|".join(sorted((str(i).replace(" ", r"\s+") for i in items), key=len, reverse=True))


@cache
def _rules() -> _Rules:
    d = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    lat, ar = d["latin"], d["arabic"]
    orgs = [str(o) for o in d["organisations"]]
    cues = {}
    for lang, items in d["cues"].items():
        exact = [c for c in items if any(ch.isupper() for ch in c)]
        # only an abbreviation takes a full stop ("Mr."); after a word it ends the sentence
        # ("... killed a civilian. Based on ..." is no name)
        abbrev = [c for c in exact if c.isalpha() and len(c) <= 3]
        exact = [c for c in exact if c not in abbrev]
        folded = [c for c in items if c not in exact and c not in abbrev]
        parts = []
        if folded:
            parts.append(f"(?i:{_phrases(folded)})")
        if exact:
            parts.append(_phrases(exact))
        if abbrev:
            parts.append(rf"(?:{_phrases(abbrev)})\.?")
        cues[lang] = re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])[\s:,\"“«']*")
    return _Rules(
        token=d["token"],
        organisations=frozenset(o.lower() for o in orgs),
        org_re=re.compile(rf"(?i)^(?:{'|'.join(re.escape(o) for o in orgs)})(?![\w])"),
        particles=frozenset(str(p) for p in lat["particles"]),
        latin_stop=frozenset(str(w) for w in lat["stop_words"]),
        after_re=re.compile("|".join(f"(?:{a})" for a in lat["after"])),
        latin_place_before=re.compile(rf"(?i)(?<!\w)(?:{_phrases(lat['place_before'])})\s+$"),
        latin_cues=cues,
        ar_cues=frozenset(_fold(w) for w in ar["cues"]),
        ar_kunya=frozenset(_fold(w) for w in ar["kunya"]),
        ar_chain=frozenset(_fold(w) for w in ar["chain"]),
        ar_waw_names=frozenset(_fold(w) for w in ar["waw_names"]),
        ar_stop=frozenset(_fold(w) for w in ar["stop_words"]),
        ar_place_before=frozenset(_fold(w) for w in ar["place_before"]),
        ar_not_name_prefixes=tuple(_fold(w) for w in ar["not_name_prefixes"]),
        ar_list_cues=frozenset(_fold(w) for w in ar["list_cues"]),
        ar_verb_cues=frozenset(_fold(w) for w in ar["verb_cues"]),
        ar_adjective_cues=frozenset(_fold(w) for w in ar["adjective_cues"]),
    )


@cache
def _known_place(name: str) -> bool:
    """A place the gazetteer curates (its fallback answers for any string, so ask for a point)."""
    from ingestion.gazetteer import lookup

    try:
        info = lookup(name)
    except (KeyError, ValueError):
        return False
    return bool(info and info.get("latitude") is not None)


@cache
def _qualifier_words(language: str) -> frozenset[str]:
    from ingestion.claims.lexicon import LANG_DIR

    d = yaml.safe_load((LANG_DIR / f"{language}.yaml").read_text(encoding="utf-8"))
    phrases = [p for ps in d.get("qualifiers", {}).values() for p in ps]
    phrases += [p for ps in d.get("range", {}).values() for p in ps]
    return frozenset(_fold(w).lower() for p in phrases for w in str(p).split())


@cache
def _claim_word(word: str, language: str) -> bool:
    """A word the claim extractor reads (number, qualifier, victim noun): never a name."""
    from ingestion.claims.lexicon import load

    lex = load(language)
    w = word.lower()
    if w in lex.numbers or w in _qualifier_words(language) or w in lex.vague:
        return True
    if w in (lex.singular_nouns or {}) or w in (lex.dual_nouns or {}):
        return True
    patterns = (lex.number_re, lex.vague_re, lex.cat_re)
    return any(m.span() == (0, len(w)) for p in patterns for m in p.finditer(w))


def _kept(run: str, r: _Rules) -> bool:
    """A place or an organisation, not a person."""
    bare = run.strip(" ,.'’")
    return bool(bare.lower() in r.organisations or r.org_re.match(bare) or _known_place(bare))


# --- Latin script -------------------------------------------------------------------------


def _is_particle(word: str, r: _Rules) -> bool:
    head = word.split("-", 1)[0]
    return word in r.particles or ("-" in word and head in r.particles)


def _capital(word: str, r: _Rules) -> bool:
    """A capitalised name word: "Example", or a particle joined to one ("al-Example")."""
    if _is_particle(word, r):
        tail = word.split("-", 1)[1] if "-" in word else ""
        return tail[:1].isupper()
    return word[0].isupper()


def _latin_run(text: str, pos: int, r: _Rules) -> tuple[int, int] | None:
    """The span of a capitalised name run starting at pos, if there is one."""
    words: list[re.Match] = []
    i = pos
    while len(words) < MAX_LATIN:
        j = i
        if words:
            sp = _SPACES.match(text, i)
            if not sp:
                break
            j = sp.end()
        m = _LATIN_WORD.match(text, j)
        if not m:
            break
        w = m.group()
        if w in r.latin_stop or re.sub(r"[’']s$", "", w) in r.latin_stop:
            break
        if not (w[0].isupper() or _is_particle(w, r)) or _claim_word(w, "en"):
            break
        words.append(m)
        i = m.end()
    while words and not _capital(words[-1].group(), r):
        words.pop()
    if not words or not any(_capital(w.group(), r) for w in words):
        return None
    start, end = words[0].start(), words[-1].end()
    if _kept(text[start:end], r) or _kept(words[0].group(), r):
        return None
    if r.latin_place_before.search(text[max(0, start - 30) : start]):
        return None
    return start, end


# A nickname in brackets right after a name is part of it: "Mr. A Example (Abu B)".
_ALIAS = re.compile(r"\s*\((?:\s*[A-Z][\w'’-]*){1,4}\s*\)")


def _with_alias(text: str, run: tuple[int, int]) -> tuple[int, int]:
    m = _ALIAS.match(text, run[1])
    return (run[0], m.end()) if m else run


def _latin_spans(text: str, language: str | None, r: _Rules) -> list[tuple[int, int]]:
    spans = _latin_runs(text, language, r)
    return [_with_alias(text, run) for run in spans]


def _latin_runs(text: str, language: str | None, r: _Rules) -> list[tuple[int, int]]:
    spans = []
    cue = r.latin_cues.get(language or "en", r.latin_cues["en"])
    for m in cue.finditer(text):
        run = _latin_run(text, m.end(), r)
        before = text[max(0, m.start() - 30) : m.start()]
        if run and not r.latin_place_before.search(before):  # "in Sheikh <place>"
            if not _known_place(text[m.start() : run[1]]):
                spans.append(run)
                while more := _AND_NEXT.match(text, run[1]):  # "named A, B and C"
                    run = _latin_run(text, more.end(), r)
                    if not run:
                        break
                    spans.append(run)
    # No cue before it, but a name by what follows: "Ahmad Example, 34," / "(34)" / "and his son".
    for m in r.after_re.finditer(text):
        words = []
        for w in reversed(list(_LATIN_WORD.finditer(text, max(0, m.start() - 80), m.start()))):
            tail = text[w.end() : words[-1].start() if words else m.start()]
            if tail.strip() or len(words) >= MAX_LATIN:
                break
            g = w.group()
            if g in r.latin_stop or not (g[0].isupper() or _is_particle(g, r)):
                break
            words.append(w)
        while words and _is_particle(words[-1].group(), r):
            words.pop()
        if words and words[-1].group()[0].isupper():
            run = _latin_run(text, words[-1].start(), r)
            if run and run[1] == m.start():
                spans.append(run)
    return spans


# --- Arabic script ------------------------------------------------------------------------


def _bare(word: str) -> str:
    """The word without a proclitic conjunction/preposition ("والطفل", "للطفل" -> "الطفل")."""
    lil = re.match(r"^[وف]?لل(?=[^ل])", word)
    if lil and len(word) > lil.end() + 2:
        return "ال" + word[lil.end() :]
    return _AR_PROCLITIC.sub("", word)


def _ar_name_word(word: str, first: bool, r: _Rules) -> bool:
    if word in r.ar_stop or _bare(word) in r.ar_stop or len(word) < 2:
        return False
    if word[0] in "وفبلك" and (word[1:] in r.ar_stop or _claim_word(word[1:], "ar")):
        return False  # "بريف", "لثلاثة"
    if word[0] == "و" and word not in r.ar_waw_names:
        return False
    if re.match(r"^[بلفك]ال|^لل", word):
        return False
    if first and word.startswith("ال"):
        return False
    return not _claim_word(word, "ar") and not _known_place(word)


def _and_name(word: str, r: _Rules) -> bool:
    """و + a given name (not و + a kinship or victim noun, which is no name)."""
    if len(word) < 4 or word[0] != "و" or word in r.ar_waw_names:
        return False
    rest = word[1:]
    if rest in r.ar_cues or rest.startswith(r.ar_not_name_prefixes):
        return False
    return _ar_name_word(rest, first=True, r=r)


def _ar_spans(norm: str, r: _Rules) -> list[tuple[int, int]]:
    words = [_Tok(m.start(), m.end(), _MARKS.sub("", m.group())) for m in _AR_WORD.finditer(norm)]
    spans: list[tuple[int, int]] = []

    all_cues = r.ar_cues | r.ar_list_cues

    def joined(a: int, b: int) -> bool:  # only spaces between words a and b
        return not norm[words[a].e : words[b].s].strip()

    def ali_is_name(j: int, k: int) -> bool:
        """After بن, or between a name word and a family name with the article."""
        if j > 0 and words[j - 1].w in r.ar_chain:
            return True
        nxt = words[j + 1].w if j + 1 < len(words) and joined(j, j + 1) else ""
        return j > k and nxt.startswith("ال") and _ar_name_word(nxt, False, r)

    def run_from(k: int, limit: int = MAX_ARABIC) -> int:
        """Index after the last name word of a run starting at word k (k when none)."""
        j, n, names = k, 0, 0
        while j < len(words) and n < limit:
            w = words[j].w
            if j > k and not joined(j - 1, j):
                break
            if w in r.ar_chain and j > k and j + 1 < len(words) and joined(j, j + 1):
                j += 1
                continue
            if w == "علي" and ali_is_name(j, k):  # folded "على" (on) or the name Ali
                j, n, names = j + 1, n + 1, names + 1
                continue
            if {w, _bare(w)} & all_cues:
                break  # "الرجل ابنه ...": a second cue is no name word; its own run follows
            if not _ar_name_word(w, first=(j == k), r=r):
                if w == "ال" and j + 1 < len(words) and joined(j, j + 1):  # آل <family>
                    j += 1
                    continue
                if j > k and _and_name(w, r):  # "<name> و<name>": two people, one cue
                    j, n = j + 1, 0
                    continue
                break
            j, n, names = j + 1, n + 1, names + 1
        while j > k and words[j - 1].w in r.ar_chain | {"ال"}:
            j -= 1
        return j if names else k

    def place_before(i: int) -> bool:
        """A place word one or two words back ("قرية تل أبو ...")."""
        for back in (1, 2):
            if i - back < 0 or not joined(i - back, i - back + 1):
                return False
            if _bare(words[i - back].w) in r.ar_place_before:
                return True
        return False

    for i, m in enumerate(words):
        w, bare = m.w, _bare(m.w)
        cue = {w, bare} & all_cues
        if cue and bare in r.ar_adjective_cues and i > 0 and joined(i - 1, i):
            prev = _bare(words[i - 1].w)
            if prev.startswith("ال") or _known_place(prev):
                cue = set()  # it describes what is before it: "الدفاع المدني", "مجلس منبج المدني"
        if cue and not place_before(i):  # "حي الشيخ ..."
            k = i + 1
            gap = norm[m.e : words[k].s] if k < len(words) else ""
            if bare in r.ar_list_cues and ":" not in gap:  # "الشهداء: <names>" only
                continue
            while k < len(words) and not gap.strip(" :/\t\"«»“”'"):  # a name may be quoted
                end = run_from(k)
                if end == k:
                    break
                spans.append((words[k].s, words[end - 1].e))
                if bare not in r.ar_list_cues or end >= len(words):
                    break
                k, gap = end, norm[words[end - 1].e : words[end].s]  # "، <name>، <name>"
                gap = gap.replace("،", "").replace(",", "").replace("-", "")
                if words[k].w[0] == "و" and _and_name(words[k].w, r):
                    spans.append((words[k].s, words[k].s + 1))
                    words[k] = _Tok(words[k].s + 1, words[k].e, words[k].w[1:])
        elif bare in r.ar_verb_cues and i + 1 < len(words) and joined(i, i + 1):
            end = run_from(i + 1)  # "استشهاد <first> <family>": two name words at least
            if end - (i + 1) >= 2 and words[end - 1].w.startswith("ال"):
                spans.append((words[i + 1].s, words[end - 1].e))
        elif bare in r.ar_kunya and i + 1 < len(words) and joined(i, i + 1):
            end = run_from(i + 1, limit=3)
            if end > i + 1 and not place_before(i):
                whole = norm[m.s : words[end - 1].e]
                if not _known_place(whole) and not _known_place(_bare(whole)):
                    spans.append((m.s + len(w) - len(bare), words[end - 1].e))
        elif w in r.ar_chain and 0 < i < len(words) - 1 and joined(i - 1, i) and joined(i, i + 1):
            prev = words[i - 1].w
            cut = 1 if prev[0] in "وف" and prev not in r.ar_waw_names and len(prev) > 3 else 0
            if _ar_name_word(prev[cut:], True, r) and not place_before(i - 1):
                end = run_from(i + 1, limit=3)
                if end > i + 1:
                    spans.append((words[i - 1].s + cut, words[end - 1].e))
    return spans


# --- both ---------------------------------------------------------------------------------


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _name_spans(text: str, language: str | None) -> list[tuple[int, int]]:
    r = _rules()
    spans = _latin_spans(text, language if language in r.latin_cues else "en", r)
    if _AR_LETTER.search(text):
        norm, back = normalise(text)
        for a, b in _ar_spans(norm, r):
            spans.append((back[a], back[b]) if back is not None else (a, b))
    return _merge(spans)


def redact_names(
    text: str,
    language: str | None,
    keep: str | None = None,
    known: frozenset[str] | set[str] = frozenset(),
) -> str:
    """The text with each person-name run replaced by "[name withheld]"; all else as it was.
    `keep`: a claim's numeral ("فتى", "a shepherd") that counts a victim and can open a name
    run; it stays, only the name after (or before) it goes. `known`: names found elsewhere in
    the same document (`names_in`), withheld here too even where no cue stands beside them."""
    if not text:
        return text
    spans = _name_spans(text, language)
    present = [name for name in known if name in text]  # most quotes name none of them
    if present:
        alternation = "|".join(re.escape(n) for n in sorted(present, key=len, reverse=True))
        pattern = re.compile(rf"(?<![^\W\d_])(?:{alternation})(?![^\W\d_])")
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    spans = _merge(spans)
    if keep:
        spans = _spare(text, spans, keep)
    out, token = text, _rules().token
    for a, b in reversed(spans):
        out = out[:a] + token + out[b:]
    return out


def withhold_names(value):
    """Any value, with a person's name withheld if it is free text: rows held back and error
    messages quote the cells they fail on, and a cell of free text can name the dead."""
    if not isinstance(value, str) or len(value.split()) < 2:
        return value
    return redact_names(value, None)


def names_in(text: str, language: str | None) -> frozenset[str]:
    """The names of two or more words that the cues find anywhere in a document. A quote is one
    sentence: the cue that marks a name ("the martyr", "his son") is often in another, so a
    document's quotes are redacted with the names its whole text gives (`known`). Single words
    are left to the cues: withheld everywhere, a word that only looked like a name would blank
    out ordinary words of every quote."""
    if not text:
        return frozenset()
    out = set()
    for a, b in _name_spans(text, language):
        name = text[a:b].strip()
        alias = _ALIAS_PARTS.match(name)  # "A Example (Abu B)": each part may stand alone
        for part in (alias.group(1), alias.group(2)) if alias else (name,):
            if len(part.split()) >= 2:
                out.add(part.strip())
    return frozenset(out)


_ALIAS_PARTS = re.compile(r"^(.*?)\s*\((.*)\)$")


def _spare(text: str, spans: list[tuple[int, int]], keep: str) -> list[tuple[int, int]]:
    found = [(m.start(), m.end()) for m in re.finditer(re.escape(keep), text)]
    out = []
    for a, b in spans:
        for s, e in found:
            if s <= a < e or (a <= s and e <= b and text[a:s].strip() == ""):
                a = e  # the numeral opens the run: the name is what follows it
            elif a < s < b:
                b = s  # the name runs into the numeral: stop before it
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out
