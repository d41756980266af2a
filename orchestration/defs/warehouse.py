"""dbt builds the warehouse into the run's private file; GX audits it before anything is published."""

import os
import shutil
from collections.abc import Mapping
from typing import Any

import dagster as dg
import polars as pl
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from expectations.warehouse import SUITES
from ingestion.schemas import STAGED
from orchestration.dbt_manifest import DBT_DIR, manifest_path
from orchestration.defs.validation import check_result, record_validation
from orchestration.publish import unchanged_since_publication
from orchestration.resources import CivcasResource
from orchestration.state import current_inputs

POOL = "duckdb"  # DuckDB takes one writer per file


class CivcasTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["staged_table", dbt_resource_props["name"]])
        return dg.AssetKey(["warehouse", dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        name = dbt_resource_props["name"]
        if name.startswith("mart_"):
            return "marts"
        return "warehouse"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return ["team:analytics-engineering"]


def warehouse_key(model: str) -> dg.AssetKey:
    return dg.AssetKey(["warehouse", model])


def build_dbt_assets() -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=manifest_path(),
        dagster_dbt_translator=CivcasTranslator(),
        pool=POOL,
        name="warehouse_dbt",
    )
    def _dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, civcas: CivcasResource):
        settings = civcas.settings()
        if unchanged_since_publication(settings, current_inputs(settings, civcas.lake())):
            # nothing yielded: models, checks and publication are skipped, yesterday's stands
            context.log.info("inputs unchanged since the last publication: not rebuilding")
            return
        build = civcas.build_path(context.run_id)
        # dbt writes one fixed path and the file is renamed to the run's own when dbt ends (in
        # this step, inside the DuckDB pool): dbt's partial parsing is keyed on the profile, so a
        # path that changed every run made every run parse the whole project again.
        building = settings.build_dir / "dbt-building.duckdb"
        for stale in (building, building.with_name(building.name + ".wal")):
            stale.unlink(missing_ok=True)  # a crashed run's leftovers
        if build.exists():
            if context.is_subset:
                os.replace(build, building)  # a subset adds to the run's file
            else:
                build.unlink()  # a fresh file per run: yesterday's stays published meanwhile
        os.environ.update(settings.dbt_env(building))
        target = settings.build_dir / "dbt-target"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        parsed = settings.build_dir / "partial_parse.msgpack"
        if parsed.exists():
            shutil.copy(parsed, target / "partial_parse.msgpack")
        try:
            yield from dbt.cli(
                ["build", "--target", settings.dbt_target], context=context, target_path=target
            ).stream()
        finally:
            for suffix in ("", ".wal"):
                done = building.with_name(building.name + suffix)
                if done.exists():
                    os.replace(done, build.with_name(build.name + suffix))
            if (target / "partial_parse.msgpack").exists():
                shutil.copy(target / "partial_parse.msgpack", parsed)

    return _dbt


def _append_findings(con, outcome) -> None:
    rows = outcome.finding_rows()
    if not rows:
        return
    df = pl.DataFrame(rows, schema=STAGED["findings"])  # noqa: F841 (read by DuckDB)
    cols = [r[0] for r in con.execute("describe mart_data_quality_findings").fetchall()]
    keep = [c for c in df.columns if c in cols]
    con.execute(f"insert into mart_data_quality_findings by name select {', '.join(keep)} from df")


def _warehouse_check(name: str, asset: str, description: str):
    suite = SUITES[name]

    @dg.asset_check(
        asset=warehouse_key(asset), name=name, blocking=True, pool=POOL, description=description
    )
    def _check(context: dg.AssetCheckExecutionContext, civcas: CivcasResource):
        run_id = context.run.run_id
        build = civcas.build_path(run_id)
        if not build.exists():
            return dg.AssetCheckResult(
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"reason": f"no warehouse built at {build}"},
            )
        con = civcas.settings().duckdb_connect(build)
        try:
            outcome = suite(con)
            _append_findings(con, outcome)
        finally:
            con.close()
        record_validation(civcas.lake(), run_id, outcome)
        return check_result(outcome)

    return _check


WAREHOUSE_CHECKS = [
    (
        "contract",
        "mart_data_quality_findings",
        "every table and column of the warehouse contract exists",
    ),
    (
        "gap_totals",
        "mart_casualty_gap_monthly",
        "the gap mart's sums equal the incident facts' sums",
    ),
    (
        "coalition_admissions",
        "mart_coalition_admissions",
        "the mart's running totals equal the reports'; broken identities warn",
    ),
    ("fact_dates", "mart_casualty_gap_monthly", "every fact's dates within 2011..today"),
]


def warehouse_checks() -> list[dg.AssetChecksDefinition]:
    return [_warehouse_check(n, a, d) for n, a, d in WAREHOUSE_CHECKS]


def dbt_resource() -> DbtCliResource:
    from orchestration.dbt_manifest import dbt_executable

    return DbtCliResource(
        project_dir=str(DBT_DIR), profiles_dir=str(DBT_DIR), dbt_executable=dbt_executable()
    )
