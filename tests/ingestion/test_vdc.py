"""VDC: weekly counts with their (calendar year, ISO week) periods, and the monthly list."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from ingestion.observatory.vdc import parse_casualty_list, parse_weekly_csv, week_period
from ingestion.parsing import RawDocument
from tests.conftest import PROJECT, shared_path

SAMPLE = PROJECT / "ingestion" / "sample" / "observatory" / "vdc_weekly_by_province.csv"


def doc(path) -> RawDocument:
    return RawDocument("d" * 64, "vdc", "observatory", str(path), path.name, "text/csv",
                       datetime.now(UTC), path.read_bytes())  # fmt: skip


@pytest.mark.parametrize(
    ("year", "week", "start", "end"),
    [(2011, 11, date(2011, 3, 14), date(2011, 3, 20)),
     (2016, 53, date(2016, 1, 1), date(2016, 1, 3)),  # ISO 2015-W53 inside 2016
     (2015, 53, date(2015, 12, 28), date(2015, 12, 31)),
     (2016, 1, date(2016, 1, 4), date(2016, 1, 10))],
)  # fmt: skip
def test_week_period(year, week, start, end):
    assert week_period(year, week)[:2] == (start, end)


def test_weekly_real():
    res = parse_weekly_csv(doc(shared_path("corpus", "observatory", "vdc_weekly_by_province.csv")))
    df = res.tables["observatory_counts"]
    totals = df.filter(pl.col("cause").is_null())
    assert totals.height == 5012 and not df["count_id"].is_duplicated().any()
    assert set(totals["admin1_en"]) >= {"Rif Dimashq", "Hasakah", "Suwayda", "Deir ez-Zor"}
    assert (totals["period_end"] >= totals["period_start"]).all()
    assert ((totals["period_end"] - totals["period_start"]).dt.total_days() <= 6).all()
    assert (totals["civilians"] <= totals["total"]).all()
    war = df.filter(pl.col("cause") == "Warplane shelling")
    assert (
        war.height > 0 and war["civilians"].null_count() == war.height and (war["total"] > 0).all()
    )
    raw = pl.read_csv(shared_path("corpus", "observatory", "vdc_weekly_by_province.csv"))
    assert war["total"].sum() == raw["Warplane shelling"].sum()
    assert totals["children"].sum() == raw["Child - Female"].sum() + raw["Child - Male"].sum()
    assert {r["alias"]: r["place_key"] for r in res.tables["place_aliases"].iter_rows(named=True)}[
        "Damascus Suburbs"
    ] == "sy-rif-dimashq"


def test_casualty_list_monthly_without_names():
    path = shared_path("corpus", "observatory", "vdc_casualty_list_2011_2015.csv")
    res = parse_casualty_list(doc(path))
    m = res.tables["vdc_deaths_monthly"]
    undated = sum(
        int(f.observed.split()[0]) for f in res.findings if f.rule == "death_date_missing"
    )
    assert m["deaths"].sum() + undated == 19239 and undated > 0
    assert (m["month_start"].dt.day() == 1).all()
    assert set(m["civilian_status"]) == {"civilian", "non_civilian", "unknown"}
    assert "Name" not in m.columns and not any("Name" in (f.observed or "") for f in res.findings)


def test_weekly_sample():
    df = parse_weekly_csv(doc(SAMPLE)).tables["observatory_counts"]
    row = df.filter(pl.col("count_id") == "vdc-2017-w24-sy-raqqa-all").row(0, named=True)
    assert (row["civilians"], row["children"], row["women"], row["total"]) == (9, 3, 2, 9)
    assert (
        df.filter(pl.col("count_id") == "vdc-2017-w24-sy-raqqa-warplane-shelling")["total"].item()
        == 8
    )
