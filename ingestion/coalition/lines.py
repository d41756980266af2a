"""One incident line of a coalition casualty report, read into its parts.

The lines follow a loose template ("<date>, near <place>, Syria, via <source> report. <verdict
sentence>. <report no>/<Airwars code> <MGRS>"), but twelve years of releases bend it: abbreviated
and military dates, list numbering, lines with no header at all. Each field is looked for on its
own so a missing part does not lose the others.
"""

from __future__ import annotations

import re
from datetime import date

from ingestion.coalition.numbers import NUMBER, NUMBER_STRICT, to_int

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
_D = r"(?:[0-3]?\d)"
_Y = r"(?:20[12]\d)"
_RANGE_TWO_MONTHS = re.compile(
    rf"(?P<m1>{MON})\s*(?P<d1>{_D}),?\s*(?P<y1>{_Y})?\s*(?:-|–|—|to|and|through)\s*"
    rf"(?P<m2>{MON})\s*(?P<d2>{_D}),?\s*(?P<y2>{_Y})"
)
_RANGE_ONE_MONTH = re.compile(
    rf"(?P<m1>{MON})\s*(?P<d1>{_D})\s*(?:-|–|—|/|to|and)\s*(?P<d2>{_D}),?\s*(?P<y2>{_Y})"
)
_DAY = re.compile(rf"(?P<m1>{MON})\s*(?P<d1>{_D})(?:st|nd|rd|th)?,?\s*(?P<y1>{_Y})")
_DAY_FIRST = re.compile(rf"\b(?P<d1>{_D})\s+(?P<m1>{MON}),?\s+(?P<y1>{_Y})")
_MILITARY = re.compile(
    r"\b(?P<d1>[0-3]\d)\s?(?P<m1>JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\s?(?P<y1>\d{2})\b"
)
_MONTH_ONLY = re.compile(rf"(?P<m1>{MON}),?\s*(?P<y1>{_Y})")

_COUNTRY = {"syria": "SY", "iraq": "IQ"}
_PLACE_AFTER = re.compile(
    r"^[\s,:]*(?:(?:near|in|at|on|outside|vicinity of|the vicinity of)\s+)?"
    r"(?P<place>[^.;:]{1,120}?),?\s+(?P<country>Syria|Iraq)\b",
)
_PLACE_ANY = re.compile(
    r"\b(?:near|in)\s+(?P<place>[A-Z][^.;:]{0,100}?),?\s+(?P<country>Syria|Iraq)\b"
)
_VIA = re.compile(r"\bvia\s+(?P<via>[^.:;(\n]{1,80}?)(?:\s+reports?)?\s*(?:[.:;(]|$)", re.I)
_REPORT_CODE = re.compile(
    r"(?:Report\s+)?\b(?P<no>\d{3,4})\s*/\s*(?P<code>S?C[SI]\s?\d+[a-z]?|S\d+[a-z]?)\b"
)
_REPORT_ONLY = re.compile(r"\bReport\s+(?:No\.?\s*)?(?P<no>\d{3,4})\b|\((?P<paren>\d{3,4})\)")
_REPORT_BEFORE_GRID = re.compile(r"\b(?P<no>\d{3,4})\s*/?\s+(?=3[6-9]\s?[RST]\s?[A-Z]{2})")
_MGRS = re.compile(
    r"\b(?P<zone>3[6-9])\s?(?P<band>[RST])\s?(?P<sq>[A-HJ-NP-Z]{2})\s?(?P<e>\d{2,12})(?:\s(?P<n>\d{2,6}))?\b"
)

_WHO = (
    r"(?:(?:unidentified|additional|other|more|male|female|adult|young)\s+)*"
    r"(?:civilians?|others?|people|persons?|children|child|adults?|males?|females?|women|woman|men|man"
    r"|individuals?)"
)
_OUTCOME = r"(?P<out>killed|died|deaths?|dead|injured|injuries|injury|wounded|harmed)"
_NOT_VICTIM = r"ISIS|ISIL|Daesh|fighters?|terrorists?|militants?|members|leader"
_DEATHS_OF = re.compile(
    rf"\b(?P<out>deaths?|injur(?:y|ies)) of (?P<n>{NUMBER})\s+(?:[\w-]+\s+)?(?P<who>{_WHO})\b", re.I
)
_COUNT = re.compile(
    rf"\b(?P<n>{NUMBER})\s+(?:(?P<who>{_WHO})\b)?"
    # another count ends the clause, unless it is "and possibly two more" (see _POSSIBLY)
    rf"(?P<rest>(?:(?!(?<!possibly )(?<!perhaps )\b{NUMBER_STRICT}\s|{_NOT_VICTIM})[^.;]){{0,130}}?)"
    rf"\b{_OUTCOME}\b",
    re.I,
)

