"""Saved Airwars incident pages (airwars_pages/*.html) -> airwars_incidents (origin=html).

The page template is the same for every conflict; the header (`.info-left .meta-block`) holds
code, date, location ("<Arabic>, <English>, <area>, <country>") and coordinates, the summary
lists (`ul.meta-list`) hold label/value pairs. The victims section is removed before anything
is read, so no name can reach a row. Country comes from the page (the post's `country-*`
class, else the location's last part), even outside Iraq and Syria: the row is kept and
flagged by the rules in `incident_rows`.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from bs4 import BeautifulSoup

from ingestion import gazetteer
from ingestion.ngo.incident_rows import IncidentBatch, parse_count, place_key, to_float
from ingestion.parsing import Finding, ParseResult, RawDocument

COUNTRY_SLUGS = {
    "syria": "SY",
    "iraq": "IQ",
    "the-gaza-strip": "PS",
    "gaza": "PS",
    "israel": "IL",
    "lebanon": "LB",
    "libya": "LY",
    "yemen": "YE",
    "somalia": "SO",
    "ukraine": "UA",
}
COUNTRY_NAMES = {"the gaza strip": "PS", "gaza strip": "PS", "syria": "SY", "iraq": "IQ"}
_DATE = re.compile(
    r"(?P<m1>[A-Za-z]+)\s+(?P<d1>\d{1,2})(?:\s*[-–]\s*(?:(?P<m2>[A-Za-z]+)\s+)?(?P<d2>\d{1,2}))?"
    r",?\s+(?P<y>\d{4})"
)
_BREAKDOWN = re.compile(r"(\d+(?:\s*[–-]\s*\d+)?)\s+(children|child|women|woman|men|man)\b")
_SUMMARY = {
    "Strike status": "strike_status",
    "Strike type": "strike_type",
    "Civilians reported killed": "civilian_deaths",
    "Civilians reported injured": "civilian_injuries",
    "Airwars civilian harm grading": "grading",
    "Suspected belligerent": "belligerents_raw",
    "Known belligerent": "belligerents_raw",
    "Local time": "local_time",
}
_GROUP = {"child": "children", "children": "children", "woman": "women", "women": "women",
          "man": "men", "men": "men"}  # fmt: skip


def page_dates(text: str) -> tuple[date | None, date | None]:
    """'October 7, 2023' or 'October 7 – 9, 2023' -> (start, end)."""
    m = _DATE.search(text or "")
    if not m:
        return None, None
    y = m["y"]
    start = datetime.strptime(f"{m['m1']} {m['d1']} {y}", "%B %d %Y").date()
    if not m["d2"]:
        return start, start
    end = datetime.strptime(f"{m['m2'] or m['m1']} {m['d2']} {y}", "%B %d %Y").date()
    return start, end


def _meta(soup, label: str):
    for block in soup.select(".info-left .meta-block"):
        h = block.find("h4")
        if h and h.get_text(strip=True).lower() == label.lower():
            h.extract()
            return block
    return None


def parse_incident_page(doc: RawDocument) -> ParseResult:
    """One incident page -> one airwars_incidents row (or held back), place_aliases."""
    soup = BeautifulSoup(doc.text(), "lxml")
    for v in soup.select(".victims, .victims__victim, [class*=victim]"):
        v.decompose()
    code_block = soup.select_one(".info-left .meta-block.code span")
    if code_block is None:
        raise ValueError(f"{doc.name}: no '.meta-block.code' header; not an Airwars incident page")
    result = ParseResult()
    code = code_block.get_text(strip=True)
    date_block = _meta(soup, "Incident date")
    date_text = date_block.get_text(" ", strip=True) if date_block else ""
    start, end = page_dates(date_text)
    loc_block = _meta(soup, "Location")
    parts = [
        p.strip() for p in (loc_block.get_text(" ", strip=True) if loc_block else "").split(",")
    ]
    parts = [re.sub(r"\s+", " ", p) for p in parts if p]
    arabic = [p for p in parts if gazetteer.script(p) == "arabic"]
    latin = [p for p in parts if gazetteer.script(p) == "latin"]
    cc = None
    post = soup.find(class_=lambda c: c and c.startswith("country-"))
    if post is not None:
        slug = next(c for c in post.get("class") if c.startswith("country-"))[8:]
        cc = COUNTRY_SLUGS.get(slug)
    if latin and latin[-1].lower() in COUNTRY_NAMES:
        cc = cc or COUNTRY_NAMES[latin[-1].lower()]
        latin = latin[:-1]
    lat = lon = None
    ll = soup.select_one(".lat-lng")
    if ll:
        nums = re.findall(r"-?\d+(?:\.\d+)?", ll.get_text())
        if len(nums) >= 2:
            lat, lon = to_float(nums[0]), to_float(nums[1])
    precision = soup.select_one(".geo-link .warning strong")
    link = soup.select_one(".meta-block.permalink a")
    fields: dict = {}
    breakdown: dict[str, tuple[int | None, int | None]] = {}
    last = None
    for ul in soup.select("ul.meta-list"):
        for li in ul.find_all("li", recursive=False):
            value = li.find(class_="value")
            label_div = li.find("div")
            if value is None:
                if last != "civilian_deaths":  # a breakdown belongs to the line above it
                    continue
                for n, grp in _BREAKDOWN.findall(li.get_text(" ", strip=True)):
                    breakdown.setdefault(_GROUP[grp], parse_count(n))
                continue
            tip = value.find(class_="tooltip")
            if tip:
                tip.extract()
            label = label_div.get_text(" ", strip=True) if label_div else ""
            last = _SUMMARY.get(label)
            if label in _SUMMARY and _SUMMARY[label] not in fields:
                fields[_SUMMARY[label]] = value.get_text(" ", strip=True)
    sources = re.search(r"Sources\s*\((\d+)\)", soup.get_text(" "))
    row = {
        "incident_code": code,
        "previous_codes": [],
        "airwars_url": link.get("href") if link else None,
        "date_start": start,
        "date_end": end,
        "date_precision": "unknown" if start is None else ("day" if start == end else "range"),
        "local_time": fields.get("local_time"),
        "country": cc,
        "location_en": ", ".join(latin) or None,
        "location_ar": arabic[0] if arabic else None,
        "governorate_en": latin[-1] if len(latin) > 1 else None,
        "place_key": place_key(latin[0] if latin else None, arabic[0] if arabic else None, cc),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": precision.get_text(" ", strip=True) if precision else None,
        "belligerents_raw": fields.get("belligerents_raw"),
        "strike_type": fields.get("strike_type"),
        "strike_status": fields.get("strike_status"),
        "grading": fields.get("grading"),
        "source_count": int(sources.group(1)) if sources else None,
        "_date_problem": None if start else ("missing" if not date_text else "unparsed"),
        "_date_raw": date_text,
    }
    for pair in ("civilian_deaths", "civilian_injuries"):
        try:
            lo, hi = parse_count(fields.get(pair))
        except ValueError as e:
            result.findings.append(
                Finding("count_unreadable", "airwars_incident", code, str(e),
                        "number, range or Unknown", "warning", source=doc.source)
            )  # fmt: skip
            lo = hi = None
        row[f"{pair}_min"], row[f"{pair}_max"] = lo, hi
    for grp, (lo, hi) in breakdown.items():
        row[f"{grp}_killed_min"], row[f"{grp}_killed_max"] = lo, hi
    record = {k: v for k, v in row.items() if not k.startswith("_")} | {"page": doc.name}
    batch = IncidentBatch(doc.source, "html")
    batch.add(row, record)
    batch.publish(result)
    return result
