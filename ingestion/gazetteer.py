"""One key per place, whatever the script or spelling, so every source joins on places.

Sources spell one town many ways (Kobani/Koboni/Ayn al Arab/عين العرب, Dayr az Zawr/Deir
Ezzor/دير الزور). A key is found in three steps:

1. the curated alias table (`gazetteer_aliases.yaml`, data, not code) by normalised form:
   case, diacritics, apostrophes, hyphens, articles (al-/ar-/as-/ad-/ash-/ez-...), final
   -ah/-eh and Arabic hamza/alef/taa-marbuta variants folded;
2. the same table by sound: Latin vowel runs (with w, y) folded to one vowel, digraphs
   (sh, kh, gh, th, dh) and doubled letters collapsed, q/c -> k, so an unlisted spelling of
   a listed place (Abo Kamal, Al Bagouz) still lands on its key; vowels are kept as
   positions so Qanatar does not become Quneitra. Only forms of 6+ letters are trusted
   (short ones collide: Saida/Suwayda, Marwah/Marea), so short names are listed in full.
   Arabic spellings are compared with the table's Arabic spellings by consonant skeleton;
3. otherwise `<country>-<skeleton>`: Latin and Arabic both reduced to consonants (Arabic
   transliterated first; vowels, w and y dropped), so the Latin and Arabic names of an
   unlisted village usually meet (`sy-ft` for Al-Fatih and الفتيح); `xx-` when the country
   is unknown.

A name like "Al-Fatih, Jableh District" is keyed on its first part, the most specific
place; "Near Mosul" is keyed as Mosul.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import yaml

ALIASES_FILE = Path(__file__).with_name("gazetteer_aliases.yaml")

COUNTRY_ISO = {
    "sy": "SY",
    "syria": "SY",
    "syrian arab republic": "SY",
    "سوريا": "SY",
    "سورية": "SY",
    "iq": "IQ",
    "iraq": "IQ",
    "العراق": "IQ",
}

_LATIN_ARTICLES = {
    "al", "el", "ar", "as", "ad", "ash", "at", "az", "an", "adh", "ath", "ez", "es", "ed",
    "er", "ul", "ud", "ur", "us", "ibn",
}  # fmt: skip
_LATIN_STOP = {"near", "city", "town", "village", "the", "of", "outskirts", "centre", "center"}
_ARABIC_STOP = {"مدينه", "قريه", "بلده", "قرب", "بالقرب", "من", "محيط"}
_APOSTROPHES = "'’‘`ʿʾ´ʻʼ"
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
_ARABIC_CHARS = re.compile("[\u0600-\u06ff]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي",
                              "ؤ": "و", "ئ": "ي", "،": ","})  # fmt: skip
_ARABIC_TO_LATIN = str.maketrans({
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "k", "د": "d", "ذ": "d", "ر": "r",
    "ز": "z", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "g", "ف": "f",
    "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "", "ي": "", "ا": "",
    "ع": "", "ء": "", "پ": "p", "ڤ": "v", "گ": "g", "چ": "j", "ژ": "j", "ک": "k", "ی": "",
})  # fmt: skip
_DIGRAPHS = [("sh", "s"), ("kh", "k"), ("gh", "g"), ("th", "t"), ("dh", "d"), ("ph", "f"),
             ("ch", "s"), ("q", "k"), ("c", "k"), ("x", "ks")]  # fmt: skip
_SUN_GLUED = re.compile(r"^[ae]([tdrzsnl])\1(?=[a-z]{2})")  # ezzor -> zor, arraqqa -> raqqa


def script(name: str | None) -> str | None:
    """'arabic' when the name holds Arabic letters, else 'latin'."""
    if not name:
        return None
    return "arabic" if _ARABIC_CHARS.search(name) else "latin"


def country_iso(country: str | None) -> str | None:
    """ISO alpha-2 for a country as sources write it (Syria, SY, العراق); None if unknown."""
    if not country or not str(country).strip():
        return None
    c = str(country).strip()
    return COUNTRY_ISO.get(c.lower(), c.upper() if len(c) == 2 and c.isalpha() else None)


def most_specific(name: str) -> str:
    return re.split(r"[,،(]|\s[-–]\s", name, maxsplit=1)[0].strip()


@lru_cache(maxsize=65536)
def normal_form(name: str) -> str:
    """Spelling with case, marks, articles and hyphens folded (exact-match form). Cached: a
    corpus names the same few thousand places over and over."""
    part = most_specific(name)
    if script(part) == "arabic":
        s = _ARABIC_MARKS.sub("", part).translate(_ARABIC_FOLD)
        toks = [t for t in re.split(r"[^\u0600-\u06ff0-9]+", s) if t]
        out = []
        for t in toks:
            if t.startswith("ال") and len(t) > 3:
                t = t[2:]
            if t not in _ARABIC_STOP:
                out.append(t)
        return " ".join(out)
    s = unicodedata.normalize("NFKD", part)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(f"[{_APOSTROPHES}]", "", s)
    toks = [t for t in re.split(r"[^a-z0-9]+", s) if t]
    out = []
    for t in toks:
        if t in _LATIN_ARTICLES or t in _LATIN_STOP:
            continue
        t = _SUN_GLUED.sub(r"\1", t)
        if len(t) > 3 and (t.endswith("ah") or t.endswith("eh")):
            t = t[:-1]
        out.append(t)
    return " ".join(out)


@lru_cache(maxsize=65536)
def _latin_skeleton(token: str) -> str:
    s = token
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = re.sub(r"[aeiouyw]", "", s)
    s = re.sub(r"(.)\1+", r"\1", s)
    if len(s) > 1 and s.endswith("h"):
        s = s[:-1]
    return s or token


@lru_cache(maxsize=65536)
def _vowel_fold(token: str) -> str:
    s = token
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)
    s = re.sub(r"[aeiouyw]+", "a", s)
    s = re.sub(r"(.)\1+", r"\1", s)
    if len(s) > 2 and s.endswith("ah"):
        s = s[:-1]
    return s


def sound_form(name: str) -> str:
    """Spelling with vowel variants folded (Kobani/Koboni/Kobane -> 'kabana'): Latin only;
    Arabic names give their consonant skeleton, matched against Arabic spellings only."""
    form = normal_form(name)
    if script(form) == "arabic":
        return "ar:" + skeleton(name)
    return " ".join(_vowel_fold(t) for t in form.split())


def skeleton(name: str) -> str:
    """Consonant skeleton shared by Latin and Arabic spellings, words joined by '-'."""
    form = normal_form(name)
    words = []
    for tok in form.split():
        if script(tok) == "arabic":
            lat = tok.translate(_ARABIC_TO_LATIN)
            lat = re.sub(r"(.)\1+", r"\1", lat)
            if len(lat) > 1 and lat.endswith("h"):
                lat = lat[:-1]
            words.append(lat or tok)
        else:
            words.append(_latin_skeleton(tok))
    return "-".join(w for w in words if w)


@cache
def _table() -> tuple[dict[str, dict], dict[str, list[str]], dict[str, list[str]]]:
    """(entries by key, keys by normal form, keys by sound form) from the alias file."""
    doc = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))
    entries: dict[str, dict] = {}
    by_form: dict[str, list[str]] = {}
    by_skel: dict[str, list[str]] = {}
    for p in doc["places"]:
        key = p["key"]
        if key in entries:
            raise ValueError(f"{ALIASES_FILE.name}: duplicate key {key}")
        entries[key] = p
        names = {p["name_en"], p["name_ar"], *map(str, p.get("aliases", []))}
        for n in names:
            for index, k in ((by_form, normal_form(n)), (by_skel, sound_form(n))):
                if k and key not in index.setdefault(k, []):
                    index[k].append(key)
    return entries, by_form, by_skel


def _pick(keys: list[str], cc: str | None) -> str | None:
    entries = _table()[0]
    if cc:
        keys = [k for k in keys if entries[k]["country"] == cc]
    return keys[0] if len(keys) == 1 else None


def _curated_key(name: str, cc: str | None) -> str | None:
    _, by_form, by_skel = _table()
    key = _pick(by_form.get(normal_form(name), []), cc)
    if key:
        return key
    sound = sound_form(name)
    if len(sound.replace(" ", "").replace("ar:", "").replace("-", "")) >= 6:
        return _pick(by_skel.get(sound, []), cc)
    return None


def place_key(name: str | None, country: str | None = None) -> str | None:
    """Stable key for a place name (e.g. 'sy-raqqa'); None for a blank name."""
    if name is None or not str(name).strip():
        return None
    name = str(name)
    cc = country_iso(country)
    key = _curated_key(name, cc)
    if key:
        return key
    skel = skeleton(name)
    if not skel:
        return None
    return f"{(cc or 'xx').lower()}-{skel}"


def canonical_name(name: str | None, country: str | None = None) -> str | None:
    """Common English name: the curated one, else the Latin spelling as written."""
    info = lookup(name, country)
    return None if info is None else info["name_en"]


def lookup(name: str | None, country: str | None = None) -> dict | None:
    """What is known of a place: key, English and Arabic names, admin1, country, coordinates."""
    key = place_key(name, country)
    if key is None:
        return None
    entry = _table()[0].get(key)
    if entry:
        return {
            "place_key": key,
            "name_en": entry["name_en"],
            "name_ar": entry["name_ar"],
            "admin1_en": entry.get("admin1_en"),
            "country": entry["country"],
            "latitude": entry.get("lat"),
            "longitude": entry.get("lon"),
        }
    part = re.sub(r"(?i)^near\s+", "", most_specific(str(name)))
    arabic = script(part) == "arabic"
    return {
        "place_key": key,
        "name_en": None if arabic else part,
        "name_ar": part if arabic else None,
        "admin1_en": None,
        "country": country_iso(country),
        "latitude": None,
        "longitude": None,
    }


_ADMIN_NOISE = re.compile(
    r"(?i)\b(governorate|province|countryside|district|eastern|western|northern|southern|"
    r"rural|north|south|east|west)\b"
)


def admin1(name: str | None, country: str | None = None) -> str | None:
    """Governorate/province name normalised to the curated English spelling when known
    ('eastern Hama governorate' -> 'Hama'); 'Hama or Idlib' keeps its first named."""
    if name is None or not str(name).strip():
        return None
    name = re.split(r"\s+(?:or|and)\s+|/", str(name), maxsplit=1)[0]
    cleaned = re.sub(r"\s+", " ", _ADMIN_NOISE.sub(" ", name)).strip(" -")
    info = lookup(cleaned or name, country)
    if info is None:
        return None
    return info["admin1_en"] if info["admin1_en"] else info["name_en"]
