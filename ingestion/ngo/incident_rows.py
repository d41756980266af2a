"""Rules shared by every Airwars incident format (CSV, JSON, HTML), so one incident is judged
the same way whichever file it came from.

Severity, decided once here:

- error (row held back, out of `airwars_incidents`, kept in quarantine): no date or a
  placeholder date (1970-01-01, 0000-00-00, anything before 2000); impossible coordinates
  (|lat| > 90 or |lon| > 180, e.g. a longitude of 4239.00416); an incident code used by two
  rows of one file whose contents differ (TS631, TS633: two Airwars posts; we cannot tell
  which is right, so every copy is held back; an identical copy is held back and the first
  published); civilian deaths or injuries min above max (the row's totals cannot be summed).
- warning (row published, `quality_flag` lists the rules): point outside Iraq and Syria but
  plausible, point in the other country, children + women killed (min) above the civilian
  deaths max, a breakdown min above its max (children/women/men), a date range ending before
  it starts, a belligerent with no contract code (published as `unknown`).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import polars as pl

from ingestion import gazetteer
from ingestion.belligerents import UnknownBelligerent, belligerent_code, split_belligerents
from ingestion.parsing import Finding, ParseResult
from ingestion.schemas import STAGED, empty

TABLE = "airwars_incidents"
ENTITY = "airwars_incident"
MIN_DATE = date(2000, 1, 1)
# Rough bounding boxes, generous by ~0.2 degrees: a point outside both is not in IQ/SY.
BOXES = {"SY": (32.1, 37.5, 35.5, 42.6), "IQ": (28.9, 37.6, 38.6, 48.8)}
PAIRS = ["civilian_deaths", "civilian_injuries", "children_killed", "women_killed", "men_killed"]
_RANGE = re.compile(r"^\s*(\d[\d,]*)\s*(?:[-–—]|to)\s*(\d[\d,]*)\s*$")
_UNKNOWN = {"", "unknown", "not known", "n/a", "na", "غير معروف", "-", "–"}
_PLACEHOLDER_DATES = {"0000-00-00", "00/00/0000", "1970-01-01"}


def parse_count(value) -> tuple[int | None, int | None]:
    """'3 – 7' -> (3, 7); '4' -> (4, 4); 'Unknown', '' or None -> (None, None).

    Anything else raises ValueError naming the value, so a new format is noticed.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise ValueError(f"count {value!r} is not a number")
    if isinstance(value, int):
        return value, value
    if isinstance(value, float):
        if value != value:  # NaN
            return None, None
        if value.is_integer():
            return int(value), int(value)
        raise ValueError(f"count {value!r} is not a whole number")
    return _parse_count_text(str(value))


@lru_cache(maxsize=4096)
def _parse_count_text(value: str) -> tuple[int | None, int | None]:
    s = value.strip()
    if s.lower() in _UNKNOWN:
        return None, None
    if re.fullmatch(r"\d[\d,]*(\.0+)?", s):
        n = int(float(s.replace(",", "")))
        return n, n
    m = _RANGE.match(s)
    if m:
        return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
    raise ValueError(f"count {value!r} is neither a number, a range nor 'Unknown'")


def parse_iso_date(value) -> tuple[date | None, str | None]:
    """(date, problem): problem is 'missing', 'placeholder' or 'unparsed' when no usable date."""
    if value is None or str(value).strip() == "":
        return None, "missing"
    s = str(value).strip()[:10]
    if s in _PLACEHOLDER_DATES:
        return None, "placeholder"
    try:
        d = date.fromisoformat(s)
    except ValueError:
        return None, "unparsed"
    if d < MIN_DATE:
        return None, "placeholder"
    return d, None


