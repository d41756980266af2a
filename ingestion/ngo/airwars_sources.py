"""Airwars incident sources (airwars_source_refs.csv) -> airwars_source_refs, one row per link.

`language_platform` mixes two facts with inconsistent separators ("Twitter Arabic",
"Twitter\\nArabic", "Arabic", "Facebook"): it is split into platform (a known platform word)
and language (the rest). A language alone means a website: platform NULL. Dates are written
in Arabic ("2 مارس 2026"); a month-name table reads them (both the Egyptian and the Levantine
month names, and English). An unreadable date is published as NULL with a warning; a link
without an incident code is held back.
"""

from __future__ import annotations

import io
import re
from datetime import date

import polars as pl

from ingestion.parsing import Finding, ParseResult, RawDocument
from ingestion.schemas import STAGED

TABLE = "airwars_source_refs"
PLATFORMS = {
    "twitter": "Twitter",
    "x": "Twitter",
    "facebook": "Facebook",
    "video": "Video",
    "youtube": "YouTube",
    "telegram": "Telegram",
    "instagram": "Instagram",
    "tiktok": "TikTok",
}
MONTHS = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5,
    "يونيو": 6, "يوليو": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10,
    "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_AR_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_DMY = re.compile(r"^(\d{1,2})\s+(.+?)\s*,?\s+(\d{4})$")
_MDY = re.compile(r"^([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})$")


def split_language_platform(value: str | None) -> tuple[str | None, str | None]:
    """'Twitter\\nArabic' -> ('Arabic', 'Twitter'); 'Arabic' -> ('Arabic', None); '—' -> (None, None)."""
    if value is None:
        return None, None
    words = [w for w in re.split(r"[\s/|,]+", str(value)) if w and w not in {"—", "-", "–"}]
    platform = language = None
    rest = []
    for w in words:
        p = PLATFORMS.get(w.lower())
        if p and platform is None:
            platform = p
        else:
            rest.append(w.capitalize())
    if rest:
        language = " ".join(rest)
    return language, platform


def parse_source_date(value: str | None) -> date | None:
    """'2 مارس 2026', 'March 2, 2026' or '2026-03-02' -> date; ValueError if unreadable."""
    if value is None or not str(value).strip():
        return None
    s = re.sub(r"\s+", " ", str(value).translate(_AR_DIGITS)).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return date.fromisoformat(s)
    m = _DMY.match(s)
    if m and m.group(2).lower() in MONTHS:
        return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    m = _MDY.match(s)
    if m and m.group(1).lower() in MONTHS:
        return date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
    raise ValueError(f"source date {value!r} unreadable")


def parse_source_refs_csv(doc: RawDocument) -> ParseResult:
    """airwars_source_refs.csv -> airwars_source_refs, findings, quarantine."""
    df = pl.read_csv(io.StringIO(doc.text()), infer_schema=False)
    need = {"incident_code", "source_url", "language_platform", "source_date"}
    if need - set(df.columns):
        raise ValueError(
            f"{doc.name}: not an Airwars source export, missing {sorted(need - set(df.columns))}"
        )
    result = ParseResult()
    lp = {v: split_language_platform(v) for v in df["language_platform"].unique().to_list()}
    dates: dict[str, date | None] = {}
    earliest, today = date(2011, 1, 1), date.today()
    for v in df["source_date"].drop_nulls().unique().to_list():
        try:
            dates[v] = parse_source_date(v)
            if dates[v] is not None and not earliest <= dates[v] <= today:
                # a typo in the archive ('0399', a year ahead): the link stays, undated
                result.findings.append(
                    Finding("source_date_out_of_range", "airwars_source_ref", v,
                            str(dates[v]), f"{earliest}..{today}", "warning", source=doc.source)
                )  # fmt: skip
                dates[v] = None
        except (ValueError, TypeError) as e:
            dates[v] = None
            result.findings.append(
                Finding("source_date_unreadable", "airwars_source_ref", v, str(e), "a date",
                        "warning", source=doc.source)
            )  # fmt: skip
    rows = []
    for r in df.iter_rows(named=True):
        code = (r["incident_code"] or "").strip()
        if not code:
            rid = f"row {r.get('sequence')}/{r.get('source_order')}"
            result.findings.append(Finding("incident_code_missing", "airwars_source_ref", rid,
                                           None, "an incident code", "error", source=doc.source))  # fmt: skip
            result.hold_back(TABLE, rid, "incident_code_missing", "link without incident code",
                             r, source=doc.source)  # fmt: skip
            continue
        language, platform = lp[r["language_platform"]]
        order = r.get("source_order")
        rows.append(
            {
                "incident_code": code,
                "source": doc.source,
                "source_order": int(order) if order and order.isdigit() else None,
                "source_name": r.get("source_name"),
                "author": r.get("author"),
                "language": language,
                "platform": platform,
                "source_date": dates.get(r["source_date"]) if r["source_date"] else None,
                "source_url": r.get("source_url"),
                "archive_url": r.get("archive_url"),
            }
        )
    result.add(TABLE, pl.DataFrame(rows, schema=STAGED[TABLE]))
    return result
