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
    by_value,
    count_columns,
    date_columns,
    float_column,
    governorate,
    place_key,
    split_codes,
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


OPTIONAL = [
    "country", "date_end", "date_type", "previous_codes", "airwars_id", "airwars_url",
    "local_time", "published_date", "location_ar", "governorate_en", "province_en",
    "region_en", "latitude", "longitude", "geolocation_precision", "strike_type",
    "strike_status", "grading", "source_count", *(f"{p}_{e}" for p in PAIRS for e in ("min", "max")),
]  # fmt: skip


def _stripped_or_none(value: str | None) -> str | None:
    return (value or "").strip() or None


def incident_frame(df: pl.DataFrame, result: ParseResult, source: str) -> pl.DataFrame:
    """Every export row (all text) as staged columns at once; unreadable counts become
    findings. Formats are read by expressions; gazetteer and belligerent rules, which are
    Python, run once per distinct value."""
    S = pl.String
    df = df.with_columns(pl.lit(None, S).alias(c) for c in OPTIONAL if c not in df.columns)
    code = by_value(df, ["incident_code"], _stripped_or_none, {"incident_code": S})
    cc = by_value(df, ["country"], gazetteer.country_iso, {"country": S})
    df = df.with_columns(_cc=cc["country"])
    start, problem = date_columns(df, "incident_date")
    end, _ = date_columns(df, "date_end")
    published, _ = date_columns(df, "published_date")
    gov = by_value(
        df, ["governorate_en", "province_en", "region_en", "_cc"],
        lambda g, p, r, c: governorate(g, p, r, country=c), {"governorate_en": S},
    )  # fmt: skip
    key = by_value(df, ["location_en", "location_ar", "_cc"], place_key, {"place_key": S})
    out = df.select(
        incident_code=code["incident_code"],
        previous_codes=by_value(df, ["previous_codes"], split_codes, {"v": pl.List(S)})[
            "v"
        ],  # fmt: skip
        airwars_id="airwars_id",
        airwars_url="airwars_url",
        date_start=start,
        date_end=pl.coalesce(end, start),
        date_precision=pl.when(start.is_null())
        .then(pl.lit("unknown"))
        .when(
            (pl.col("date_type") == "date_range").fill_null(False)
            | (end.is_not_null() & (end != start)).fill_null(False)
        )
        .then(pl.lit("range"))
        .otherwise(pl.lit("day")),  # fmt: skip
        local_time=by_value(df, ["local_time"], local_time, {"v": S})["v"],
        published_date=published,
        country=cc["country"],
        location_en="location_en",
        location_ar="location_ar",
        governorate_en=gov["governorate_en"],
        place_key=key["place_key"],
        latitude=float_column(df, "latitude"),
        longitude=float_column(df, "longitude"),
        geo_precision="geolocation_precision",
        belligerents_raw="belligerent",
        strike_type="strike_type",
        strike_status="strike_status",
        grading="grading",
    )
    sc_lo, _, sc_err = count_columns(df, "source_count")
    bad = df.select(sc_err.alias("e")).filter(pl.col("e").is_not_null())
    if bad.height:
        raise ValueError(bad["e"][0])  # as the row-by-row reading raised it
    cols = [f"{p}_{e}" for p in PAIRS for e in ("min", "max")]
    counts, errs = {}, {}
    for p in PAIRS:
        lo, _, err = count_columns(df, f"{p}_min")
        _, hi, err_hi = count_columns(df, f"{p}_max")
        counts[f"{p}_min"], counts[f"{p}_max"] = lo, hi
        errs[f"{p}_min"], errs[f"{p}_max"] = err, err_hi
    out = pl.concat([out, df.select(
        source_count=sc_lo, **counts,
        _date_problem=problem, _date_raw=pl.col("incident_date"),
    )], how="horizontal")  # fmt: skip
    unread = pl.concat([out.select("incident_code"), df.select(**errs)], how="horizontal")
    unread = unread.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in cols))
    for r in unread.iter_rows(named=True):
        for c in cols:
            if r[c] is not None:
                result.findings.append(
                    Finding("count_unreadable", "airwars_incident", r["incident_code"] or "?",
                            r[c], "number, range or Unknown", "warning", source=source)
                )  # fmt: skip
    return out


def parse_incidents_csv(doc: RawDocument) -> ParseResult:
    """airwars_syria_incidents.csv -> airwars_incidents, place_aliases, findings, quarantine."""
    result = ParseResult()
    raw = read_table(doc)
    batch = IncidentBatch(doc.source, "csv")
    batch.add_frame(incident_frame(raw, result, doc.source), lambda i: raw.row(i, named=True))
    batch.publish(result)
    return result
