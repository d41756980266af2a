"""The whole path on the embedded default: raw -> staged -> dbt -> audit -> publish."""

from __future__ import annotations

import dataclasses
import threading
import time

import duckdb
import pytest
import yaml

from expectations.contract import CONTRACT, MARTS
from ingestion.lake import LocalLake
from ingestion.settings import PROJECT_ROOT
from orchestration.cli import failed_checks, published_in, run_pipeline


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("pipeline")


@pytest.fixture
def env(home, civcas_env):
    return civcas_env(CIVCAS_HOME=str(home / "civcas"))


@pytest.fixture(scope="module")
def state():
    return {}


def test_first_run_publishes_every_contract_table(env, state):
    result = run_pipeline(env, quiet=True)
    assert result.success, failed_checks(result)
    assert published_in(result)
    state["staged_table_checks"] = _staged_table_checks(result)
    con = duckdb.connect(str(env.warehouse_path), read_only=True)
    cols = {
        (t, c)
        for t, c in con.execute(
            "select table_name, column_name from information_schema.columns"
        ).fetchall()
    }
    for table, columns in CONTRACT.items():
        for col in columns:
            assert (table, col) in cols, f"{table}.{col} missing from the published warehouse"
    # the sample fills the coalition's own running total and its April 2019 figures
    row = con.execute("""select cumulative_deaths, cumulative_strikes from fct_coalition_report
                         where month_covered = date '2019-04-01'""").fetchall()
    assert (1302, 34502) in row
    state["tables"] = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in CONTRACT}
    # only audited tables are published: no staging views over the lake's current files
    views = "select count(*) from duckdb_views() where not internal"
    assert con.execute(views).fetchone()[0] == 0
    con.close()
    lake = LocalLake(env.lake)
    for mart in MARTS:
        assert lake.exists(f"marts/{mart}.parquet")
    # raw objects are content-addressed: each file's name is its sha256
    import hashlib

    objs = lake.list("raw/sha256/")
    assert objs
    for key in objs:
        assert hashlib.sha256(lake.get_bytes(key)).hexdigest() == key.rsplit("/", 1)[-1]
    state["raw_objects"] = len(objs)


def test_rebuild_while_a_reader_holds_the_published_file(env, state, monkeypatch):
    """A BI connection held open on the published file through a whole rebuild and publish
    sees no error and no half-built table; the raw zone gains no object when no document
    changed."""
    monkeypatch.setenv("CIVCAS_FORCE", "1")  # rebuild and publish although nothing changed
    reader = duckdb.connect(str(env.warehouse_path), read_only=True)
    errors, reads = [], []
    stop = threading.Event()

    def read_loop():
        while not stop.is_set():
            try:
                reads.append(
                    reader.execute("select count(*) from mart_coalition_admissions").fetchone()[0]
                )
            except Exception as e:  # noqa: BLE001 - any error is the failure we look for
                errors.append(repr(e))
            time.sleep(0.05)

    t = threading.Thread(target=read_loop)
    t.start()
    try:
        result = run_pipeline(env, quiet=True)
    finally:
        stop.set()
        t.join()
    assert result.success and published_in(result)
    assert not errors
    assert reads and set(reads) == {state["tables"]["mart_coalition_admissions"]}
    reader.close()
    assert len(LocalLake(env.lake).list("raw/sha256/")) == state["raw_objects"]


def test_nightly_run_with_no_new_input_rebuilds_nothing(env, state):
    """Same documents, same code: no parser runs, dbt does not build, the published file is
    left as it is, and the run still succeeds."""
    before = env.warehouse_path.stat()
    result = run_pipeline(env, quiet=True)
    assert result.success and not published_in(result)
    skipped = [
        e.event_specific_data.materialization.metadata["skipped_unchanged"].value
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key.path[0] == "staged"
    ]
    assert skipped and all(skipped)
    assert not any(
        e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key.path[0] == "warehouse"
        for e in result.all_events
    )
    after = env.warehouse_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # raw and per-source audits of unchanged inputs are reused, not run through GX again
    reused = [
        e.event_specific_data.metadata["reused_unchanged_inputs"].value
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.event_specific_data.check_name in {"raw_documents", "staged_rows"}
    ]
    assert reused and all(reused)
    # the staged tables' audits are reported as the published build's audit found them,
    # warnings included (the sample's coalition arithmetic breaks an identity), not as passed
    replayed = _staged_table_checks(result)
    first = state["staged_table_checks"]
    assert {k: v[0] for k, v in replayed.items()} == {k: v[0] for k, v in first.items()}
    assert any(not passed for passed, _ in replayed.values())
    assert all(unchanged for _, unchanged in replayed.values())