def to_float(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def in_box(cc: str, lat: float, lon: float) -> bool:
    s, n, w, e = BOXES[cc]
    return s <= lat <= n and w <= lon <= e


def split_codes(value) -> list[str]:
    """'R1234|RS1234' or a JSON list of {previous_unique_reference_code: ...} -> codes."""
    if value is None:
        return []
    if isinstance(value, list):
        out = []
        for v in value:
            code = v.get("previous_unique_reference_code") if isinstance(v, dict) else v
            if code and str(code).strip():
                out.append(str(code).strip())
        return out
    return [p.strip() for p in re.split(r"[|,;]", str(value)) if p.strip()]


def governorate(*names: str | None, country: str | None = None) -> str | None:
    """First non-blank of governorate/province/region, spelled as the gazetteer spells it."""
    for n in names:
        if n and str(n).strip():
            return gazetteer.admin1(str(n).strip(), country) or str(n).strip()
    return None


def first_part(name: str | None) -> str | None:
    if not name or not str(name).strip():
        return None
    return gazetteer.most_specific(str(name)) or None


class IncidentBatch:
    """Collects incident rows from one document, applies the rules, publishes the good ones."""

    def __init__(self, source: str, origin: str):
        self.source, self.origin = source, origin
        self.rows: list[dict] = []  # (row, raw record)
        self.records: list[dict] = []

    def add(self, row: dict, record: dict) -> None:
        """row: staged columns plus 'belligerents_raw' text; record: the input as read."""
        self.rows.append(row)
        self.records.append(record)

    def _finding(self, result, rule, entity_id, observed, expected, severity):
        result.findings.append(
            Finding(rule, ENTITY, entity_id, observed, expected, severity, source=self.source)
        )

    def publish(self, result: ParseResult) -> pl.DataFrame:
        """Judge every row, add the publishable ones to `result`, return them."""
        codes: dict[str, list[int]] = {}
        for i, r in enumerate(self.rows):
            if r.get("incident_code"):
                codes.setdefault(r["incident_code"], []).append(i)
        content = [_content(r) for r in self.rows]
        good = []
        for i, (row, rec) in enumerate(zip(self.rows, self.records, strict=True)):
            eid = row.get("incident_code") or f"row {i + 1}"
            errors: list[tuple[str, str]] = []
            flags: list[str] = []

            def warn(rule, observed, expected, eid=eid, flags=flags):
                flags.append(rule)
                self._finding(result, rule, eid, observed, expected, "warning")

            same = codes.get(row.get("incident_code"), [i])
            if len(same) > 1:
                identical = all(content[j] == content[i] for j in same)
                if not identical:
                    errors.append(("duplicate_code", f"code used by {len(same)} rows that differ"))
                elif i != same[0]:
                    errors.append(("duplicate_code", "identical copy of an earlier row"))
            problem = row.pop("_date_problem", None)
            if row.get("date_start") is None:
                errors.append((f"date_{problem or 'missing'}", f"date {row.get('_date_raw')!r}"))
            lat, lon = row.get("latitude"), row.get("longitude")
            if lat is not None and lon is not None:
                if abs(lat) > 90 or abs(lon) > 180:
                    errors.append(("coordinates_impossible", f"lat {lat}, lon {lon}"))
                elif not any(in_box(cc, lat, lon) for cc in BOXES):
                    warn("coordinates_outside_iq_sy", f"{lat}, {lon}", "inside Iraq or Syria")
                elif row.get("country") in BOXES and not in_box(row["country"], lat, lon):
                    warn("coordinates_outside_country", f"{lat}, {lon}", row["country"])
            elif (lat is None) != (lon is None):
                warn("coordinates_half_missing", f"{lat}, {lon}", "both or neither")
            for p in PAIRS:
                lo, hi = row.get(f"{p}_min"), row.get(f"{p}_max")
                if lo is not None and hi is not None and lo > hi:
                    if p in ("civilian_deaths", "civilian_injuries"):
                        errors.append(("min_above_max", f"{p} {lo} > {hi}"))
                    else:
                        warn("min_above_max", f"{p} min {lo} > max {hi}", "min <= max")
            cw = (row.get("children_killed_min") or 0) + (row.get("women_killed_min") or 0)
            hi = row.get("civilian_deaths_max")
            if hi is not None and cw > hi:
                warn("children_women_above_total", f"children+women {cw}", f"<= {hi}")
            ds, de = row.get("date_start"), row.get("date_end")
            if ds and de and de < ds:
                warn("date_end_before_start", f"{ds} .. {de}", "end >= start")
            codes_out: list[str] = []
            for name in split_belligerents(row.get("belligerents_raw")):
                try:
                    code, exact = belligerent_code(name)
                except UnknownBelligerent:
                    code, exact = "unknown", False
                if not exact:
                    warn("belligerent_no_contract_code", name, "a contract perpetrator code")
                if code not in codes_out:
                    codes_out.append(code)
            row["belligerents"] = codes_out
            row.pop("_date_raw", None)

            if errors:
                for rule, reason in errors:
                    self._finding(result, rule, eid, reason, None, "error")
                rule = ";".join(dict.fromkeys(r for r, _ in errors))
                reason = "; ".join(f"{r}: {why}" for r, why in errors)
                result.hold_back(TABLE, eid, rule, reason, rec, source=self.source)
                continue
            row["quality_flag"] = ";".join(dict.fromkeys(flags)) or None
            row["source"], row["origin"] = self.source, self.origin
            good.append({k: v for k, v in row.items() if not k.startswith("_")})
        df = pl.DataFrame(good, schema_overrides=STAGED[TABLE], infer_schema_length=None)
        staged = result.add(TABLE, df if good else empty(TABLE))
        result.add("place_aliases", alias_rows(staged, self.source))
        return result.tables[TABLE]


def _content(row: dict) -> dict:
    """What makes two rows the same incident record (ignoring file position)."""
    return {k: v for k, v in row.items() if not k.startswith("_")}


def alias_rows(df: pl.DataFrame, source: str) -> pl.DataFrame:
    """One place_aliases row per spelling (English and Arabic) seen for a place key."""
    if df.is_empty():
        return empty("place_aliases")
    base = df.filter(pl.col("place_key").is_not_null()).with_columns(
        name_en=pl.col("location_en").map_elements(first_part, return_dtype=pl.String),
        name_ar=pl.col("location_ar").map_elements(first_part, return_dtype=pl.String),
        ok=pl.col("quality_flag").fill_null("").str.contains("coordinates").not_(),
    )
    # a point flagged as outside its country does not locate the place
    base = base.with_columns(
        lat=pl.when("ok").then("latitude"), lon=pl.when("ok").then("longitude")
    )
    parts = []
    for col, scr in (("name_en", "latin"), ("name_ar", "arabic")):
        parts.append(
            base.filter(pl.col(col).is_not_null()).select(
                "place_key",
                pl.col(col).alias("alias"),
                pl.lit(scr).alias("script"),
                "name_en",
                "name_ar",
                pl.col("governorate_en").alias("admin1_en"),
                "country",
                pl.col("lat").alias("latitude"),
                pl.col("lon").alias("longitude"),
            )
        )
    allp = pl.concat(parts)
    out = allp.group_by("place_key", "alias", maintain_order=True).agg(
        pl.col("script").first(),
        pl.col("name_en").drop_nulls().mode().first(),
        pl.col("name_ar").drop_nulls().mode().first(),
        pl.col("admin1_en").drop_nulls().mode().first(),
        pl.col("country").drop_nulls().mode().first(),
        pl.col("latitude").median(),
        pl.col("longitude").median(),
    )
    return out.with_columns(source=pl.lit(source))


def place_key(location_en: str | None, location_ar: str | None, country: str | None):
    """Key from the English name, else the Arabic one."""
    return gazetteer.place_key(location_en, country) or gazetteer.place_key(location_ar, country)