# Verdict phrases, most specific first; each non-credible one carries Airwars' reason code.
_DUPLICATE = re.compile(
    r"\bduplicates? (?:of|due|because)|closed as a duplicate|is a duplicate", re.I
)
_NON_CREDIBLE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"no (?:U\.S\.|US)?\s*(?:or\s+)?coalition (?:strikes?|actions?)\s+(?:were|was)", re.I),
     "no_coalition_strikes"),
    (re.compile(r"no strike or operation was identified", re.I), "no_coalition_strikes"),
    (re.compile(r"insufficient (?:information|detail)", re.I), "insufficient_information"),
    # "inconclusive", also as OCR garbles it ("iNoNlusive"); not "inclusive"
    (re.compile(r"insufficient evidence|\bin\w{2,6}lusive\b", re.I), "insufficient_evidence"),
    (re.compile(
        r"did not occur|not likely|not credible|unfounded|not attributable|did not support a finding"
        r"|contradicts the|with no civilian casualties|no civilian casualties occurred",
        re.I), "other"),
    (re.compile(
        r"no (?:civilians?|\w*ombatants?) (?:were|was) (?:harmed|killed|injured|present)"
        r"|no civilians present"
        r"|no civilian casualties were|did not cause a civilian|outside of the coalition.s area"
        r"|only da.?esh fighters|not a coalition force engagement|did not indicate|rescinded"
        r"|non-credible|officially denied|no coalition strikes in|no civcas|could not determine",
        re.I), "other"),
]  # fmt: skip
_OPEN = re.compile(
    r"still (?:being )?assess|remains? open|(?:is|are) (?:still )?being assessed|under assessment",
    re.I,
)
_CREDIBLE = re.compile(
    r"unintentionally|inadvertently|regrettably|unfortunately|more likely than not occurred"
    r"|(?:were|was) (?:likely )?(?:killed|injured|wounded)|\bcredible\b|led to the deaths",
    re.I,
)


