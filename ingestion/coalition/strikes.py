"""Daily strike releases, as machine-read from the PDFs: one row per day x place x target.

The extraction left gaps the releases' layout implies: a date is printed once for a block of
rows, so blanks take the last date above them on the same page of the same release (and, at the
top of a later page, the last date of the page before, which is flagged); years are often left
out ("Aug. 16"), so they come from the release's own file date.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date

import polars as pl

from ingestion.coalition.lines import MON, _month
from ingestion.parsing import Finding, ParseResult, RawDocument

TABLE = "coalition_strikes"
REQUIRED = ("date", "country", "location", "strike_count", "target_type", "target_count",
            "effect", "source_file", "page")  # fmt: skip
COUNTRY = {"iraq": "IQ", "syria": "SY"}
_DATE = re.compile(rf"^(?P<m>{MON})\s*(?P<d>[0-3]?\d)(?:\s*[-–]\s*[0-3]?\d)?,?\s*(?P<y>20[12]\d)?$")
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_NOT_A_PLACE = re.compile(
    r"(?i)\b(?:area|cache|unspecified|staging|province|and|syria|iraq|northwest|northeast)\b"
)


def parse_strike_date(text: str | None, file_day: date | None) -> date | None:
    """'2015-01-01', 'January 1, 2015', 'Aug. 16' (year from the release's file date), or
    'April 25-26, 2015' (its first day); None when blank or unreadable."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    try:
        return date.fromisoformat(t)
    except ValueError:
        pass
    m = _DATE.match(t)
    if not m:
        return None
    mo, d = _month(m["m"]), int(m["d"])
    if m["y"]:
        y = int(m["y"])
    elif file_day:
        y = file_day.year - (mo > file_day.month)  # a December strike in a January release
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _count(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    v = float(value)
    if v < 0 or v != int(v):
        raise ValueError(f"not a whole non-negative count: {value!r}")
    return int(v)


def _place(location: str | None, country: str | None) -> tuple[str | None, str | None, str | None]:
    """(place_key, canonical name, country from the gazetteer) or Nones when it is no place."""
    from ingestion import gazetteer  # another module's work; imported late on purpose

    if location is None or not location.strip():
        return None, None, None
    name = re.sub(r"(?i)^\s*near\s+", "", location).strip()
    name = re.sub(r"(?i)\s+in\s+[\w ]+province$", "", name)  # "Hit in Al Anbar Province"
    info = gazetteer.lookup(name, country)
    if info is None:
        return None, None, None
    curated = info.get("name_ar") is not None
    if not curated and country:  # a known place filed under the other country's section
        other = gazetteer.lookup(name, None)
        if other and other.get("name_ar") is not None:
            info, curated = other, True
    looks_like_place = re.fullmatch(r"[A-Z][A-Za-z'’ -]{3,}", name) and not _NOT_A_PLACE.search(
        name
    )
    if not (curated or looks_like_place):
        return None, None, None
    return info["place_key"], info["name_en"], info.get("country") if curated else None


def _clean(raw: pl.DataFrame, source: str, result: ParseResult) -> pl.DataFrame:
    rows = []
    for i, r in enumerate(raw.iter_rows(named=True)):
        fm = _FILE_DATE.match(r["source_file"] or "")
        file_day = date.fromisoformat(fm[1]) if fm else None
        rid = hashlib.sha1(f"{r['source_file']}\x1f{r['page']}\x1f{i}".encode()).hexdigest()[:16]
        try:
            counts = {"strike_count": _count(r["strike_count"]),
                      "target_count": _count(r["target_count"])}  # fmt: skip
        except ValueError as exc:
            result.hold_back(TABLE, rid, "strike_count_unreadable", str(exc), r, source=source)
            continue
        day = parse_strike_date(r["date"], file_day)
        rows.append(counts | {
            "row_id": rid,
            "source": source,
            "date_stated": day,
            "date_unreadable": bool(r["date"] and r["date"].strip()) and day is None,
            "country_stated": COUNTRY.get((r["country"] or "").strip().lower()),
            "location_raw": r["location"],
            "target_type": r["target_type"],
            "effect": r["effect"],
            "source_file": r["source_file"],
            "page": int(r["page"]) if r["page"] else None,
            "latitude": float(r["lat"]) if r.get("lat") else None,
            "longitude": float(r["lon"]) if r.get("lon") else None,
        })  # fmt: skip
    return pl.DataFrame(rows, infer_schema_length=None)


def parse_strikes_csv(doc: RawDocument) -> ParseResult:
    """cjtf_oir_strike_releases(.csv|_geocoded.csv) -> coalition_strikes and place_aliases."""
    try:
        raw = pl.read_csv(io.BytesIO(doc.data), infer_schema=False)
    except Exception as exc:  # polars raises several error types for malformed CSV
        raise ValueError(f"{doc.name}: not a readable CSV ({exc})") from exc
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValueError(f"{doc.name}: not a strike-release CSV, missing columns {missing}")
    result = ParseResult()
    df = _clean(raw, doc.source, result)
    block = ["source_file", "page"]
    df = df.with_columns(
        date_on_page=pl.col("date_stated").forward_fill().over(block),
        # a country is printed once per section too; the place itself says it when it can
        country_carried=pl.col("country_stated").forward_fill().over(block),
    )
    # A list that runs over a page break keeps its day: rows at the top of page 2 take the last
    # date of the release's page 1 (the stated daily totals only add up that way).
    df = df.with_columns(
        date_day=pl.coalesce(
            "date_on_page", pl.col("date_on_page").forward_fill().over("source_file")
        ),
        date_from_previous_page=pl.col("date_on_page").is_null()
        & pl.col("date_on_page").forward_fill().over("source_file").is_not_null(),
    )
    places = {
        (loc, cc): _place(loc, cc)
        for loc, cc in df.select("location_raw", "country_carried").unique().iter_rows()
    }
    df = df.with_columns(
        pl.struct("location_raw", "country_carried")
        .map_elements(lambda s: places[(s["location_raw"], s["country_carried"])][0],
                      return_dtype=pl.String).alias("place_key"),
        pl.struct("location_raw", "country_carried")
        .map_elements(lambda s: places[(s["location_raw"], s["country_carried"])][1],
                      return_dtype=pl.String).alias("place_name"),
        pl.struct("location_raw", "country_carried")
        .map_elements(lambda s: places[(s["location_raw"], s["country_carried"])][2],
                      return_dtype=pl.String).alias("country_place"),
    )  # fmt: skip
    df = df.with_columns(
        country=pl.coalesce("country_stated", "country_place", "country_carried"),
        is_daily_total=pl.col("location_raw").is_null()
        & pl.col("target_type").is_null()
        & pl.col("target_count").is_null()
        & pl.col("effect").is_null()
        & pl.col("strike_count").is_not_null()
        & pl.col("country_stated").is_not_null(),
    )
    df = _check_geocodes(df, doc, result)
    _findings(df, doc, result)
    result.add(TABLE, df.select([c for c in df.columns if c in _STAGED_COLS]))
    result.add("place_aliases", _aliases(df, doc.source))
    return result


_STAGED_COLS = (
    "row_id", "source", "date_day", "country", "location_raw", "place_key", "place_name",
    "strike_count", "target_type", "target_count", "effect", "is_daily_total", "source_file",
    "page", "latitude", "longitude",
)  # fmt: skip


def _check_geocodes(df: pl.DataFrame, doc: RawDocument, result: ParseResult) -> pl.DataFrame:
    """The geocoded file's points are a geocoder's guesses: one outside the row's country is
    dropped (coordinates only) and counted."""
    from ingestion.coalition.lines import _BOXES

    def inside(cc: str) -> pl.Expr:
        (s, n), (w, e) = _BOXES[cc]
        return pl.col("latitude").is_between(s, n) & pl.col("longitude").is_between(w, e)

    ok = (
        pl.when(pl.col("country") == "SY").then(inside("SY"))
        .when(pl.col("country") == "IQ").then(inside("IQ"))
        .otherwise(inside(""))
    )  # fmt: skip
    bad = df.filter(pl.col("latitude").is_not_null() & ~ok).height
    if bad:
        result.findings.append(Finding(
            "strike_geocode_outside_country", TABLE, doc.name,
            f"{bad} rows geocoded outside their country", "a point in the row's country",
            "warning", source=doc.source))  # fmt: skip
    return df.with_columns(
        pl.when(ok).then(pl.col(c)).otherwise(None).alias(c) for c in ("latitude", "longitude")
    )


def _findings(df: pl.DataFrame, doc: RawDocument, result: ParseResult) -> None:
    def warn(rule: str, observed: object, expected: str) -> None:
        result.findings.append(
            Finding(rule, TABLE, doc.name, str(observed), expected, "warning", source=doc.source)
        )

    unplaced = df.filter(pl.col("place_key").is_null() & ~pl.col("is_daily_total"))
    if unplaced.height:
        blank = unplaced["location_raw"].is_null().sum()
        warn("strike_place_unplaced",
             f"{unplaced.height} rows ({blank} with no location, "
             f"{unplaced.height - blank} with a name the gazetteer cannot place)",
             "every row placed")  # fmt: skip
    carried = df["date_from_previous_page"].sum()
    if carried:
        warn(
            "strike_date_from_previous_page",
            f"{carried} rows at the top of a page dated from the release's previous page",
            "a date on the same page",
        )
    undated = df.filter(pl.col("date_day").is_null()).height
    if undated:
        warn(
            "strike_date_missing",
            f"{undated} rows with no date above them in their release",
            "a date on every row",
        )
    unreadable = df["date_unreadable"].sum()
    if unreadable:
        warn("strike_date_unreadable", f"{unreadable} date cells not read", "a readable date")


def _aliases(df: pl.DataFrame, source: str) -> pl.DataFrame:
    placed = df.filter(pl.col("place_key").is_not_null())
    return (
        placed.group_by("location_raw", "place_key")
        .agg(
            pl.col("place_name").first().alias("name_en"),
            pl.col("country").drop_nulls().mode().first().alias("country"),
            pl.col("latitude").median(),
            pl.col("longitude").median(),
        )
        .select(
            "place_key",
            pl.col("location_raw").alias("alias"),
            pl.lit("latin").alias("script"),
            "name_en",
            "country",
            "latitude",
            "longitude",
            pl.lit(source).alias("source"),
        )
        .sort("place_key", "alias")
    )


def daily_total_mismatches(df: pl.DataFrame) -> pl.DataFrame:
    """(date, country, stated_total, sum_of_places, source_file) where a release's daily total differs
    from its per-place strikes. Rows of one place share the place's strike count, so each place
    counts once (its largest figure)."""
    keys = ["source_file", "date_day", "country"]
    totals = (
        df.filter(pl.col("is_daily_total"))
        .group_by(keys)
        .agg(pl.col("strike_count").sum().alias("stated_total"))
    )
    per_place = (
        df.filter(~pl.col("is_daily_total") & pl.col("location_raw").is_not_null())
        .group_by([*keys, "location_raw"])
        .agg(pl.col("strike_count").max())
        .group_by(keys)
        .agg(pl.col("strike_count").sum().alias("sum_of_places"))
    )
    return (
        totals.join(per_place, on=keys, how="inner")
        .filter(pl.col("stated_total") != pl.col("sum_of_places"))
        .select(
            pl.col("date_day").alias("date"),
            "country",
            "stated_total",
            "sum_of_places",
            "source_file",
        )
        .sort("date", "country", "source_file")
    )
