"""Airwars records as an archive keeps them (airwars_raw/) -> airwars_incidents (origin=json).

Three shapes, keys partly Arabic:

- `cases-summary.json`: one short record per case (English `*_original` values beside
  Arabic ones; grading and strike status only in Arabic, translated with the tables below);
- `cases/<n>/data.json`: a full case whose `incident` object uses Arabic keys, each value
  given in Arabic (`— عربي`) and as published (`— الأصل`); we read the published one;
- `incidents/airwars-<id>.json` (incident.schema.json): English top-level keys, plus the
  same Arabic-keyed object in `legacy_incident_fields` from schema 2.0.0 on.

Victim lists in these files are never read. JSON Schemas and source records carry no
incidents and give an empty result. Row rules: see `incident_rows`.
"""

from __future__ import annotations

import json

from ingestion import gazetteer
from ingestion.ngo.airwars_csv import date_precision, local_time
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

GRADING_AR = {
    "مؤكد": "Confirmed",
    "أدلة مقبولة": "Fair",
    "أدلة ضعيفة": "Weak",
    "متنازع عليه": "Contested",
    "مستبعدة": "Discounted",
}
STRIKE_STATUS_AR = {
    "ضربة معلنة": "Declared strike",
    "ضربة مرجحة": "Likely strike",
    "ضربة متنازع على نسبتها": "Contested strike",
    "ادعاء من مصدر واحد": "Single source claim",
}
# Arabic-keyed incident object: staged column -> key (value as published).
AR_KEYS = {
    "incident_code": "رمز الحادثة",
    "airwars_id": "معرّف Airwars",
    "airwars_url": "رابط الحادثة",
    "date": "تاريخ الحادثة",
    "date_end": "نهاية نطاق التاريخ",
    "date_type": "نوع التاريخ — الأصل",
    "local_time": "التوقيت المحلي — الأصل",
    "published_date": "تاريخ النشر",
    "location_en": "الموقع بالإنجليزية",
    "location_ar": "الموقع بالعربية",
    "governorate": "المحافظة — الأصل",
    "province": "الإقليم/الولاية — الأصل",
    "region": "المنطقة — الأصل",
    "country": "الدولة",
    "latitude": "خط العرض",
    "longitude": "خط الطول",
    "geo_precision": "دقة تحديد الموقع",
    "belligerents_raw": "الجهة العسكرية — الأصل",
    "strike_type": "نوع الضربة — الأصل",
    "strike_status": "حالة نسبة الضربة — الأصل",
    "grading": "قوة الأدلة — الأصل",
    "source_count": "عدد المصادر المفككة",
}
AR_PAIRS = {
    "civilian_deaths": "مدنيون قتلى",
    "civilian_injuries": "مدنيون جرحى",
    "children_killed": "أطفال قتلى",
    "women_killed": "نساء قتلى",
    "men_killed": "رجال قتلى",
}


def _translate(value, table: dict[str, str]):
    """Arabic label(s) -> English; 'متنازع عليه، مستبعدة' -> 'Contested, Discounted'."""
    if value is None or value == "":
        return None
    parts = [p.strip() for p in str(value).replace("،", ",").split(",")]
    return ", ".join(table.get(p, p) for p in parts)


def _row(fields: dict, result: ParseResult, source: str) -> dict:
    """Staged columns from a flat dict of the AR_KEYS names plus '<pair>_min/max'."""
    cc = gazetteer.country_iso(fields.get("country"))
    start, problem = parse_iso_date(fields.get("date"))
    end, _ = parse_iso_date(fields.get("date_end"))
    code = fields.get("incident_code") or None
    row = {
        "incident_code": code,
        "previous_codes": split_codes(fields.get("previous_codes")),
        "airwars_id": None if fields.get("airwars_id") is None else str(fields["airwars_id"]),
        "airwars_url": fields.get("airwars_url"),
        "date_start": start,
        "date_end": end if end is not None else start,
        "date_precision": date_precision(fields.get("date_type"), start, end),
        "local_time": local_time(fields.get("local_time")),
        "published_date": parse_iso_date(fields.get("published_date"))[0],
        "country": cc,
        "location_en": fields.get("location_en"),
        "location_ar": fields.get("location_ar"),
        "governorate_en": governorate(
            fields.get("governorate"), fields.get("province"), fields.get("region"), country=cc
        ),
        "place_key": place_key(fields.get("location_en"), fields.get("location_ar"), cc),
        "latitude": to_float(fields.get("latitude")),
        "longitude": to_float(fields.get("longitude")),
        "geo_precision": fields.get("geo_precision"),
        "belligerents_raw": fields.get("belligerents_raw"),
        "strike_type": fields.get("strike_type"),
        "strike_status": fields.get("strike_status"),
        "grading": fields.get("grading"),
        "_date_problem": problem,
        "_date_raw": fields.get("date"),
    }
    try:
        row["source_count"] = parse_count(fields.get("source_count"))[0]
    except ValueError:
        row["source_count"] = None
    for p in PAIRS:
        for side in ("min", "max"):
            try:
                lo, hi = parse_count(fields.get(f"{p}_{side}"))
            except ValueError as e:
                result.findings.append(
                    Finding("count_unreadable", "airwars_incident", code or "?", str(e),
                            "number, range or Unknown", "warning", source=source)
                )  # fmt: skip
                lo = hi = None
            row[f"{p}_{side}"] = lo if side == "min" else hi
    return row


