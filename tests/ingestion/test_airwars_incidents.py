"""Airwars incidents from CSV, JSON and HTML: counts, every known fault, ranges, agreement
with the CSV computed independently in DuckDB."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import polars as pl
import pytest

from ingestion.ngo.airwars_csv import parse_incidents_csv
from ingestion.ngo.airwars_html import page_dates, parse_incident_page
from ingestion.ngo.airwars_json import parse_case_record, parse_cases_summary
from ingestion.ngo.incident_rows import parse_count
from ingestion.parsing import RawDocument
from tests.conftest import PROJECT, shared_path

SAMPLE = PROJECT / "ingestion" / "sample" / "ngo" / "airwars_syria_incidents.csv"


def doc(path) -> RawDocument:
    return RawDocument("a" * 64, "airwars", "ngo", str(path), path.name, "text/plain",
                       datetime.now(UTC), path.read_bytes())  # fmt: skip


@pytest.fixture(scope="module")
def csv_path():
    return shared_path("corpus", "ngo", "airwars_syria_incidents.csv")


@pytest.fixture(scope="module")
def csv_result(csv_path):
    return parse_incidents_csv(doc(csv_path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3 – 7", (3, 7)), ("3-7", (3, 7)), ("12 to 19", (12, 19)), ("4", (4, 4)), (5, (5, 5)),
     ("Unknown", (None, None)), ("", (None, None)), (None, (None, None))],
)  # fmt: skip
def test_count_ranges(text, expected):
    assert parse_count(text) == expected


def test_count_rejects_garbage():
    with pytest.raises(ValueError, match="neither a number"):
        parse_count("several")


def test_csv_every_row_is_published_or_held_back(csv_result):
    df = csv_result.tables["airwars_incidents"]
    assert df.height + len(csv_result.quarantine) == 8114
    assert (df["origin"] == "csv").all() and (df["country"] == "SY").all()
    held = {(q["entity_id"], q["rule"]) for q in csv_result.quarantine}
    assert held == {("TS631", "duplicate_code"), ("TS633", "duplicate_code"),
                    ("CS1033", "coordinates_impossible"), ("TRSOM001", "date_placeholder"),
                    ("TS644", "date_missing"), ("YS133", "date_missing")}  # fmt: skip
    assert len(csv_result.quarantine) == 8  # both copies of each duplicated code
    assert not df["incident_code"].is_duplicated().any()
    assert df["longitude"].max() < 50


def test_csv_warnings_flag_published_rows(csv_result):
    df = csv_result.tables["airwars_incidents"]
    flagged = dict(df.filter(pl.col("quality_flag").is_not_null())
                   .select("incident_code", "quality_flag").iter_rows())  # fmt: skip
    assert "coordinates_outside_iq_sy" in flagged["IRIS250616b"]  # Haifa
    assert "coordinates_outside_country" in flagged["TI038C"]
    assert "children_women_above_total" in flagged["RS1480"]
    assert "min_above_max" in flagged["RS1480"]
    assert "date_end_before_start" in flagged["RS2053"]
    rules = {f.rule for f in csv_result.findings if f.severity == "warning"}
    assert {"children_women_above_total", "min_above_max"} <= rules


def test_csv_fields(csv_result):
    df = csv_result.tables["airwars_incidents"]
    first = df.filter(pl.col("incident_code") == "DEBSYR260228a").row(0, named=True)
    assert first["date_start"] == date(2026, 2, 28) and first["local_time"] == "12:00"
    assert first["belligerents"] == ["iran", "unknown"]
    assert first["governorate_en"] == "Suwayda" and first["civilian_deaths_max"] == 4
    ranged = df.filter(pl.col("date_precision") == "range")
    assert ranged.height >= 146 and (ranged["date_end"] >= ranged["date_start"]).mean() > 0.99
    assert (
        df.filter(pl.col("incident_code").str.starts_with("CS"))["previous_codes"].list.len().sum()
        > 0
    )
    assert df["place_key"].null_count() < 50
    assert df["governorate_en"].n_unique() < 60
    aliases = csv_result.tables["place_aliases"]
    assert set(aliases["script"].unique()) == {"latin", "arabic"}
    raqqa = aliases.filter(pl.col("place_key") == "sy-raqqa")
    assert "الرقة" in raqqa["alias"].to_list()


def test_csv_agrees_with_duckdb_except_held_back(csv_result, csv_path):
    """Coalition incidents and deaths by year: staged frame vs the CSV read by DuckDB
    (coalition = 'U.S.-led Coalition' or a member's own label, 'UK Military')."""
    staged = csv_result.tables["airwars_incidents"]
    held = sorted({q["entity_id"] for q in csv_result.quarantine})
    con = duckdb.connect()
    raw = con.execute(
        r"""
        select year(try_cast(incident_date as date)) as yr, count(*) as n,
               sum(try_cast(civilian_deaths_min as int)) as dmin,
               sum(try_cast(civilian_deaths_max as int)) as dmax
        from read_csv(?, all_varchar = true)
        where regexp_matches(belligerent, 'U\.S\.-led Coalition|UK Military')
          and incident_code not in (select unnest(?))
        group by 1 order by 1
        """,
        [str(csv_path), held],
    ).fetchall()
    ours = (
        staged.filter(pl.col("belligerents").list.contains("coalition"))
        .group_by(yr=pl.col("date_start").dt.year())
        .agg(
            n=pl.len(),
            dmin=pl.col("civilian_deaths_min").sum(),
            dmax=pl.col("civilian_deaths_max").sum(),
        )  # fmt: skip
        .sort("yr")
    )
    assert [tuple(r) for r in raw] == [
        (r[0], r[1], r[2], r[3]) for r in ours.with_columns(pl.col("yr").cast(pl.Int64)).rows()
    ]


def test_cases_summary_matches_csv(csv_result):
    path = shared_path("corpus", "ngo", "airwars_raw", "site-package", "extracted", "data",
                       "cases-summary.json")  # fmt: skip
    res = parse_cases_summary(doc(path))
    js = res.tables["airwars_incidents"]
    assert js.height + len(res.quarantine) == 8114 and (js["origin"] == "json").all()
    assert {"TS631", "TS633", "TRSOM001", "TS644", "YS133"} <= {
        q["entity_id"] for q in res.quarantine
    }
    assert set(js["grading"].drop_nulls()) >= {
        "Confirmed",
        "Fair",
        "Weak",
        "Contested",
        "Discounted",
    }
    both = js.join(csv_result.tables["airwars_incidents"], on="incident_code", suffix="_csv")
    assert both.height > 8000
    for col in ["civilian_deaths_min", "civilian_deaths_max", "grading", "strike_status"]:
        same = (both[col].eq_missing(both[f"{col}_csv"])).mean()
        assert same > 0.99, col


def test_case_files_and_incident_records():
    raw = shared_path("corpus", "ngo", "airwars_raw")
    case = parse_case_record(
        doc(raw / "site-package" / "extracted" / "cases" / "2430" / "data.json")
    )
    row = case.tables["airwars_incidents"].row(0, named=True)
    assert row["incident_code"] == "CS1896" and row["previous_codes"] == ["S1772"]
    assert row["date_precision"] == "range" and row["date_end"] == date(2019, 2, 7)
    assert (row["civilian_deaths_min"], row["civilian_deaths_max"]) == (0, 1)
    assert row["belligerents"] == ["coalition"] and row["grading"] == "Confirmed"
    bad = parse_case_record(doc(raw / "data" / "incidents" / "airwars-32716.json"))
    assert bad.tables["airwars_incidents"].height == 0
    assert [q["rule"] for q in bad.quarantine] == ["coordinates_impossible"]
    good = parse_case_record(doc(raw / "data" / "incidents" / "airwars-78911.json"))
    assert good.tables["airwars_incidents"]["belligerents"].to_list() == [["coalition", "sdf"]]
    schema = parse_case_record(doc(raw / "data" / "schema" / "incident.schema.json"))
    assert schema.tables == {} and schema.quarantine == []


def test_html_pages():
    pages = sorted(shared_path("corpus", "ngo", "airwars_pages").glob("*.html"))
    assert len(pages) == 6
    rows = {}
    for p in pages:
        res = parse_incident_page(doc(p))
        rows |= {
            r["incident_code"]: r for r in res.tables["airwars_incidents"].iter_rows(named=True)
        }
        assert "victims" not in res.tables["airwars_incidents"].columns
    r = rows["ISPT0002"]
    assert (r["civilian_deaths_min"], r["civilian_deaths_max"]) == (3, 7)
    assert (r["children_killed_min"], r["women_killed_max"], r["men_killed_max"]) == (2, 3, 1)
    assert r["country"] == "PS" and r["date_start"] == date(2023, 10, 7)
    assert r["location_ar"] == "خزاعة" and r["belligerents"] == ["israel"]
    assert "coordinates_outside_iq_sy" in r["quality_flag"]
    unknown = rows["ISPT00013"]
    assert unknown["civilian_deaths_min"] is None and unknown["civilian_injuries_max"] == 5
    assert (rows["ISPT0011"]["children_killed_min"], rows["ISPT0011"]["children_killed_max"]) == (
        10,
        13,
    )
    assert page_dates("October 7 – 9, 2023") == (date(2023, 10, 7), date(2023, 10, 9))


def test_sample_shows_each_fault():
    res = parse_incidents_csv(doc(SAMPLE))
    held = {(q["entity_id"], q["rule"]) for q in res.quarantine}
    assert held == {("XS005", "date_placeholder"), ("XS006", "date_missing"),
                    ("XS007", "coordinates_impossible"), ("XS008", "duplicate_code")}  # fmt: skip
    df = res.tables["airwars_incidents"]
    flags = dict(df.select("incident_code", "quality_flag").iter_rows())
    assert flags["XS004"] == "children_women_above_total"
    assert "coordinates_outside_iq_sy" in flags["XS010"]
    xs4 = df.filter(pl.col("incident_code") == "XS004").row(0, named=True)
    assert (xs4["civilian_deaths_min"], xs4["civilian_deaths_max"]) == (3, 7)
    assert df.filter(pl.col("incident_code") == "XS003")["civilian_deaths_min"].to_list() == [None]
    assert df.filter(pl.col("incident_code") == "XS003")["place_key"].to_list() == ["sy-baghuz"]
