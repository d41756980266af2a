"""Turning suite outcomes into Dagster check results, and keeping them in the lake."""

import hashlib
import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import dagster as dg
import polars as pl

from expectations.runner import SuiteOutcome
from ingestion.fingerprints import tree_hash
from ingestion.lake import Lake
from ingestion.schemas import STAGED, conform

EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


@lru_cache(maxsize=1)
def suites_version() -> str:
    return tree_hash(EXPECTATIONS, {".py"})


def validated(
    lake: Lake,
    key: str,
    inputs: object,
    run: Callable[[], SuiteOutcome],
    build_inputs: str | None = None,
) -> tuple[SuiteOutcome, bool]:
    """The same suites on the same inputs give the same outcome: reuse the last one rather than
    import and run Great Expectations again (the nightly no-change case). Returns (outcome,
    reused). Inputs of None: nothing vouches for them, always run. `build_inputs`, the whole
    build's fingerprint, is kept beside the outcome, so that a run on the same build can report
    it without running anything (`audited_with`)."""
    digest = (
        None
        if inputs is None
        else hashlib.sha256(
            json.dumps([inputs, suites_version()], sort_keys=True, default=str).encode()
        ).hexdigest()
    )
    state_key = _state_key(key)
    state = lake.read_json(state_key) if lake.exists(state_key) else {}
    reused = digest is not None and state.get("digest") == digest
    outcome = SuiteOutcome.from_state(state["outcome"]) if reused else run()
    if not reused or state.get("build_inputs") != build_inputs:
        lake.write_json(
            state_key,
            {"digest": digest, "build_inputs": build_inputs, "outcome": outcome.to_state()},
        )
    return outcome, reused


def audited_with(lake: Lake, key: str, build_inputs: str) -> SuiteOutcome | None:
    """The last outcome of `key` if it audited this very build; None otherwise."""
    state_key = _state_key(key)
    if not lake.exists(state_key):
        return None
    state = lake.read_json(state_key)
    if state.get("build_inputs") != build_inputs:
        return None
    return SuiteOutcome.from_state(state["outcome"])


def _state_key(key: str) -> str:
    return f"validations/_last/{_safe(key)}.json"


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
    outcome: SuiteOutcome,
    *,
    asset_key: dg.AssetKey | None = None,
    check_name: str | None = None,
    reused: bool = False,
    extra: dict | None = None,
) -> dg.AssetCheckResult:
    """From inside an asset, name the check; from an @asset_check, Dagster knows it."""
    s = outcome.summary()
    failed = s["failed"]
    md = {
        "rows_validated": outcome.rows,
        "expectations": s["evaluated"],
        "errors": s["errors"],
        "warnings": s["warnings"],
        "reused_unchanged_inputs": reused,
    } | (extra or {})
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
