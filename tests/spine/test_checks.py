"""Staged-table audits at scale: every failing row found, GX shown only suspects and a sample;
an unchanged input's outcome reused instead of validated again."""

from datetime import date

import polars as pl

from expectations import suites
from expectations.suites import staged_table_suite
from ingestion.lake import LocalLake
from ingestion.schemas import conform
from orchestration.defs.validation import validated


def _strikes(n: int) -> pl.DataFrame:
    df = pl.DataFrame(
        {
            "row_id": [f"r{i}" for i in range(n)],
            "date_day": [date(2016, 1, 1)] * n,
            "strike_count": [1] * n,
        }
    )
    return conform("coalition_strikes", df)


def test_every_bad_row_is_counted_though_gx_sees_a_sample(monkeypatch):
    monkeypatch.setattr(suites, "SAMPLE_ROWS", 100)
    n = 50_000
    bad_count = {7, 12_345, 49_999}
    bad_date = {20_000, 33_333}
    df = _strikes(n).with_columns(
        strike_count=pl.when(pl.int_range(n).is_in(list(bad_count)))
        .then(-1)
        .otherwise(pl.col("strike_count")),
        date_day=pl.when(pl.int_range(n).is_in(list(bad_date)))
        .then(date(1970, 1, 1))
        .otherwise(pl.col("date_day")),
    )
    outcome = staged_table_suite("coalition_strikes", df.lazy(), today=date(2026, 1, 1))
    assert outcome.rows == n  # the whole table was screened
    failed = {o.column: o for o in outcome.outcomes if not o.success}
    assert failed["strike_count"].unexpected_count == 3
    assert set(failed["strike_count"].entity_ids) == {f"r{i}" for i in bad_count}
    assert failed["date_day"].unexpected_count == 2
    assert set(failed["date_day"].entity_ids) == {f"r{i}" for i in bad_date}
    assert not outcome.passed


def test_a_clean_table_passes_from_its_sample(monkeypatch):
    monkeypatch.setattr(suites, "SAMPLE_ROWS", 100)
    outcome = staged_table_suite("coalition_strikes", _strikes(10_000), today=date(2026, 1, 1))
    assert outcome.passed and not outcome.warnings and outcome.rows == 10_000


def test_same_inputs_reuse_the_outcome_and_new_inputs_validate_again(tmp_path):
    lake = LocalLake(str(tmp_path / "lake"))
    calls = []

    def run(df):
        def _run():
            calls.append(1)
            return staged_table_suite("coalition_strikes", df, today=date(2026, 1, 1))

        return _run

    good = _strikes(10)
    first, reused = validated(lake, "t", ["a", 1], run(good))
    assert not reused and len(calls) == 1
    again, reused = validated(lake, "t", ["a", 1], run(good))
    assert reused and len(calls) == 1
    assert again.to_state() == first.to_state()
    bad = good.with_columns(strike_count=pl.lit(-1))
    changed, reused = validated(lake, "t", ["a", 2], run(bad))
    assert not reused and len(calls) == 2 and not changed.passed
    _, reused = validated(lake, "t", None, run(good))  # nothing vouches: always validated
    assert not reused and len(calls) == 3


def test_publication_removes_only_builds_of_runs_that_ended(tmp_path):
    from orchestration.publish import remove_ended_builds

    for run in ("failed-run", "running-run"):
        (tmp_path / f"warehouse-{run}.duckdb").write_bytes(b"x")
        (tmp_path / f"warehouse-{run}.duckdb.wal").write_bytes(b"x")
    removed = remove_ended_builds(tmp_path, lambda run_id: run_id == "failed-run")
    assert sorted(p.name for p in removed) == [
        "warehouse-failed-run.duckdb",
        "warehouse-failed-run.duckdb.wal",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "warehouse-running-run.duckdb",
        "warehouse-running-run.duckdb.wal",
    ]
