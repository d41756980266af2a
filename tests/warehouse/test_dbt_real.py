"""The warehouse built from the real corpus agrees with a few lines of DuckDB over the CSVs.

Stages the Airwars and coalition files with the project's own parsers into a temporary
staged zone (never into the project), builds dbt, and compares the coalition's monthly gap
in Syria, 2016-2019, with the same figures computed straight from the Airwars CSV, leaving
out only the rows the parsers held back.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingestion.parsing import ParseResult, RawDocument
from ingestion.schemas import STAGED, empty
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = ROOT / "dbt_project"
AIRWARS_CSV = SHARED / "corpus" / "ngo" / "airwars_syria_incidents.csv"
MONTHLY_CSV = SHARED / "corpus" / "coalition" / "cjtf_oir_monthly_reports.csv"

SOURCES = [  # (file, family, parser)
    (AIRWARS_CSV, "ngo", "ingestion.ngo.airwars_csv:parse_incidents_csv"),
    (
        SHARED / "corpus/ngo/airwars_belligerent_assessments.csv",
        "ngo",
        "ingestion.ngo.airwars_assessments:parse_assessments_csv",
    ),
    (
        SHARED / "corpus/coalition/cjtf_oir_incident_statements.csv",
        "coalition",
        "ingestion.coalition.statements:parse_statements_csv",
    ),
    (MONTHLY_CSV, "coalition", "ingestion.coalition.monthly:parse_monthly_csv"),
]

pytestmark = pytest.mark.skipif(not AIRWARS_CSV.exists(), reason="shared corpus not available")


def _parser(spec: str):
    module, fn = spec.split(":")
    return getattr(importlib.import_module(module), fn)  # a broken parser fails, not skips


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_real")
    staged = work / "staged"
    for t in STAGED:
        (staged / t).mkdir(parents=True)
        empty(t).write_parquet(staged / t / "_empty.parquet")
    parsers = [(path, family, _parser(spec)) for path, family, spec in SOURCES]
    for path, family, parse in parsers:
        doc = RawDocument(
            sha256="test",
            source=path.stem,
            family=family,
            location=str(path),
            name=path.name,
            content_type="text/csv",
            fetched_at=datetime.now(UTC),
            data=path.read_bytes(),
        )
        result: ParseResult = parse(doc)
        for table, df in result.finalize(path.stem).items():
            df.write_parquet(staged / table / f"{path.stem}.parquet")
    db = work / "warehouse.duckdb"
    env = dict(os.environ, CIVCAS_STAGED_URI=str(staged), CIVCAS_DBT_PATH=str(db))
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--profiles-dir",
            str(DBT_DIR),
            "--project-dir",
            str(DBT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        env=env,
        cwd=DBT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-5000:]
    con = duckdb.connect(str(db), read_only=True)
    yield {"con": con, "staged": staged}
    con.close()


def test_coalition_gap_in_syria_equals_the_airwars_csv(real):
    con = real["con"]
    held = (
        pl.read_parquet(real["staged"] / "quarantine" / "*.parquet")
        .filter(pl.col("table_name") == "airwars_incidents")["entity_id"]
        .unique()
        .to_list()
    )
    # rows the warehouse took from another origin (json/html) for a held-back csv code
    other = [
        c
        for (c,) in con.execute(
            "select incident_code from fct_incident where origin <> 'csv'"
        ).fetchall()
    ]
    direct = (
        duckdb.connect()
        .execute(
            f"""
        select year(cast(incident_date as date)) as y,
               count(*) as incidents,
               sum(cast(civilian_deaths_min as int)) as deaths_min,
               sum(cast(civilian_deaths_max as int)) as deaths_max,
               sum(cast(civilian_deaths_min as int)) filter (where grading in ('Fair', 'Confirmed'))
                   as likely_min,
               sum(cast(civilian_deaths_max as int)) filter (where grading in ('Fair', 'Confirmed'))
                   as likely_max
        from read_csv('{AIRWARS_CSV}', all_varchar = true)
        where belligerent like '%U.S.-led Coalition%'
          and incident_code not in (select unnest(?::varchar[]))
          and year(try_cast(incident_date as date)) between 2016 and 2019
        group by 1 order by 1
    """,
            [held + other],
        )
        .fetchall()
    )
    mart = con.execute("""
        select year(month_start), sum(monitor_incidents), sum(monitor_deaths_min),
               sum(monitor_deaths_max), sum(monitor_likely_deaths_min),
               sum(monitor_likely_deaths_max)
        from mart_casualty_gap_monthly
        where belligerent_code = 'coalition' and country = 'SY'
          and year(month_start) between 2016 and 2019
          and month_start not in (select cast(date_trunc('month', date_start) as date)
                                  from fct_incident where origin <> 'csv')
        group by 1 order by 1
    """).fetchall()
    assert len(direct) == 4
    assert [tuple(int(v) for v in r) for r in mart] == [tuple(int(v) for v in r) for r in direct]
    # the coalition conceded far fewer deaths than Airwars graded likely, every year
    gaps = con.execute("""
        select year(month_start), sum(gap_min) from mart_casualty_gap_monthly
        where belligerent_code = 'coalition' and country = 'SY'
          and year(month_start) between 2016 and 2019 group by 1""").fetchall()
    assert all(g > 0 for _, g in gaps)


def test_admissions_follow_the_published_series(real):
    con = real["con"]
    # months the curated CSV covers with a single row: the warehouse publishes that row's total
    single = (
        duckdb.connect()
        .execute(f"""
        select cast(strptime(month_covered, '%Y-%m') as date) as m,
               any_value(try_cast(cumulative_deaths as int)) as cum
        from read_csv('{MONTHLY_CSV}', all_varchar = true)
        group by 1 having count(*) = 1
    """)
        .fetchall()
    )
    got = dict(
        con.execute(
            "select month_covered, cumulative_deaths from mart_coalition_admissions"
        ).fetchall()
    )
    assert len(single) > 20
    assert {m: got[m] for m, _ in single} == dict(single)
    broken = con.execute(
        "select count(*) from mart_coalition_admissions where not is_consistent"
    ).fetchone()[0]
    findings = con.execute(
        "select count(distinct entity_id) from mart_data_quality_findings "
        "where entity = 'coalition_monthly_reports'"
    ).fetchone()[0]
    assert broken == findings > 0
