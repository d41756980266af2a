"""Violations Documentation Center (VDC) tables -> observatory_counts and vdc_deaths_monthly.

Week numbering of vdc_weekly_by_province.csv: calendar year + ISO week number (what
`pandas.Series.dt.isocalendar().week` grouped by `dt.year` gives). Evidence: 2015 and 2016
have weeks 1..53, every other full year 1..52; only that scheme yields 53 weeks in 2016 (Jan
1-3 2016 belong to ISO week 2015-W53) and not 54 in 2012 or 2017 (as %W+1 / %U+1 would).
So a row's period is its ISO week (Monday..Sunday) clipped to the calendar year; in the
first/last week of a year the row may also hold days of the other ISO week with the same
number at the other end of the year: those rows get a warning (`week_spans_year_ends`).

The casualty list names the dead: only province, cause, date, sex/age and rank are read
(`columns=`), so names never enter memory, let alone an output. `0000-00-00` or unreadable
dates are counted in one finding per province and left out of every month.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import polars as pl

from ingestion import gazetteer
from ingestion.parsing import Finding, ParseResult, RawDocument
from ingestion.schemas import STAGED

OBSERVATORY = "VDC"
GROUPS = ["Adult - Female", "Adult - Male", "Child - Female", "Child - Male"]
NOT_CAUSES = {"year", "week", "province", "Civilian", "Non-Civilian", "total", *GROUPS}
LIST_COLUMNS = ["Province", "Cause_of_Death", "Date_of_Death", "Sex", "Rank"]


def week_period(year: int, week: int) -> tuple[date, date, bool]:
    """(start, end, spans_ends) for VDC's (calendar year, ISO week) row."""
    jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
    spans = []
    for iso_year in (year - 1, year, year + 1):
        try:
            monday = date.fromisocalendar(iso_year, week, 1)
        except ValueError:
            continue
        start, end = max(monday, jan1), min(monday + timedelta(days=6), dec31)
        if start <= end:
            spans.append((start, end))
    if not spans:
        raise ValueError(f"week {week} does not fall in {year}")
    main = next((s for s in spans if s[0].isocalendar()[0] == year), spans[0])
    return main[0], main[1], len(spans) > 1


def province_name(raw: str | None) -> str | None:
    """VDC spelling ('Damascus Suburbs', 'Hasakeh') -> the gazetteer's governorate name."""
    if raw is None or not raw.strip():
        return None
    return gazetteer.admin1(raw.strip(), "SY") or raw.strip()


def province_aliases(names, source: str) -> pl.DataFrame:
    rows = []
    for raw in sorted({n.strip() for n in names if n and n.strip()}):
        info = gazetteer.lookup(raw, "SY")
        if info is None or raw.lower() in {"unknown", "other"}:
            continue
        rows.append(
            {
                "place_key": info["place_key"],
                "alias": raw,
                "script": gazetteer.script(raw),
                "name_en": info["name_en"],
                "name_ar": info["name_ar"],
                "admin1_en": info["admin1_en"] or info["name_en"],
                "country": "SY",
                "latitude": info["latitude"],
                "longitude": info["longitude"],
                "source": source,
            }
        )
    return pl.DataFrame(rows, schema=STAGED["place_aliases"])