def _from_arabic_keys(inc: dict) -> dict:
    out = {col: inc.get(key) for col, key in AR_KEYS.items()}
    for p, ar in AR_PAIRS.items():
        out[f"{p}_min"] = inc.get(f"{ar} — حد أدنى")
        out[f"{p}_max"] = inc.get(f"{ar} — حد أعلى")
    return out


def _previous_codes(technical: list) -> list[str]:
    for t in technical or []:
        raw = t.get("الرموز السابقة JSON")
        if raw:
            try:
                return split_codes(json.loads(raw))
            except json.JSONDecodeError:
                return split_codes(raw)
    return []


def _summary_fields(c: dict) -> dict:
    return {
        "incident_code": c.get("code"),
        "airwars_id": c.get("airwars_id"),
        "airwars_url": c.get("airwars_url"),
        "date": c.get("date"),
        "date_end": c.get("date_end"),
        "location_en": c.get("location_original"),
        "location_ar": c.get("location_ar"),
        # only Arabic admin names here: the gazetteer gives their English spelling
        "governorate": c.get("governorate_ar"),
        "region": c.get("region_ar"),
        "country": "SY",
        "latitude": c.get("latitude"),
        "longitude": c.get("longitude"),
        "belligerents_raw": c.get("military_original"),
        "strike_type": c.get("strike_type_original"),
        "strike_status": _translate(c.get("strike_status_ar"), STRIKE_STATUS_AR),
        "grading": _translate(c.get("evidence_ar"), GRADING_AR),
        "source_count": c.get("source_count"),
        "civilian_deaths_min": c.get("killed_min"),
        "civilian_deaths_max": c.get("killed_max"),
        "civilian_injuries_min": c.get("injured_min"),
        "civilian_injuries_max": c.get("injured_max"),
    }


def _load(doc: RawDocument):
    try:
        return json.loads(doc.text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{doc.name}: not valid JSON ({e})") from e


def parse_cases_summary(doc: RawDocument) -> ParseResult:
    """cases-summary.json (all cases, short form) -> airwars_incidents, place_aliases."""
    data = _load(doc)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ValueError(f"{doc.name}: no 'cases' list; not an Airwars cases summary")
    result = ParseResult()
    if data.get("total") is not None and data["total"] != len(data["cases"]):
        result.findings.append(
            Finding("case_count_mismatch", "airwars_cases_summary", doc.name,
                    len(data["cases"]), data["total"], "warning", source=doc.source)
        )  # fmt: skip
    batch = IncidentBatch(doc.source, "json")
    for c in data["cases"]:
        batch.add(_row(_summary_fields(c), result, doc.source), c)
    batch.publish(result)
    return result


def parse_case_record(doc: RawDocument) -> ParseResult:
    """A full case file or an incident record -> one airwars_incidents row (or held back)."""
    data = _load(doc)
    result = ParseResult()
    if not isinstance(data, dict):
        raise ValueError(f"{doc.name}: expected a JSON object")
    if "$schema" in data or "source_id" in data or "fields" in data:
        return result  # schema, source record or field dictionary: no incident in it
    if isinstance(data.get("cases"), list):
        return parse_cases_summary(doc)
    if isinstance(data.get("incident"), dict):  # cases/<n>/data.json
        fields = _from_arabic_keys(data["incident"])
        fields["previous_codes"] = _previous_codes(data.get("technical"))
    elif "incident_code" in data:  # incidents/airwars-<id>.json
        legacy = data.get("legacy_incident_fields") or {}
        fields = _from_arabic_keys(legacy) if legacy else {}
        english = {
            "incident_code": data.get("incident_code"),
            "airwars_id": data.get("airwars_id"),
            "airwars_url": data.get("canonical_url"),
            "date": data.get("incident_date"),
            "location_en": data.get("location"),
            "location_ar": data.get("location_ar"),
            "country": data.get("country"),
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "belligerents_raw": data.get("alleged_belligerent"),
            "strike_type": data.get("strike_type"),
            "grading": data.get("assessment"),
            "civilian_deaths_min": data.get("civilian_deaths_min"),
            "civilian_deaths_max": data.get("civilian_deaths_max"),
            "civilian_injuries_min": data.get("civilian_injuries_min"),
            "civilian_injuries_max": data.get("civilian_injuries_max"),
        }
        # the record's own (re-parsed) fields win over the legacy workbook copy
        fields |= {k: v for k, v in english.items() if v is not None}
    else:
        raise ValueError(f"{doc.name}: neither an Airwars case file nor an incident record")
    record = {k: v for k, v in fields.items()}
    batch = IncidentBatch(doc.source, "json")
    batch.add(_row(fields, result, doc.source), record)
    batch.publish(result)
    return result
