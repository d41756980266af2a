"""Strike-release cleaning: carried dates, both date styles, spellings, unplaced rows, totals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from ingestion.coalition.strikes import daily_total_mismatches, parse_strike_date, parse_strikes_csv
from ingestion.parsing import RawDocument
from tests.conftest import PROJECT, shared_path

SAMPLE = PROJECT / "ingestion" / "sample" / "coalition" / "strike_releases.csv"


def doc(path) -> RawDocument:
    return RawDocument("2" * 64, "coalition_strikes", "coalition", str(path), path.name,
                       "text/csv", datetime.now(UTC), path.read_bytes())  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2015-01-01", date(2015, 1, 1)), ("January 1, 2015", date(2015, 1, 1)),
     ("Aug. 16", date(2016, 8, 16)), ("April 25-26, 2015", date(2015, 4, 25)),
     ("Dec. 31", date(2015, 12, 31)), ("", None), ("not a date", None)],
)  # fmt: skip
def test_date_styles(text, expected):
    file_day = date(2016, 1, 2) if text == "Dec. 31" else date(2016, 8, 17)
    assert parse_strike_date(text, file_day) == expected


def test_sample_cleaning():
    result = parse_strikes_csv(doc(SAMPLE))
    t = result.tables["coalition_strikes"]
    assert t.height == 9  # nothing dropped
    # carried within page; the page-2 row takes page 1's last date, and says so
    assert t["date_day"].to_list() == [date(2015, 1, 1)] * 5 + [date(2015, 1, 2)] * 4
    carried = [f for f in result.findings if f.rule == "strike_date_from_previous_page"]
    assert len(carried) == 1 and carried[0].observed.startswith("1 rows")
    assert t["strike_count"].dtype == pl.Int64 and t["strike_count"].sum() == 17
    assert t["country"].to_list()[:4] == ["SY", "SY", "SY", "IQ"]
    keys = dict(zip(t["location_raw"], t["place_key"], strict=True))
    assert keys["Kobani"] == keys["Koboni"]
    assert keys["Dawr az Zawr"] == keys["Deir ez-Zor"]
    assert keys["assembly area"] is None
    assert t["is_daily_total"].to_list() == [False] * 4 + [True] + [False] * 4
    unplaced = [f for f in result.findings if f.rule == "strike_place_unplaced"]
    assert len(unplaced) == 1 and unplaced[0].observed.startswith("1 rows")
    assert unplaced[0].severity == "warning"
    mismatch = daily_total_mismatches(t)
    assert mismatch.drop("source_file").rows() == [(date(2015, 1, 1), "IQ", 3, 2)]
    aliases = result.tables["place_aliases"]
    assert {"Kobani", "Koboni", "Near Mosul"} <= set(aliases["alias"])


def test_real_strike_releases():
    result = parse_strikes_csv(doc(shared_path("corpus", "coalition",
                                               "cjtf_oir_strike_releases.csv")))  # fmt: skip
    t = result.tables["coalition_strikes"]
    assert t.height == 21253 and not result.quarantine
    assert t["date_day"].drop_nulls().is_between(date(2014, 12, 1), date(2017, 12, 31)).all()
    assert t["date_day"].null_count() == 0
    assert set(t["country"].drop_nulls()) == {"IQ", "SY"}
    kobani = t.filter(pl.col("location_raw").is_in(["Kobani", "Koboni"]))["place_key"].unique()
    assert kobani.len() == 1 and kobani[0] is not None
    dez = t.filter(pl.col("location_raw").is_in(["Dayr az Zawr", "Dawr az Zawr"]))
    assert dez["place_key"].n_unique() == 1
    unplaced = [f for f in result.findings if f.rule == "strike_place_unplaced"]
    n = t.filter(pl.col("place_key").is_null() & ~pl.col("is_daily_total")).height
    assert len(unplaced) == 1 and unplaced[0].observed.startswith(f"{n} rows")
    # with page-2 rows dated, most stated totals add up
    assert daily_total_mismatches(t).height <= 0.2 * t["is_daily_total"].sum()


def test_geocoded_file_gives_alias_coordinates():
    path = shared_path("corpus", "coalition", "cjtf_oir_strike_releases_geocoded.csv")
    result = parse_strikes_csv(doc(path))
    aliases = result.tables["place_aliases"]
    assert aliases["latitude"].drop_nulls().len() > 50
    assert aliases["latitude"].drop_nulls().is_between(29.0, 37.4).all()
    assert "strike_geocode_outside_country" in {f.rule for f in result.findings}


def test_not_a_strike_csv():
    bad = PROJECT / "ingestion" / "sample" / "coalition" / "monthly_reports.csv"
    with pytest.raises(ValueError, match="missing columns"):
        parse_strikes_csv(doc(bad))
