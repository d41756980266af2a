"""Belligerent assessments: dedupe, normalised verdicts, PHP reasons, MGRS, held-back rows."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from ingestion.ngo import php_serial
from ingestion.ngo.airwars_assessments import mgrs_to_latlon, parse_assessments_csv, reason_codes
from ingestion.parsing import RawDocument
from tests.conftest import PROJECT, shared_path

SAMPLE = PROJECT / "ingestion" / "sample" / "ngo" / "airwars_belligerent_assessments.csv"


def doc(path) -> RawDocument:
    return RawDocument("b" * 64, "airwars_assessments", "ngo", str(path), path.name, "text/csv",
                       datetime.now(UTC), path.read_bytes())  # fmt: skip


@pytest.fixture(scope="module")
def result():
    return parse_assessments_csv(
        doc(shared_path("corpus", "ngo", "airwars_belligerent_assessments.csv"))
    )


@pytest.mark.parametrize(
    ("cells", "expected"),
    [(('a:1:{i:0;s:20:"no_coalition_strikes";}',), "no_coalition_strikes"),
     (("insufficient_information|other",), "insufficient_information;other"),
     (("no_reason_given", 'a:1:{i:0;s:5:"other";}'), "no_reason_given;other"),
     ((None, ""), None)],
)  # fmt: skip
def test_reason_codes(cells, expected):
    assert reason_codes(*cells) == expected


def test_php_decoder_follows_lengths():
    assert php_serial.loads('a:2:{i:0;s:3:"a;b";i:1;s:2:"cd";}') == ["a;b", "cd"]
    assert php_serial.loads('a:1:{s:1:"k";i:7;}') == {"k": 7}
    with pytest.raises(php_serial.PhpSerialError):
        php_serial.loads('a:1:{i:0;s:9:"short";}')


def test_mgrs():
    lat, lon = mgrs_to_latlon("37SEV006783")
    assert 35.9 < lat < 36.0 and 38.9 < lon < 39.1  # north of Raqqa
    with pytest.raises(ValueError, match="unreadable"):
        mgrs_to_latlon("377SFU805225")


def test_real_file(result):
    df = result.tables["airwars_assessments"]
    dup = [f for f in result.findings if f.rule == "duplicate_rows_collapsed"]
    assert len(dup) == 1 and dup[0].observed.startswith("403 ")
    assert df.height + len(result.quarantine) == 11757 - 403
    assert not df.select("incident_code", "belligerent_code").is_duplicated().any()
    assert set(df["assessment"].unique()) == {"credible", "non_credible", "duplicate", "open",
                                              "not_yet_assessed"}  # fmt: skip
    assert df.filter(pl.col("assessment") == "credible").height == 196
    assert not df["reason"].drop_nulls().str.contains(r"a:\d|\{").any()
    assert df.filter(pl.col("reason") == "no_coalition_strikes").height == 898
    assert set(df["belligerent_code"].unique()) <= {"coalition", "russia", "syrian_government",
        "turkey", "sdf", "isis", "israel", "iran", "iraqi_forces", "unknown"}  # fmt: skip
    located = df.filter(pl.col("latitude").is_not_null())
    assert located.height > 1000 and located["latitude"].is_between(29, 38).mean() > 0.99
    assert df["strike_report_text"].drop_nulls().len() > 1000
    held = {(q["entity_id"], q["rule"]) for q in result.quarantine}
    assert {("TS644/unknown", "date_missing"), ("YS133/unknown", "date_missing"),
            ("RS2835/russian_forces", "duplicate_assessment")} <= held  # fmt: skip
    assert any(f.rule == "mgrs_unreadable" for f in result.findings)


def test_sample():
    res = parse_assessments_csv(doc(SAMPLE))
    df = res.tables["airwars_assessments"]
    assert df.height == 4 and [q["entity_id"] for q in res.quarantine] == ["XS006/coalition"]
    row = df.filter(pl.col("incident_code") == "XS001").row(0, named=True)
    assert row["reason"] == "no_reason_given" and row["deaths_conceded_max"] == 30
    assert df.filter(pl.col("incident_code") == "XS003")["assessment"].to_list() == ["open"]