@pytest.mark.parametrize("force", ["0", "1"])
def test_a_staged_check_run_on_its_own_reports_its_outcome(env, state, monkeypatch, force):
    """From the UI a check can run without its table: it still reports, replayed when nothing
    changed (force 0) and run afresh otherwise (force 1)."""
    import os

    import dagster as dg

    from orchestration.cli import _dagster_home
    from orchestration.definitions import build_definitions

    monkeypatch.setenv("CIVCAS_FORCE", force)
    for k, v in env.to_env().items():
        monkeypatch.setenv(k, v)  # resources read the environment, as in a run
    monkeypatch.setenv("DAGSTER_HOME", os.environ.get("DAGSTER_HOME", ""))  # restored after
    _dagster_home(env)
    check = dg.AssetCheckKey(
        dg.AssetKey(["staged_table", "coalition_monthly_reports"]), "coalition_identities"
    )
    job = dg.define_asset_job("one_check", selection=dg.AssetSelection.checks(check))
    defs = dg.Definitions.merge(build_definitions(env), dg.Definitions(jobs=[job]))
    result = defs.resolve_job_def("one_check").execute_in_process(
        instance=dg.DagsterInstance.get(), raise_on_error=False
    )
    evaluations = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert [(ev.asset_key, ev.check_name) for ev in evaluations] == [(check.asset_key, check.name)]
    first = state["staged_table_checks"][("coalition_identities", "coalition_monthly_reports")]
    assert evaluations[0].passed == first[0]  # the sample breaks an identity: a warning
    assert ("unchanged_since_publication" in evaluations[0].metadata) == (force == "0")
    assert not any(e.event_type_value == "ASSET_MATERIALIZATION" for e in result.all_events)


def _staged_table_checks(result) -> dict:
    """(check name, table) -> (passed, reported as unchanged since publication)."""
    return {
        (e.event_specific_data.check_name, e.event_specific_data.asset_key.path[-1]): (
            e.event_specific_data.passed,
            "unchanged_since_publication" in e.event_specific_data.metadata,
        )
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.event_specific_data.asset_key.path[0] == "staged_table"
    }


def test_bad_staged_data_blocks_publication(env, state, tmp_path):
    """A negative count and a 1970 date in a staged table fail a blocking check: dbt does not
    run and yesterday's warehouse stays published, untouched."""
    before = env.warehouse_path.stat()
    reg = yaml.safe_load((PROJECT_ROOT / "ingestion/registries/sample.yaml").read_text())
    bad_doc = tmp_path / "broken_release.txt"
    bad_doc.write_text("a release that a broken parser misreads")
    reg["sources"].append(
        {
            "name": "broken_release",
            "family": "coalition",
            "location": f"file://{bad_doc}",
            "parser": "tests.spine.bad_source:parse_bad",
        }
    )
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(reg))
    bad_env = dataclasses.replace(env, sources=str(path))
    result = run_pipeline(bad_env, quiet=True)
    assert not published_in(result)
    failed = failed_checks(result)
    assert any(
        "staged_table/coalition_monthly_reports:staged_expectations (ERROR)" in f for f in failed
    ), failed
    after = env.warehouse_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    con = duckdb.connect(str(env.warehouse_path), read_only=True)
    assert (
        con.execute("select count(*) from fct_coalition_report where credible < 0").fetchone()[0]
        == 0
    )
    con.close()
    # the failure is recorded in the lake's validation results, with the offending row's id
    lake = LocalLake(env.lake)
    results = [k for k in lake.list("validations/") if "coalition_monthly_reports" in k]
    assert any(b"bad-1" in lake.get_bytes(k) for k in results)
