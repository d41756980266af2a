"""The Definitions load, and hold every asset, check, schedule, sensor and job."""

from __future__ import annotations

import dagster as dg
import pytest

from ingestion.registry import load_registry
from ingestion.schemas import STAGED
from orchestration.definitions import build_definitions


def test_definitions_hold_every_stage(civcas_env):
    settings = civcas_env()
    defs = build_definitions(settings)
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    registry = load_registry(settings)
    for src in registry.sources:
        assert f"raw/{src.name}" in keys and f"staged/{src.name}" in keys
    for table in STAGED:
        assert f"staged_table/{table}" in keys
    for model in (
        "dim_place",
        "fct_incident",
        "mart_casualty_gap_monthly",
        "mart_coalition_admissions",
        "mart_data_quality_findings",
        "stg_airwars__incidents",
    ):
        assert f"warehouse/{model}" in keys
    assert "published/warehouse" in keys
    # groups by stage
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert {"raw", "staged", "warehouse", "marts", "published"} <= groups
    checks = {f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys}
    assert "staged_table/airwars_incidents:staged_expectations" in checks
    assert "warehouse/mart_casualty_gap_monthly:gap_totals" in checks
    assert any(c.endswith(":raw_documents") for c in checks)
    assert any(":not_null_" in c or ":unique_" in c for c in checks), "dbt tests become checks"
    job = defs.resolve_job_def("refresh_all")
    selected = job.asset_layer.selected_asset_keys
    assert selected == set(graph.materializable_asset_keys)  # everything, raw to published
    schedule = defs.resolve_schedule_def("nightly_refresh")
    assert schedule.cron_schedule == "0 2 * * *" and schedule.job_name == "refresh_all"
    sensor = defs.resolve_sensor_def("local_sources_changed")
    assert sensor.job_name == "refresh_all"
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED  # opt-in: a first tick refreshes


def test_instance_runs_one_at_a_time_and_one_duckdb_step(tmp_path, monkeypatch):
    from ingestion.settings import Settings

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # restored after the test
    from orchestration.cli import _dagster_home

    _dagster_home(Settings.from_env({"CIVCAS_HOME": str(tmp_path)}))
    config = dg.DagsterInstance.get().get_concurrency_config()
    assert config.run_queue_config.max_concurrent_runs == 1
    assert config.pool_config.default_pool_limit == 1


def test_duckdb_writers_share_one_pool(civcas_env):
    defs = build_definitions(civcas_env())
    graph = defs.resolve_asset_graph()
    pools = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        ad = node.assets_def
        pools[key.to_user_string()] = (
            {n.pool for n in ad.node_def.iterate_op_defs()}
            if hasattr(ad.node_def, "iterate_op_defs")
            else {ad.op.pool}
        )
    assert pools["warehouse/mart_casualty_gap_monthly"] == {"duckdb"}
    assert pools["published/warehouse"] == {"duckdb"}


def test_registries_load_and_list_unparsed_sources_visibly(civcas_env):
    from ingestion.registry import RegistryError

    corpus = load_registry(civcas_env(CIVCAS_SOURCES="corpus"))
    assert len(corpus.sources) >= 12
    for src in corpus.sources:
        if src.is_parsed:
            src.parser_functions()  # every registered parser imports
    sample = load_registry(civcas_env(CIVCAS_SOURCES="sample"))
    families = {s.family for s in sample.sources}
    assert families == {"coalition", "ngo", "observatory", "news"}
    import pytest

    with pytest.raises(RegistryError, match="not found"):
        load_registry(civcas_env(CIVCAS_SOURCES="/nonexistent/registry.yaml"))


def test_not_yet_parsed_source_is_visible(civcas_env, tmp_path):
    reg = tmp_path / "r.yaml"
    reg.write_text(
        f"sources:\n  - name: later\n    family: news\n    location: file://{tmp_path}\n"
    )
    defs = build_definitions(civcas_env(CIVCAS_SOURCES=str(reg)))
    spec = defs.resolve_asset_graph().get(dg.AssetKey(["staged", "later"]))
    assert "Not yet parsed" in (spec.description or "")
    assert spec.tags.get("parse_status") == "not_yet_parsed"


def test_a_second_run_on_the_same_home_is_refused_while_one_is_going(civcas_env):
    import fcntl

    from orchestration.cli import run_pipeline

    settings = civcas_env()
    settings.home.mkdir(parents=True, exist_ok=True)
    with open(settings.home / ".run.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a run is going
        with pytest.raises(RuntimeError, match="another civcas run"):
            run_pipeline(settings, quiet=True)


def test_the_first_instance_settings_are_upgraded(tmp_path, monkeypatch):
    from ingestion.settings import Settings
    from orchestration.cli import _FIRST_DEFAULT, _dagster_home

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # restored after the test
    settings = Settings.from_env({"CIVCAS_HOME": str(tmp_path)})
    settings.dagster_home.mkdir(parents=True)
    (settings.dagster_home / "dagster.yaml").write_text(_FIRST_DEFAULT)
    _dagster_home(settings)
    assert "max_concurrent_runs: 1" in (settings.dagster_home / "dagster.yaml").read_text()
    mine = "telemetry:\n  enabled: true\n"  # a file someone manages is left alone
    (settings.dagster_home / "dagster.yaml").write_text(mine)
    _dagster_home(settings)
    assert (settings.dagster_home / "dagster.yaml").read_text() == mine
