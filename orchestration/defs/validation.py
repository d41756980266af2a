"""Turning suite outcomes into Dagster check results, and keeping them in the lake."""

import re

import dagster as dg
import polars as pl

from expectations.runner import SuiteOutcome
from ingestion.lake import Lake
from ingestion.schemas import STAGED, conform


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def record_validation(lake: Lake, run_id: str, outcome: SuiteOutcome) -> str:
    """Validation results are kept in the lake, one JSON per suite and run."""
    key = f"validations/{run_id}/{outcome.stage}__{_safe(outcome.entity)}__{_safe(outcome.suite)}.json"
    lake.put_bytes(key, outcome.to_json(), "application/json")
    rows = outcome.finding_rows()
    fkey = f"staged/findings/gx__{outcome.stage}__{_safe(outcome.entity)}.parquet"
    if rows:
        lake.write_parquet(fkey, conform("findings", pl.DataFrame(rows, schema=STAGED["findings"])))
    elif lake.exists(fkey):
        lake.delete(fkey)
    return key


def check_result(
    outcome: SuiteOutcome, *, asset_key: dg.AssetKey | None = None, check_name: str | None = None
) -> dg.AssetCheckResult:
    """From inside an asset, name the check; from an @asset_check, Dagster knows it."""
    s = outcome.summary()
    failed = s["failed"]
    md = {
        "rows_validated": outcome.rows,
        "expectations": s["evaluated"],
        "errors": s["errors"],
        "warnings": s["warnings"],
    }
    if failed:
        md["failed_expectations"] = dg.MetadataValue.md(
            "| expectation | column | severity | unexpected | observed | expected | ids |\n"
            "|---|---|---|---|---|---|---|\n"
            + "\n".join(
                f"| {f['expectation']} | {f['column'] or ''} | {f['severity']} | "
                f"{f['unexpected_count'] if f['unexpected_count'] is not None else ''} | "
                f"{(f['observed'] or '')[:80]} | {f['expected']} | {', '.join(f['ids'])} |"
                for f in failed
            )
        )
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=outcome.passed and not outcome.warnings,
        severity=dg.AssetCheckSeverity.ERROR if outcome.errors else dg.AssetCheckSeverity.WARN,
        metadata=md,
    )
