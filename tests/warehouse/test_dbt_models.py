"""dbt builds the warehouse from a hand-built staged zone; its marts equal a recomputation.

The recomputation below reads the fixture's staged frames with Polars and applies the rules
of the contract independently of the SQL, so a mistake in either shows up as a difference.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.conftest import SHARED
from tests.warehouse.staged_fixture import build_staged_frames, write_staged

ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = ROOT / "dbt_project"
DBT = str(Path(sys.executable).with_name("dbt"))
CONTRACT_MD = SHARED / "contracts" / "warehouse.md"


def _start_dbt(args: list[str], staged: Path, db: Path) -> subprocess.Popen:
    """dbt in its own process, outside the project's target/ so the lead's manifest is untouched."""
    env = dict(os.environ, CIVCAS_STAGED_URI=str(staged), CIVCAS_DBT_PATH=str(db))
    cmd = [
        DBT,
        *args,
        "--profiles-dir",
        str(DBT_DIR),
        "--project-dir",
        str(DBT_DIR),
        "--target-path",
        str(db.parent / "target"),
        "--log-path",
        str(db.parent / "logs"),
    ]
    return subprocess.Popen(
        cmd, env=env, cwd=DBT_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _finish(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out[-5000:]
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Two dbt builds at once: the fixture, and every staged table empty. The fixture build
    also runs the singular test that checks the as_of macro on AS_OF_DAY."""
    work = tmp_path_factory.mktemp("dbt")
    frames = build_staged_frames()
    staged = write_staged(work / "staged", frames)
    empty_staged = write_staged(work / "empty_staged", all_empty=True)
    dbs = {k: work / k / "warehouse.duckdb" for k in ("fixture", "empty")}
    for db in dbs.values():
        db.parent.mkdir()
    procs = {
        "fixture": _start_dbt(
            ["build", "--vars", f"{{as_of_test_date: '{AS_OF_DAY}'}}"], staged, dbs["fixture"]
        ),
        "empty": _start_dbt(["build"], empty_staged, dbs["empty"]),
    }
    outs = {k: _finish(p) for k, p in procs.items()}
    cons = {k: duckdb.connect(str(db), read_only=True) for k, db in dbs.items()}
    yield {"cons": cons, "frames": frames, "log": outs["fixture"]}
    for con in cons.values():
        con.close()


AS_OF_DAY = date(2017, 5, 31)


@pytest.fixture(scope="module")
def built(runs) -> dict:
    return {"con": runs["cons"]["fixture"], "frames": runs["frames"], "log": runs["log"]}


@pytest.fixture(scope="module")
def built_empty(runs) -> duckdb.DuckDBPyConnection:
    return runs["cons"]["empty"]


# --- the contract ------------------------------------------------------------------------


def contract_columns() -> dict[str, list[str]]:
    """Tables and required columns, read from contracts/warehouse.md."""
    text = CONTRACT_MD.read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for m in re.finditer(r"^\| `(\w+)` \| [^|]+ \| (.+) \|$", text, re.M):
        out[m.group(1)] = re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", m.group(2)))
    gap = text.split("`mart_casualty_gap_monthly` —", 1)[1].split("`mart_coalition_admissions`")[0]
    out["mart_casualty_gap_monthly"] = [
        c
        for line in gap.splitlines()
        if line.startswith("| `")
        for c in re.findall(r"`(\w+)`", line.split("|")[1])
    ]
    for mart in ("mart_coalition_admissions", "mart_data_quality_findings"):
        para = text.split(f"`{mart}` —", 1)[1].split("\n\n")[0]
        out[mart] = [c for c in re.findall(r"`(\w+)`", para) if c not in ("error", "warning")]
    return out


COUNT = re.compile(
    r"(deaths|killed|injuries|strikes|incidents|^count_|^civilians$|^children$|"
    r"^women$|^total$|^reports_|^credible$|^non_credible$|^duplicates$|"
    r"^open_at_end$|^gap_|^char_)"
)
DATE = re.compile(r"(^date_|_date$|^period_|^month_|_period_end$)")