def parse_weekly_csv(doc: RawDocument) -> ParseResult:
    """vdc_weekly_by_province.csv -> observatory_counts (week totals + per cause), aliases."""
    df = pl.read_csv(io.StringIO(doc.text()), infer_schema=False)
    need = {"year", "week", "province", "Civilian", "total", *GROUPS}
    if need - set(df.columns):
        raise ValueError(
            f"{doc.name}: not a VDC weekly table, missing {sorted(need - set(df.columns))}"
        )
    causes = [c for c in df.columns if c not in NOT_CAUSES]
    result = ParseResult()

    def finding(rule, eid, observed, expected, severity="warning"):
        result.findings.append(
            Finding(rule, "vdc_week", eid, observed, expected, severity, source=doc.source)
        )

    rows = []
    for r in df.iter_rows(named=True):
        eid = f"{r['year']}-W{r['week']} {r['province']}"
        try:
            n = {k: int(v) for k, v in r.items() if k not in ("province",) and v is not None}
            start, end, spans = week_period(n["year"], n["week"])
        except (ValueError, KeyError) as e:
            finding("row_unreadable", eid, str(e), "integer year, week and counts", "error")
            result.hold_back("observatory_counts", eid, "row_unreadable", str(e), r,
                             source=doc.source)  # fmt: skip
            continue
        if spans:
            finding("week_spans_year_ends", eid, f"{start}..{end}",
                    "one ISO week inside the year")  # fmt: skip
        prov = province_name(r["province"])
        civ, noncv = n.get("Civilian"), n.get("Non-Civilian")
        if civ is not None and noncv is not None and civ + noncv != n["total"]:
            finding("civilian_split_mismatch", eid, f"{civ}+{noncv}", n["total"])
        if sum(n.get(g, 0) for g in GROUPS) != n["total"]:
            finding("sex_age_mismatch", eid, sum(n.get(g, 0) for g in GROUPS), n["total"])
        if sum(n.get(c, 0) for c in causes) != n["total"]:
            finding("cause_sum_mismatch", eid, sum(n.get(c, 0) for c in causes), n["total"])
        base = {
            "source": doc.source,
            "observatory": OBSERVATORY,
            "origin": "table",
            "period_start": start,
            "period_end": end,
            "country": "SY",
            "admin1_en": prov,
        }
        key = f"vdc-{n['year']}-w{n['week']:02d}-{gazetteer.place_key(r['province'], 'SY')}"
        rows.append(
            base
            | {
                "count_id": f"{key}-all",
                "cause": None,
                "civilians": civ,
                "children": n["Child - Female"] + n["Child - Male"],
                "women": n["Adult - Female"],
                "total": n["total"],
            }
        )
        for c in causes:
            if n.get(c):
                slug = "-".join(c.lower().replace("-", " ").split())
                rows.append(base | {"count_id": f"{key}-{slug}", "cause": c, "total": n[c]})
    result.add("observatory_counts", pl.DataFrame(rows, schema=STAGED["observatory_counts"]))
    result.add("place_aliases", province_aliases(df["province"].to_list(), doc.source))
    return result


def civilian_status(rank: str | None) -> str:
    r = (rank or "").strip().lower()
    if r == "civilian":
        return "civilian"
    if r in {"", "unknown", "not known", "n/a"}:
        return "unknown"
    return "non_civilian"


def parse_casualty_list(doc: RawDocument) -> ParseResult:
    """vdc_casualty_list_2011_2015.csv -> vdc_deaths_monthly (month x province x status x
    cause); undated deaths are counted in findings only. Names are never read."""
    head = doc.data[:4096].decode("utf-8-sig", errors="replace").splitlines()[0]
    missing = [c for c in LIST_COLUMNS if c not in head.split(",")]
    if missing:
        raise ValueError(f"{doc.name}: not a VDC casualty list, missing {missing}")
    df = pl.read_csv(io.BytesIO(doc.data), columns=LIST_COLUMNS, infer_schema=False)
    result = ParseResult()
    df = df.with_columns(
        d=pl.col("Date_of_Death").str.strip_chars().str.to_date("%Y-%m-%d", strict=False),
        province=pl.col("Province").map_elements(province_name, return_dtype=pl.String),
        civilian_status=pl.col("Rank")
        .fill_null("")
        .map_elements(civilian_status, return_dtype=pl.String),
        cause=pl.col("Cause_of_Death").str.strip_chars(),
        child=pl.col("Sex").str.strip_chars().str.starts_with("Child"),
        woman=pl.col("Sex").str.strip_chars() == "Adult - Female",
    )
    undated = df.filter(pl.col("d").is_null() | (pl.col("d") < date(2000, 1, 1)))
    for r in (
        undated.group_by("province")
        .agg(n=pl.len(), raw=pl.col("Date_of_Death").unique().sort().str.join("|"))
        .iter_rows(named=True)
    ):
        result.findings.append(
            Finding("death_date_missing", "vdc_death", f"province {r['province']}",
                    f"{r['n']} deaths dated {r['raw']!r}", "a date", "warning",
                    source=doc.source)
        )  # fmt: skip
    monthly = (
        df.filter(pl.col("d").is_not_null() & (pl.col("d") >= date(2000, 1, 1)))
        .group_by(
            pl.col("d").dt.truncate("1mo").alias("month_start"),
            "province",
            "civilian_status",
            "cause",
        )
        .agg(deaths=pl.len(), children=pl.col("child").sum(), women=pl.col("woman").sum())
        .sort("month_start", "province", "civilian_status", "cause", nulls_last=True)
        .with_columns(source=pl.lit(doc.source))
    )
    result.add("vdc_deaths_monthly", monthly)
    result.add("place_aliases", province_aliases(df["Province"].to_list(), doc.source))
    return result
