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

LS = pl.List(pl.String)

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


def by_value(
    df: pl.DataFrame, cols: list[str], fn, schema: dict, where: pl.Expr | None = None
) -> pl.DataFrame:
    """`fn(*values)` once per distinct value of `cols` (only on rows matching `where`), joined
    back onto every row in order: a file repeats the same few thousand names and codes, so
    rules with no vectorised form cost one call per value, not per row."""
    keys = df.select(cols) if where is None else df.filter(where.fill_null(False)).select(cols)
    keys = keys.unique(maintain_order=True)
    if len(schema) == 1:
        columns = [[fn(*k) for k in keys.iter_rows()]]
    else:
        results = [fn(*k) for k in keys.iter_rows()]
        columns = [[r[j] for r in results] for j in range(len(schema))]
    out = pl.DataFrame(
        [_series(f"\0{k}", c, t) for (k, t), c in zip(schema.items(), columns, strict=True)]
    )
    table = pl.concat([keys, out], how="horizontal")
    joined = df.select(cols).join(
        table, on=cols, how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.select(pl.col(f"\0{k}").alias(k) for k in schema)


def _series(name: str, values: list, dtype) -> pl.Series:
    """A Series from Python values; lists are built flat and grouped, because polars builds
    a nested Series per list element (slow for thousands of short lists)."""
    if not isinstance(dtype, pl.List) or any(v is None for v in values):
        return pl.Series(name, values, dtype=dtype)
    idx = [i for i, lst in enumerate(values) for _ in lst]
    flat = pl.Series("v", [v for lst in values for v in lst], dtype=dtype.inner)
    grouped = pl.DataFrame({"i": pl.Series(idx, dtype=pl.Int64), "v": flat}).group_by("i").agg("v")
    rows = pl.DataFrame({"i": pl.int_range(len(values), eager=True)})
    full = rows.join(grouped, on="i", how="left", maintain_order="left")
    return full.select(pl.col("v").fill_null(pl.lit([], dtype=dtype)).alias(name)).to_series()


def belligerent_codes(raw) -> tuple[list[str], list[str]]:
    """(distinct contract codes, names with no contract code) of a belligerent field."""
    codes: list[str] = []
    loose: list[str] = []
    for name in split_belligerents(raw):
        try:
            code, exact = belligerent_code(name)
        except UnknownBelligerent:
            code, exact = "unknown", False
        if not exact:
            loose.append(name)
        if code not in codes:
            codes.append(code)
    return codes, loose


def date_columns(df: pl.DataFrame, col: str) -> tuple[pl.Series, pl.Series]:
    """`parse_iso_date` over a text column: (date, problem). Plain 'YYYY-MM-DD...' cells are
    read by expression; anything else (blank, placeholder, other shapes) by the function."""
    s = pl.col(col)
    plain = s.str.contains(r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}").fill_null(False)
    day = s.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    other = by_value(df, [col], parse_iso_date, {"d": pl.Date, "p": pl.String}, where=~plain)
    out = pl.concat([df.select(col), other], how="horizontal").select(
        d=pl.when(plain).then(pl.when(day >= MIN_DATE).then(day)).otherwise("d"),
        p=pl.when(plain)
        .then(pl.when(day.is_null()).then(pl.lit("unparsed"))
              .when(day < MIN_DATE).then(pl.lit("placeholder")))
        .otherwise("p"),
    )  # fmt: skip
    return out["d"], out["p"]


def _count_or_error(value) -> tuple[int | None, int | None, str | None]:
    try:
        return (*parse_count(value), None)
    except ValueError as e:
        return None, None, str(e)


def count_columns(df: pl.DataFrame, col: str) -> tuple[pl.Series, pl.Series, pl.Series]:
    """`parse_count` over a text column: (min, max, error message). Plain digits are cast;
    ranges, 'Unknown' and the rest go through the function once per distinct text."""
    s = pl.col(col)
    plain = s.str.contains(r"^[0-9]{1,15}$").fill_null(False)
    other = by_value(df, [col], _count_or_error,
                     {"lo": pl.Int64, "hi": pl.Int64, "err": pl.String},
                     where=~plain & s.is_not_null())  # fmt: skip
    n = s.cast(pl.Int64, strict=False)
    out = pl.concat([df.select(col), other], how="horizontal").select(
        lo=pl.when(plain).then(n).otherwise("lo"), hi=pl.when(plain).then(n).otherwise("hi")
    )
    return out["lo"], out["hi"], other["err"]


def float_column(df: pl.DataFrame, col: str) -> pl.Series:
    """`to_float` over a text column: plain decimals cast, the rest through the function."""
    s = pl.col(col)
    plain = s.str.contains(r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$").fill_null(False)
    other = by_value(df, [col], to_float, {"v": pl.Float64}, where=~plain & s.is_not_null())
    return (
        pl.concat([df.select(col), other], how="horizontal")
        .select(pl.when(plain).then(s.cast(pl.Float64, strict=False)).otherwise("v"))
        .to_series()
    )


# Columns the rules read; a format that lacks one is judged as if it were blank.
_JUDGED = [
    "incident_code", "date_start", "date_end", "latitude", "longitude", "country",
    "belligerents_raw", *(f"{p}_{e}" for p in PAIRS for e in ("min", "max")),
]  # fmt: skip


def _in_box_expr(cc: str) -> pl.Expr:
    s, n, w, e = BOXES[cc]
    return pl.col("latitude").is_between(s, n) & pl.col("longitude").is_between(w, e)


def _suspect(frame: pl.DataFrame) -> pl.Expr:
    """Rows some rule may fire on (a superset): only these are judged row by row."""
    lat, lon, cc = pl.col("latitude"), pl.col("longitude"), pl.col("country")
    in_own = (
        pl.when(cc == "SY").then(_in_box_expr("SY"))
        .when(cc == "IQ").then(_in_box_expr("IQ"))
        .otherwise(_in_box_expr("SY") | _in_box_expr("IQ"))
    )  # fmt: skip
    coords_ok = (lat.is_null() & lon.is_null()) | (
        lat.is_not_null() & lon.is_not_null() & lat.is_not_nan() & lon.is_not_nan() & in_own
    )
    checks = [
        pl.col("incident_code").is_not_null() & pl.col("incident_code").is_duplicated(),
        pl.col("date_start").is_null(),
        pl.col("children_killed_min").fill_null(0) + pl.col("women_killed_min").fill_null(0)
        > pl.col("civilian_deaths_max"),
        pl.col("date_end") < pl.col("date_start"),
        pl.col("_loose"),
        *(pl.col(f"{p}_min") > pl.col(f"{p}_max") for p in PAIRS),
    ]
    # a comparison with a null never fires; a point the check cannot place is judged in full
    return pl.any_horizontal(*(c.fill_null(False) for c in checks), (~coords_ok).fill_null(True))


class IncidentBatch:
    """Collects incident rows from one document, applies the rules, publishes the good ones."""

    def __init__(self, source: str, origin: str):
        self.source, self.origin = source, origin
        self.rows: list[dict] = []
        self.records: list[dict] = []
        self.frame: pl.DataFrame | None = None
        self.record_of = None

    def add(self, row: dict, record: dict) -> None:
        """row: staged columns plus 'belligerents_raw' text; record: the input as read."""
        self.rows.append(row)
        self.records.append(record)

    def add_frame(self, frame: pl.DataFrame, record_of) -> None:
        """A whole file's rows at once, as `add` would see them; `record_of(i)` gives the
        input of row i (only read for rows held back)."""
        self.frame, self.record_of = frame, record_of

    def _finding(self, result, rule, entity_id, observed, expected, severity):
        result.findings.append(
            Finding(rule, ENTITY, entity_id, observed, expected, severity, source=self.source)
        )

    def _frame_and_rows(self):
        if self.frame is not None:
            frame = self.frame

            def row_of(i: int) -> dict:
                return frame.row(i, named=True)

            return frame, row_of, self.record_of
        staged = [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.rows]
        frame = pl.DataFrame(staged, schema_overrides=STAGED[TABLE], infer_schema_length=None)
        frame = frame.with_columns(
            pl.lit(None, dtype=STAGED[TABLE].get(c, pl.String)).alias(c)
            for c in _JUDGED
            if c not in frame.columns
        )
        return frame, self.rows.__getitem__, self.records.__getitem__

    def publish(self, result: ParseResult) -> pl.DataFrame:
        """Judge every row, add the publishable ones to `result`, return them. The rules are
        applied row by row, but only to rows a vectorised pre-check says could break one."""
        frame, row_of, record_of = self._frame_and_rows()
        frame = frame.with_row_index("_i")
        bel = by_value(frame, ["belligerents_raw"], belligerent_codes,
                       {"belligerents": LS, "_loose_names": LS})  # fmt: skip
        frame = pl.concat([frame, bel], how="horizontal").with_columns(
            _loose=pl.col("_loose_names").list.len() > 0
        )
        suspects = frame.filter(_suspect(frame))["_i"].to_list()
        dup = (
            frame.filter(pl.col("incident_code").is_duplicated() & pl.col("incident_code").is_not_null())
            .group_by("incident_code", maintain_order=True)
            .agg("_i")
        )  # fmt: skip
        codes = dict(dup.iter_rows())
        content = {i: _content(row_of(i)) for same in codes.values() for i in same}
        held: set[int] = set()
        flags_of: dict[int, str | None] = {}
        for i in suspects:
            flags = self._judge(result, i, dict(row_of(i)), codes, content, record_of)
            if flags is None:
                held.add(i)
            else:
                flags_of[i] = flags
        good = frame.filter(~pl.col("_i").is_in(list(held))).with_columns(
            quality_flag=pl.col("_i").replace_strict(flags_of, default=None, return_dtype=pl.String),
            source=pl.lit(self.source),
            origin=pl.lit(self.origin),
        )  # fmt: skip
        good = good.select([c for c in good.columns if not c.startswith("_")])
        staged = result.add(TABLE, good if good.height else empty(TABLE))
        result.add("place_aliases", alias_rows(staged, self.source))
        return result.tables[TABLE]

    def _judge(self, result, i, row, codes, content, record_of) -> str | None:
        """Every rule on one row: its findings, then its quality flags (None: held back)."""
        eid = row.get("incident_code") or f"row {i + 1}"
        errors: list[tuple[str, str]] = []
        flags: list[str] = []

        def warn(rule, observed, expected):
            flags.append(rule)
            self._finding(result, rule, eid, observed, expected, "warning")

        same = codes.get(row.get("incident_code"), [i])
        if len(same) > 1:
            identical = all(content[j] == content[i] for j in same)
            if not identical:
                errors.append(("duplicate_code", f"code used by {len(same)} rows that differ"))
            elif i != same[0]:
                errors.append(("duplicate_code", "identical copy of an earlier row"))
        problem = row.get("_date_problem")
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
        for name in belligerent_codes(row.get("belligerents_raw"))[1]:
            warn("belligerent_no_contract_code", name, "a contract perpetrator code")
        if errors:
            for rule, reason in errors:
                self._finding(result, rule, eid, reason, None, "error")
            rule = ";".join(dict.fromkeys(r for r, _ in errors))
            reason = "; ".join(f"{r}: {why}" for r, why in errors)
            result.hold_back(TABLE, eid, rule, reason, record_of(i), source=self.source)
            return None
        return ";".join(dict.fromkeys(flags)) or None


def _content(row: dict) -> dict:
    """What makes two rows the same incident record (ignoring file position)."""
    return {k: v for k, v in row.items() if not k.startswith("_")}


def alias_rows(df: pl.DataFrame, source: str) -> pl.DataFrame:
    """One place_aliases row per spelling (English and Arabic) seen for a place key."""
    if df.is_empty():
        return empty("place_aliases")
    base = df.filter(pl.col("place_key").is_not_null())
    base = base.with_columns(
        name_en=by_value(base, ["location_en"], first_part, {"name_en": pl.String})["name_en"],
        name_ar=by_value(base, ["location_ar"], first_part, {"name_ar": pl.String})["name_ar"],
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
        pl.col("name_en").drop_nulls().mode().sort().first(),
        pl.col("name_ar").drop_nulls().mode().sort().first(),
        pl.col("admin1_en").drop_nulls().mode().sort().first(),
        pl.col("country").drop_nulls().mode().sort().first(),
        pl.col("latitude").median(),
        pl.col("longitude").median(),
    )
    return out.with_columns(source=pl.lit(source))


def place_key(location_en: str | None, location_ar: str | None, country: str | None):
    """Key from the English name, else the Arabic one."""
    return gazetteer.place_key(location_en, country) or gazetteer.place_key(location_ar, country)
