"""Airwars incident export (airwars_syria_incidents.csv) -> airwars_incidents (origin=csv).

The export is every incident Airwars holds for Syria, all belligerents. Cells are read as
text and judged by the rules in `incident_rows` (which rows are held back and why is
documented there), so no value is coerced silently.
"""

from __future__ import annotations

import io

import polars as pl

from ingestion import gazetteer
from ingestion.ngo.incident_rows import (
    PAIRS,
    IncidentBatch,
    governorate,
    parse_count,
    parse_iso_date,
    place_key,
    split_codes,
    to_float,
)
from ingestion.parsing import Finding, ParseResult, RawDocument

REQUIRED = {"incident_code", "incident_date", "location_en", "belligerent", "civilian_deaths_min"}


def local_time(value: str | None) -> str | None:
    """'12:00:00' -> '12:00'; words ('morning', 'during_the_night') kept as written."""
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    if len(s) == 8 and s[2] == ":" and s[5] == ":":
        return s[:5]
    return s


def date_precision(date_type: str | None, start, end) -> str:
    if start is None:
        return "unknown"
    if (date_type == "date_range") or (end is not None and end != start):
        return "range"
    return "day"


def read_table(doc: RawDocument) -> pl.DataFrame:
    df = pl.read_csv(io.StringIO(doc.text()), infer_schema=False)
    missing = REQUIRED - set(df.columns)
    if missing:
        raise ValueError(f"{doc.name}: not an Airwars incident export, missing {sorted(missing)}")
    return df


def incident_row(r: dict, result: ParseResult, source: str, origin: str) -> dict:
    """One export row (all text) as staged columns; unreadable counts become findings."""
    code = (r.get("incident_code") or "").strip() or None
    cc = gazetteer.country_iso(r.get("country"))
    start, problem = parse_iso_date(r.get("incident_date"))
    end, _ = parse_iso_date(r.get("date_end"))
    gov = governorate(r.get("governorate_en"), r.get("province_en"), r.get("region_en"), country=cc)
    row = {
        "incident_code": code,
        "previous_codes": split_codes(r.get("previous_codes")),
        "airwars_id": r.get("airwars_id"),
        "airwars_url": r.get("airwars_url"),
        "date_start": start,
        "date_end": end if end is not None else start,
        "date_precision": date_precision(r.get("date_type"), start, end),
        "local_time": local_time(r.get("local_time")),
        "published_date": parse_iso_date(r.get("published_date"))[0],
        "country": cc,
        "location_en": r.get("location_en"),
        "location_ar": r.get("location_ar"),
        "governorate_en": gov,
        "place_key": place_key(r.get("location_en"), r.get("location_ar"), cc),
        "latitude": to_float(r.get("latitude")),
        "longitude": to_float(r.get("longitude")),
        "geo_precision": r.get("geolocation_precision"),
        "belligerents_raw": r.get("belligerent"),
        "strike_type": r.get("strike_type"),
        "strike_status": r.get("strike_status"),
        "grading": r.get("grading"),
        "source_count": parse_count(r.get("source_count"))[0],
        "_date_problem": problem,
        "_date_raw": r.get("incident_date"),
    }
    for p in PAIRS:
        for end_ in ("min", "max"):
            col = f"{p}_{end_}"
            try:
                lo, hi = parse_count(r.get(col))
            except ValueError as e:
                result.findings.append(
                    Finding("count_unreadable", "airwars_incident", code or "?", str(e),
                            "number, range or Unknown", "warning", source=source)
                )  # fmt: skip
                lo = hi = None
            row[col] = lo if end_ == "min" else hi
    return row


def parse_incidents_csv(doc: RawDocument) -> ParseResult:
    """airwars_syria_incidents.csv -> airwars_incidents, place_aliases, findings, quarantine."""
    result = ParseResult()
    df = read_table(doc)
    batch = IncidentBatch(doc.source, "csv")
    for r in df.iter_rows(named=True):
        batch.add(incident_row(r, result, doc.source, "csv"), r)
    batch.publish(result)
    return result
