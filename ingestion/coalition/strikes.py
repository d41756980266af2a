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


def _by_value(df: pl.DataFrame, cols: list[str], fn, schema: dict) -> pl.DataFrame:
    """`fn(*values)` once per distinct value of `cols`, joined back onto every row in order:
    21k rows hold about 2k distinct dates and a few hundred places."""
    keys = df.select(cols).unique(maintain_order=True)
    results = [fn(*k) for k in keys.iter_rows()]
    out = pl.DataFrame(
        [pl.Series(f"\0{name}", [r[j] for r in results], dtype=t)
         for j, (name, t) in enumerate(schema.items())]
    )  # fmt: skip
    table = pl.concat([keys, out], how="horizontal")
    joined = df.select(cols).join(
        table, on=cols, how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.select(pl.col(f"\0{k}").alias(k) for k in schema)


def _python_values(df: pl.DataFrame, col: str, plain: str, fn) -> dict:
    """`fn` of every distinct non-null cell not matching `plain`: plain cells are cast by
    expression, odd ones keep Python's reading (and its errors)."""
    odd = df.filter(pl.col(col).is_not_null() & ~pl.col(col).str.contains(plain))
    return {v: fn(v) for v in odd[col].unique(maintain_order=True)}


def _read(col: str, plain: str, dtype, odd: dict) -> pl.Expr:
    cast = pl.when(pl.col(col).str.contains(plain)).then(pl.col(col).cast(dtype, strict=False))
    return pl.coalesce(cast, pl.col(col).replace_strict(odd, default=None, return_dtype=dtype))


_INT = r"^[0-9]{1,15}$"
_DECIMAL = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"


def _count_or_error(value: str) -> tuple[int | None, str | None]:
    try:
        return _count(value), None
    except ValueError as exc:
        return None, str(exc)


def _file_day(source_file: str | None) -> date | None:
    fm = _FILE_DATE.match(source_file or "")
    return date.fromisoformat(fm[1]) if fm else None


def _day(text: str | None, file_day: date | None) -> tuple[date | None, bool]:
    day = parse_strike_date(text, file_day)
    return day, bool(text and text.strip()) and day is None


def _clean(raw: pl.DataFrame, source: str, result: ParseResult) -> pl.DataFrame:
    """Text cells -> typed columns; a row whose counts cannot be read is held back."""
    read = raw  # rows held back are kept as read
    raw = raw.with_columns(
        pl.lit(None, pl.String).alias(c) for c in ("lat", "lon") if c not in raw.columns
    )
    ids = [
        hashlib.sha1(f"{f}\x1f{p}\x1f{i}".encode()).hexdigest()[:16]
        for i, (f, p) in enumerate(zip(raw["source_file"], raw["page"], strict=True))
    ]
    days = _by_value(raw, ["source_file"], lambda f: (_file_day(f),), {"file_day": pl.Date})
    df = raw.with_columns(row_id=pl.Series(ids, dtype=pl.String), _file_day=days["file_day"])
    counts = {}
    for col in ("strike_count", "target_count"):
        odd = _python_values(df, col, _INT, _count_or_error)
        counts[col] = _read(col, _INT, pl.Int64, {k: v[0] for k, v in odd.items()})
        counts[f"_{col}_error"] = pl.col(col).replace_strict(
            {k: v[1] for k, v in odd.items()}, default=None, return_dtype=pl.String
        )
    df = df.with_columns(**counts).with_columns(
        _error=pl.coalesce("_strike_count_error", "_target_count_error")
    )
    held = df.with_row_index("_i").filter(pl.col("_error").is_not_null())
    for i, rid, error in held.select("_i", "row_id", "_error").iter_rows():
        result.hold_back(TABLE, rid, "strike_count_unreadable", error, read.row(i, named=True),
                         source=source)  # fmt: skip
    df = df.filter(pl.col("_error").is_null())
    dated = _by_value(df, ["date", "_file_day"], _day, {"d": pl.Date, "u": pl.Boolean})
    country = _by_value(
        df, ["country"], lambda c: (COUNTRY.get((c or "").strip().lower()),), {"c": pl.String}
    )
    page_odd = _python_values(df, "page", _INT, lambda v: int(v) if v else None)
    float_odd = {c: _python_values(df, c, _DECIMAL, lambda v: float(v) if v else None)
                 for c in ("lat", "lon")}  # fmt: skip

    return df.select(
        "strike_count",
        "target_count",
        "row_id",
        pl.lit(source, pl.String).alias("source"),
        date_stated=dated["d"],
        date_unreadable=dated["u"],
        country_stated=country["c"],
        location_raw="location",
        target_type="target_type",
        effect="effect",
        source_file="source_file",
        page=_read("page", _INT, pl.Int64, page_odd),
        latitude=_read("lat", _DECIMAL, pl.Float64, float_odd["lat"]),
        longitude=_read("lon", _DECIMAL, pl.Float64, float_odd["lon"]),
    )


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
    places = _by_value(df, ["location_raw", "country_carried"], _place,
                       {"place_key": pl.String, "place_name": pl.String,
                        "country_place": pl.String})  # fmt: skip
    df = pl.concat([df, places], how="horizontal")
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
            pl.col("country").drop_nulls().mode().sort().first().alias("country"),
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