# An honorific and the capitalised words after it (plus a nickname in brackets): a person's name.
_PERSON = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+(?:[A-Z][\w'’-]*,?\s*){1,5}(?:\([^)]{1,40}\))?")


def without_honorific_names(text: str) -> str:
    """For reading only: "Mr." inside a name must not end the sentence that states the count.
    What is staged is withheld by `ingestion.redact`, which knows these honorifics too."""
    return _PERSON.sub("[name withheld] ", text)


# An editor's note beside a line of the curated statements: "[... To avoid triple counting, the
# official OIR tally is only counted in CS965]". The figures belong to the incident it names.
_COUNTED_IN = re.compile(
    r"\[[^\]]*\bcounted\s+(?:only\s+)?(?:in|under)\s+(C[SI]\d+[A-Za-z]?)\b", re.I
)


def _counted_elsewhere(text: str, code: str | None) -> str | None:
    """The incident a note says this line's deaths and injuries are counted under, when that is
    not the line's own: summed per incident, they would otherwise count two or three times."""
    m = _COUNTED_IN.search(text)
    if m and code and m.group(1).upper() != code.strip().upper():
        return m.group(1).upper()
    return None


def _month(token: str) -> int:
    return _MONTHS[token.strip(".").lower()[:3]]


def _year(token: str) -> int:
    y = int(token)
    return y + 2000 if y < 100 else y


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_incident_date(text: str) -> tuple[date | None, date | None, str, int]:
    """(start, end, precision, end offset of the date) from the head of a line."""
    head = text[:220]
    found = []
    for rx, kind in (
        (_RANGE_TWO_MONTHS, "range2"),
        (_RANGE_ONE_MONTH, "range1"),
        (_DAY, "day"),
        (_DAY_FIRST, "day"),
        (_MILITARY, "day"),
        (_MONTH_ONLY, "month"),
    ):
        m = rx.search(head)
        if m:
            found.append((m.start(), -(m.end() - m.start()), kind, m))
    if not found:
        return None, None, "unknown", 0
    _, _, kind, m = min(found, key=lambda f: (f[0], f[1]))
    g = m.groupdict()
    if kind == "range2":
        y2 = _year(g["y2"])
        y1 = _year(g["y1"]) if g["y1"] else y2
        start = _safe_date(y1, _month(g["m1"]), int(g["d1"]))
        end = _safe_date(y2, _month(g["m2"]), int(g["d2"]))
        return start, end, "range", m.end()
    if kind == "range1":
        y, mo = _year(g["y2"]), _month(g["m1"])
        return _safe_date(y, mo, int(g["d1"])), _safe_date(y, mo, int(g["d2"])), "range", m.end()
    if kind == "month":
        y, mo = _year(g["y1"]), _month(g["m1"])
        end = _safe_date(y + (mo == 12), mo % 12 + 1, 1)
        return date(y, mo, 1), (end and date.fromordinal(end.toordinal() - 1)), "month", m.end()
    d = _safe_date(_year(g["y1"]), _month(g["m1"]), int(g["d1"]))
    return d, d, "day" if d else "unknown", m.end()


def classify_via(via: str | None) -> str | None:
    if not via:
        return None
    v = via.lower()
    if "airwars" in v:
        return "airwars"
    if "self" in v:
        return "self_report"
    if "social media" in v:
        return "social_media"
    if "open source" in v or "open-source" in v:
        return "open_source"
    if re.search(r"amnesty|human rights|hrw|white helmets|ngo|sohr|snhr|united nations|\bun\b", v):
        return "ngo"
    if re.search(r"media|news|press|journalist|associated|reuters|reporter", v):
        return "media"
    return "other"


# A correction notice: what was published before is wrong, the finding follows the marker.
_CORRECTION = re.compile(
    r"\b(?:that|this) (?:was|is) (?:incorrect|inaccurate|wrong)\b"
    r"|\bthe (?:actual|correct|corrected) assessment (?:was|is)\b",
    re.I,
)
# A source document quoted after the finding (an annotation such as 'declassified file: "..."'):
# its wording (allegations, interim assessments) is not the coalition's verdict on the line.
_QUOTED_SOURCE = re.compile(
    r"\b(?:declassified|redacted|released|leaked)\s+(?:[\w-]+\s+)?"
    r"(?:files?|documents?|records?|excerpts?|logs?|memos?)\b[^:.]{0,40}:",
    re.I,
)


def finding_text(text: str) -> str:
    """The part of a line that states the coalition's finding: after a correction marker, and
    before a quoted source document appended to the finding."""
    q = _QUOTED_SOURCE.search(text)
    if q and q.start() >= 40:  # something (the finding) comes before the quotation
        text = text[: q.start()]
    corrections = list(_CORRECTION.finditer(text))  # the last correction stands
    return text[corrections[-1].start() :] if corrections else text


def parse_verdict(text: str) -> tuple[str | None, str | None]:
    """(verdict, reason code for a non-credible verdict)."""
    if _DUPLICATE.search(text):
        return "duplicate", None
    reasons = [code for rx, code in _NON_CREDIBLE if rx.search(text)]
    if reasons:
        return "non_credible", "|".join(dict.fromkeys(reasons))
    if _OPEN.search(text):
        return "open", None
    if _CREDIBLE.search(text) or count_casualties(text) != (None, None):
        return "credible", None
    return None, None


# "two civilians, and possibly a third, ... were killed": a firm count and an upper bound.
_ORDINAL = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7}
_POSSIBLY = re.compile(
    rf"\b(?:and|or)\s+(?:possibly|perhaps|potentially)\s+(?:(?:a|an)\s+(?P<ord>{'|'.join(_ORDINAL)})"
    rf"|(?P<more>{NUMBER})\s+(?:more|other|additional|further))\b",
    re.I,
)


def _upper_bound(clause: str, firm: int) -> int:
    m = _POSSIBLY.search(clause)
    if not m:
        return firm
    if m["ord"]:
        return max(firm, _ORDINAL[m["ord"].lower()])
    return firm + (to_int(m["more"]) or 0)


def count_casualties(text: str) -> tuple[int | None, int | None]:
    """(killed, injured) as first stated: later clauses usually break the same total down."""
    killed, _, injured = count_casualty_bounds(text)
    return killed, injured


def count_casualty_bounds(text: str) -> tuple[int | None, int | None, int | None]:
    """(killed, killed at most, injured): the upper bound differs from the firm count only where
    the line says so ("two civilians, and possibly a third, were killed")."""
    killed = killed_max = injured = None
    for m in sorted([*_COUNT.finditer(text), *_DEATHS_OF.finditer(text)], key=lambda m: m.start()):
        n = to_int(m["n"])
        if n is None or (m["who"] is None and m["n"].lower() in {"a", "an"}):
            continue
        rest = m.groupdict().get("rest") or ""
        if (
            m["who"] is None
            and rest.strip()
            and not re.match(
                r"\s*(?:were|was|are|is|also|unintentionally|inadvertently)\b", rest, re.I
            )
        ):
            continue
        if m["out"].lower().startswith(("kill", "die", "death", "dead")):
            if killed is None:
                killed, killed_max = n, _upper_bound(m[0], n)
        else:
            injured = n if injured is None else injured
    return killed, killed_max, injured


# (lat range, lon range) a grid must fall in, by the country the line names
_BOXES = {
    "SY": ((32.3, 37.4), (35.6, 42.4)),
    "IQ": ((29.0, 37.4), (38.7, 48.6)),
    "": ((29.0, 37.4), (35.6, 48.6)),
}


def parse_grid(
    text: str, country: str | None = None
) -> tuple[str | None, float | None, float | None, str | None]:
    """(MGRS as written without spaces, lat, lon, problem). A grid that does not convert to a
    point in Iraq or Syria keeps its text but no coordinates, and says why."""
    m = _MGRS.search(text)
    if not m:
        return None, None, None, None
    digits = m["e"] + (m["n"] or "")
    grid = f"{m['zone']}{m['band']}{m['sq']}{digits}"
    if len(digits) % 2 or len(digits) > 10:
        return grid, None, None, f"odd or too many grid digits ({len(digits)})"
    import mgrs

    try:
        lat, lon = mgrs.MGRS().toLatLon(grid)
    except Exception as exc:  # the library raises bare Exceptions on malformed grids
        return grid, None, None, f"not convertible: {exc}"
    (s, n), (w, e) = _BOXES.get(country or "", _BOXES[""])
    if not (s <= lat <= n and w <= lon <= e):
        where = {"SY": "Syria", "IQ": "Iraq"}.get(country or "", "Iraq/Syria")
        return grid, None, None, f"outside {where} ({lat:.3f}, {lon:.3f})"
    return grid, round(lat, 6), round(lon, 6), None


def parse_report_ref(text: str) -> tuple[str | None, str | None]:
    """(coalition report number, Airwars code) from the line's tail."""
    m = _REPORT_CODE.search(text)
    if m:
        return m["no"], re.sub(r"\s", "", m["code"])
    m = _REPORT_ONLY.search(text) or _REPORT_BEFORE_GRID.search(text)
    if m:
        return m.groupdict().get("no") or m.groupdict().get("paren"), None
    return None, None


def parse_line(text: str, incident_code: str | None = None) -> dict:
    """Every field one incident line gives; absent parts are None. `incident_code` is the code
    a curated row files the line under, when the line itself does not say it."""
    flat = re.sub(r"\s+", " ", text or "").strip().strip('"')
    start, end, precision, date_end = parse_incident_date(flat)
    place = country = None
    pm = _PLACE_AFTER.match(flat[date_end:]) if date_end else None
    pm = pm or _PLACE_ANY.search(flat[:250])
    if pm:
        place = pm["place"].strip(" ,") or None
        country = _COUNTRY[pm["country"].lower()]
    else:
        cm = re.search(r"\b(Syria|Iraq)\b", flat[:250])
        country = _COUNTRY[cm[1].lower()] if cm else None
    vm = _VIA.search(flat[:300])
    # a name's honorific ("Mr.") must not end the sentence that states the count
    finding = finding_text(without_honorific_names(flat))
    verdict, reason = parse_verdict(finding)
    killed = killed_max = injured = None
    if verdict == "credible":
        killed, killed_max, injured = count_casualty_bounds(finding)
        killed, injured = killed or 0, injured or 0
        killed_max = killed_max or killed
    elif verdict in {"non_credible", "duplicate"}:
        killed = killed_max = injured = 0
    report_number, code = parse_report_ref(flat)
    moved = None
    counted_under = _counted_elsewhere(flat, incident_code or code)
    if counted_under and killed is not None:
        moved = f"{killed} killed, {injured} injured"
        killed = killed_max = injured = 0
    grid, lat, lon, grid_problem = parse_grid(flat, country)
    return {
        "incident_date_start": start,
        "incident_date_end": end,
        "date_precision": precision,
        "place_as_written": place,
        "country": country,
        "allegation_via": classify_via(vm["via"] if vm else None),
        "verdict": verdict,
        "reason_code": reason,
        "civilians_killed": killed,  # the firm count: the lower bound
        "civilians_killed_max": killed_max,
        "civilians_injured": injured,
        "counted_under": counted_under,  # the incident a note files this line's figures under
        "moved_figures": moved,  # what the line conceded before they were moved there
        "report_number": report_number,
        "incident_code": code,
        "mgrs": grid,
        "latitude": lat,
        "longitude": lon,
        "grid_problem": grid_problem,
    }