def _columns(con) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'main'"
    ).fetchall()
    for t, c, ty in rows:
        out.setdefault(t, {})[c] = ty
    return out


@pytest.mark.skipif(not CONTRACT_MD.exists(), reason="contracts/warehouse.md not available")
@pytest.mark.parametrize("which", ["fixture", "empty"])
def test_every_contract_table_and_column_exists_with_its_type(which, request):
    con = (
        request.getfixturevalue("built")["con"]
        if which == "fixture"
        else request.getfixturevalue("built_empty")
    )
    have = _columns(con)
    contract = contract_columns()
    assert len(contract) == 14
    for table, cols in contract.items():
        assert table in have, table
        for col in cols:
            assert col in have[table], f"{table}.{col}"
            ty = have[table][col]
            if COUNT.search(col) and col != "strikes_period_end":
                assert ty in ("BIGINT", "INTEGER"), f"{table}.{col} is {ty}"
            elif DATE.search(col) or col == "date_day":
                assert ty == "DATE", f"{table}.{col} is {ty}"
    assert have["fct_incident"]["belligerents"] == "VARCHAR[]"
    assert have["mart_coalition_admissions"]["is_consistent"] == "BOOLEAN"


# --- an independent recomputation of the gap mart -----------------------------------------


def expected_gap(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    rank = {"csv": 1, "json": 2, "html": 3}
    inc = (
        frames["airwars_incidents"]
        .with_columns(pl.col("origin").replace_strict(rank, default=4).alias("_r"))
        .sort("incident_code", "_r")
        .unique("incident_code", keep="first")
    )
    month = pl.col("date_start").dt.truncate("1mo")
    ib = (
        inc.filter(pl.col("date_start").is_not_null() & pl.col("country").is_not_null())
        .explode("belligerents")
        .rename({"belligerents": "belligerent_code"})
        .with_columns(month.alias("month_start"))
    )
    likely = pl.col("grading").is_in(["Fair", "Confirmed"])
    monitor = ib.group_by("month_start", "country", "belligerent_code").agg(
        pl.len().alias("monitor_incidents"),
        pl.col("civilian_deaths_min").sum().alias("monitor_deaths_min"),
        pl.col("civilian_deaths_max").sum().alias("monitor_deaths_max"),
        pl.col("civilian_deaths_min").filter(likely).sum().alias("monitor_likely_deaths_min"),
        pl.col("civilian_deaths_max").filter(likely).sum().alias("monitor_likely_deaths_max"),
    )
    coverage = ib.group_by("country").agg(
        pl.col("month_start").min().alias("lo"), pl.col("month_start").max().alias("hi")
    )

    aw = (
        frames["airwars_assessments"]
        .with_columns(pl.col("assessment").replace("open_incident", "open"))
        .select(
            "incident_code",
            "belligerent_code",
            "assessment",
            "deaths_conceded_min",
            "deaths_conceded_max",
        )
    )
    own = (
        frames["coalition_incident_verdicts"]
        .sort("report_date", descending=True)
        .unique("incident_code", keep="first")
        .select(
            "incident_code",
            pl.lit("coalition").alias("belligerent_code"),
            pl.col("verdict").alias("assessment"),
            pl.col("civilians_killed").alias("deaths_conceded_min"),
            pl.col("civilians_killed").alias("deaths_conceded_max"),
        )
    )
    aw = aw.join(
        own.select("incident_code", "belligerent_code"),
        on=["incident_code", "belligerent_code"],
        how="anti",
    )
    ass = (
        pl.concat([aw, own])
        .join(inc.select("incident_code", "date_start", "country"), on="incident_code")
        .filter(pl.col("date_start").is_not_null())
        .with_columns(month.alias("month_start"))
    )
    cred = pl.col("assessment") == "credible"
    assessed = ass.group_by("month_start", "country", "belligerent_code").agg(
        cred.sum().alias("credible_incidents"),
        pl.col("deaths_conceded_min").filter(cred).sum().alias("conceded_deaths_min"),
        pl.col("deaths_conceded_max").filter(cred).sum().alias("conceded_deaths_max"),
    )

    st = (
        frames["coalition_strikes"]
        .filter(~pl.col("is_daily_total"))
        .with_columns(pl.col("date_day").dt.truncate("1mo").alias("month_start"))
    )
    months_covered = set(st["month_start"].to_list())
    strikes = (
        st.group_by("month_start", "country")
        .agg(pl.col("strike_count").sum().alias("strikes"))
        .with_columns(pl.lit("coalition").alias("belligerent_code"))
    )

    keys = ["month_start", "country", "belligerent_code"]
    grain = pl.concat([monitor.select(keys), assessed.select(keys), strikes.select(keys)]).unique()
    by_key = [
        {tuple(r[k] for k in keys): r for r in df.iter_rows(named=True)}
        for df in (monitor, assessed, strikes)
    ]
    rows = []
    for g in grain.iter_rows(named=True):
        m, a, s = (d.get(tuple(g[k] for k in keys), {}) for d in by_key)
        cov = coverage.filter(pl.col("country") == g["country"])
        covered = cov.height and cov["lo"][0] <= g["month_start"] <= cov["hi"][0]
        r = dict(g)
        for c in (
            "monitor_incidents",
            "monitor_deaths_min",
            "monitor_deaths_max",
            "monitor_likely_deaths_min",
            "monitor_likely_deaths_max",
        ):
            r[c] = (m.get(c) or 0) if covered else None
        r["credible_incidents"] = a.get("credible_incidents")
        for c in ("conceded_deaths_min", "conceded_deaths_max"):
            r[c] = (a.get(c) or 0) if a else None
        r["strikes"] = (
            (s.get("strikes") or 0)
            if g["belligerent_code"] == "coalition" and g["month_start"] in months_covered
            else None
        )
        lmin, lmax = r["monitor_likely_deaths_min"], r["monitor_likely_deaths_max"]
        cmin, cmax = r["conceded_deaths_min"], r["conceded_deaths_max"]
        r["gap_min"] = None if lmin is None or cmax is None else lmin - cmax
        r["gap_max"] = None if lmax is None or cmin is None else lmax - cmin
        rows.append(r)
    return pl.DataFrame(rows).sort(keys)


def test_gap_mart_equals_recomputation_from_staged_frames(built):
    got = pl.from_arrow(
        built["con"].execute("select * exclude (gap_key) from mart_casualty_gap_monthly").arrow()
    ).sort("month_start", "country", "belligerent_code")
    want = expected_gap(built["frames"]).select(got.columns)
    assert got.height == want.height >= 5
    assert (
        got.cast({c: pl.Int64 for c in got.columns[3:]}).to_dicts()
        == want.cast({c: pl.Int64 for c in want.columns[3:]}).to_dicts()
    )


def test_strikes_null_where_no_release_covers_the_month(built):
    con = built["con"]
    frames = built["frames"]
    release_months = {d.replace(day=1) for d in frames["coalition_strikes"]["date_day"]}
    rows = con.execute(
        "select month_start, country, strikes from mart_casualty_gap_monthly "
        "where belligerent_code = 'coalition'"
    ).fetchall()
    uncovered = [r for r in rows if r[0] not in release_months]
    covered_none = [r for r in rows if r[0] in release_months and r[2] == 0]
    assert uncovered and all(r[2] is None for r in uncovered)
    # a covered month with no strikes in that country is a real zero, not NULL
    assert covered_none
    assert (
        con.execute(
            "select count(*) from mart_casualty_gap_monthly "
            "where belligerent_code <> 'coalition' and strikes is not null"
        ).fetchone()[0]
        == 0
    )


def test_incident_seen_in_two_origins_keeps_the_csv_row(built):
    frames = built["frames"]["airwars_incidents"]
    dup = frames.group_by("incident_code").len().filter(pl.col("len") > 1)["incident_code"][0]
    csv_row = frames.filter((pl.col("incident_code") == dup) & (pl.col("origin") == "csv"))
    got = (
        built["con"]
        .execute(
            "select origin, civilian_deaths_max, count(*) over () "
            "from fct_incident where incident_code = ?",
            [dup],
        )
        .fetchone()
    )
    assert got == ("csv", csv_row["civilian_deaths_max"][0], 1)


# --- the coalition's reports --------------------------------------------------------------


def test_two_rows_for_one_month_choose_the_coalitions_own_release(built):
    reports = built["frames"]["coalition_monthly_reports"]
    twice = reports.group_by("month_covered").len().filter(pl.col("len") == 2)["month_covered"][0]
    pair = reports.filter(pl.col("month_covered") == twice)
    own = pair.filter(pl.col("is_coalition_release"))
    # the copy is the later one, so the rule that the coalition's release wins is what decides
    assert pair.filter(~pl.col("is_coalition_release"))["report_date"][0] > own["report_date"][0]
    got = (
        built["con"]
        .execute(
            "select report_id, cumulative_deaths, rows_for_month "
            "from fct_coalition_report where month_covered = ?",
            [twice],
        )
        .fetchall()
    )
    assert got == [(own["report_id"][0], own["cumulative_deaths"][0], 2)]
    undated = reports.filter(pl.col("report_date").is_null())["report_id"].to_list()
    assert built["con"].execute(
        "select report_date from fct_coalition_report where report_id = ?", undated
    ).fetchall() == [(None,)]


def test_is_consistent_false_exactly_for_the_report_that_breaks_an_identity(built):
    con = built["con"]
    chosen = pl.from_arrow(
        con.execute(
            "select report_id, month_covered, cumulative_deaths, deaths_in_credible "
            "from fct_coalition_report order by month_covered"
        ).arrow()
    )
    prev = chosen["cumulative_deaths"].shift(1) + chosen["deaths_in_credible"]
    breaking = set(
        chosen.filter(prev.is_not_null() & (prev != chosen["cumulative_deaths"]))[
            "report_id"
        ].to_list()
    )
    assert len(breaking) == 1
    got = dict(
        con.execute("select report_id, is_consistent from mart_coalition_admissions").fetchall()
    )
    assert {r for r, ok in got.items() if not ok} == breaking
    (rid,) = breaking
    observed, expected, severity = con.execute(
        "select observed, expected, severity from mart_data_quality_findings "
        "where entity_id = ? and rule = 'cumulative_deaths_equals_previous_plus_month'",
        [rid],
    ).fetchone()
    row = chosen.filter(pl.col("report_id") == rid)
    assert (int(observed), severity) == (row["cumulative_deaths"][0], "warning")
    assert (
        int(expected)
        == con.execute(
            "select expected_cumulative_deaths from mart_coalition_admissions where report_id = ?",
            [rid],
        ).fetchone()[0]
    )


def test_findings_gather_every_stage(built):
    con = built["con"]
    frames = built["frames"]
    by_rule = dict(
        con.execute(
            "select rule, count(*) from mart_data_quality_findings group by rule"
        ).fetchall()
    )
    for rule in frames["findings"]["rule"].to_list() + frames["quarantine"]["rule"].to_list():
        assert by_rule.get(rule, 0) >= 1
    assert con.execute(
        "select severity from mart_data_quality_findings where entity_id = ?",
        frames["quarantine"]["entity_id"].to_list(),
    ).fetchone() == ("error",)
    # the coalition's report and Airwars' file disagree on one incident's verdict
    assert by_rule.get("coalition_verdict_agrees_with_airwars") == 1


def test_one_key_per_organisation_whatever_the_spelling(built):
    con = built["con"]
    doc_key, claim_key = con.execute(
        "select d.source_key, c.attributed_source_key from fct_casualty_claim c "
        "join dim_document d using (document_key)"
    ).fetchone()
    assert doc_key == claim_key is not None
    assert con.execute(
        "select name from dim_source where source_key = ?", [doc_key]
    ).fetchone() == ("SOHR",)


# --- two time axes ------------------------------------------------------------------------


def test_as_of_a_date(built):
    con = built["con"]
    day = AS_OF_DAY
    reports = built["frames"]["coalition_monthly_reports"]
    chosen = set(con.execute("select report_id from fct_coalition_report").fetchall())
    want = sorted(
        r
        for r in reports.filter(pl.col("report_date") <= day)["report_id"].to_list()
        if (r,) in chosen
    )
    got = sorted(
        r
        for (r,) in con.execute(
            "select report_id from coalition_admitted_as_of(?)", [day]
        ).fetchall()
    )
    assert got == want and len(got) == 3
    inc = built["frames"]["airwars_incidents"]
    known = inc.filter(pl.col("published_date") <= date(2017, 4, 3))
    got_inc = con.execute(
        "select incident_code from monitor_recorded_as_of('2017-04-03')"
    ).fetchall()
    assert sorted(c for (c,) in got_inc) == sorted(set(known["incident_code"].to_list()))

    # the running total known on a day: the latest of reports and other statements
    stated = built["frames"]["coalition_cumulative_admissions"].row(0, named=True)
    assert con.execute(
        "select statement_date, cumulative_deaths from coalition_totals_as_of(?) "
        "order by statement_date desc limit 1",
        [stated["date"]],
    ).fetchone() == (stated["date"], stated["cumulative_deaths"])

    # the dbt macro as_of() answered the same question inside the build, on the same day
    assert re.search(r"PASS assert_as_of_keeps_exactly_what_was_published", built["log"])


# --- nothing breaks on an empty staged zone -----------------------------------------------


def test_build_on_empty_staged_zone(built_empty):
    con = built_empty
    n = dict(con.execute("select table_name, estimated_size from duckdb_tables()").fetchall())
    for t in (
        "fct_incident",
        "fct_coalition_report",
        "mart_casualty_gap_monthly",
        "mart_coalition_admissions",
        "mart_data_quality_findings",
        "fct_casualty_claim",
    ):
        assert con.execute(f"select count(*) from {t}").fetchone()[0] == 0, t
    assert con.execute("select count(*) from dim_belligerent").fetchone()[0] == 10
    first, last = con.execute("select min(date_day), max(date_day) from dim_date").fetchone()
    assert first == date(2011, 1, 1) and last >= date(2026, 1, 1)
    assert "dim_place" in n


# --- the warehouse audits that gate publication -------------------------------------------


BREAKS = {
    "contract": "alter table fct_strikes_daily rename column strikes to strikes_gone",
    "gap_totals": "update mart_casualty_gap_monthly set monitor_deaths_max = monitor_deaths_max"
    " + 1 where rowid = (select min(rowid) from mart_casualty_gap_monthly"
    " where monitor_deaths_max is not null)",
    "admissions": "update mart_coalition_admissions set cumulative_deaths = cumulative_deaths + 5"
    " where cumulative_deaths is not null",
    "fact_dates": "update fct_strikes_daily set date_day = date '1970-01-01'"
    " where rowid = (select min(rowid) from fct_strikes_daily)",
}


@pytest.mark.parametrize("suite", sorted(BREAKS))
def test_warehouse_audits_pass_on_the_build_and_fail_when_it_is_broken(built, suite, tmp_path):
    """Each blocking audit passes on the fixture's build and fails on a copy broken one way."""
    import shutil

    from expectations import warehouse as audits

    run = {
        "contract": audits.contract_suite,
        "gap_totals": audits.gap_totals_suite,
        "admissions": audits.admissions_suite,
        "fact_dates": lambda con: audits.fact_dates_suite(con, today=date(2026, 1, 1)),
    }[suite]
    path = (
        built["con"]
        .execute("select path from duckdb_databases() where database_name = current_database()")
        .fetchone()[0]
    )
    copy = tmp_path / "broken.duckdb"
    shutil.copyfile(path, copy)
    con = duckdb.connect(str(copy))
    try:
        assert run(con).passed
        con.execute(BREAKS[suite])
        broken = run(con)
    finally:
        con.close()
    assert not broken.passed and broken.errors
    assert all(o.severity == "error" for o in broken.errors)
