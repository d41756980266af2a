"""Incident source links: language and platform split, Arabic month names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from ingestion.ngo.airwars_sources import (
    parse_source_date,
    parse_source_refs_csv,
    split_language_platform,
)
from ingestion.parsing import RawDocument
from tests.conftest import PROJECT, shared_path

SAMPLE = PROJECT / "ingestion" / "sample" / "ngo" / "airwars_source_refs.csv"


def doc(path) -> RawDocument:
    return RawDocument("c" * 64, "airwars_sources", "ngo", str(path), path.name, "text/csv",
                       datetime.now(UTC), path.read_bytes())  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Twitter Arabic", ("Arabic", "Twitter")), ("Twitter\nArabic", ("Arabic", "Twitter")),
     ("Arabic", ("Arabic", None)), ("Facebook English", ("English", "Facebook")),
     ("Video", (None, "Video")), ("—", (None, None)), (None, (None, None))],
)  # fmt: skip
def test_split(raw, expected):
    assert split_language_platform(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2 مارس 2026", date(2026, 3, 2)), ("14 ديسمبر 2019", date(2019, 12, 14)),
     ("٢١ مارس ٢٠١٧", date(2017, 3, 21)), ("3 تشرين الأول 2017", date(2017, 10, 3)),
     ("July 20, 2016", date(2016, 7, 20)), ("", None)],
)  # fmt: skip
def test_dates(raw, expected):
    assert parse_source_date(raw) == expected


def test_real_file():
    res = parse_source_refs_csv(doc(shared_path("corpus", "ngo", "airwars_source_refs.csv")))
    df = res.tables["airwars_source_refs"]
    assert df.height + len(res.quarantine) == 50326
    assert not df["platform"].drop_nulls().str.contains(r"\s").any()
    assert not df["language"].drop_nulls().str.contains(r"\n|Twitter|Facebook").any()
    tw = df.filter((pl.col("platform") == "Twitter") & (pl.col("language") == "Arabic")).height
    assert tw == 8867 + 8377  # both spellings of "Twitter Arabic" land together
    # every written date is read; the 3 outside 2011..today (a year '0399', a day ahead of
    # today) are kept undated, with one warning per distinct written date
    out_of_range = [f for f in res.findings if f.rule == "source_date_out_of_range"]
    assert df["source_date"].is_not_null().sum() == 1727 - 3
    assert len(out_of_range) == 2 and {f.observed[:4] for f in out_of_range} == {"0399", "2026"}
    assert [f for f in res.findings if f.rule == "source_date_unreadable"] == []


def test_sample():
    df = parse_source_refs_csv(doc(SAMPLE)).tables["airwars_source_refs"]
    assert df.select("language", "platform").rows()[:3] == [
        ("Arabic", "Twitter"),
        ("English", None),
        ("Arabic", "Facebook"),
    ]
    assert df["source_date"].to_list()[:3] == [
        date(2016, 7, 20),
        date(2016, 7, 20),
        date(2017, 3, 21),
    ]
