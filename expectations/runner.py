"""Great Expectations, run on small pandas frames (aggregates or the staged rows themselves).

GX 1.x has no Polars engine and its DuckDB path is unreliable, so every suite here validates a
pandas frame. GX is imported lazily: it costs seconds, and definitions must load fast.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas costs a second to import; a run that reuses outcomes never needs it
    import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TQDM_DISABLE", "1")  # GX progress bars flood run logs

MAX_IDS = 25


def gx_expectations():
    """The expectation classes, imported only when a suite runs (GX costs seconds to import)."""
    import great_expectations as gx

    return gx.expectations


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    severity: str  # error | warning
    unexpected_count: int | None
    observed: str | None
    expected: str
    entity_ids: list[str] = field(default_factory=list)


@dataclass
class SuiteOutcome:
    suite: str
    stage: str
    entity: str
    rows: int
    outcomes: list[ExpectationOutcome]

    @property
    def errors(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "error"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "warning"]

    @property
    def passed(self) -> bool:
        return not self.errors

    def finding_rows(self) -> list[dict]:
        now = datetime.now(UTC)
        rows = []
        for o in self.outcomes:
            if o.success:
                continue
            ids = o.entity_ids or [None]
            for eid in ids:
                rows.append(
                    {
                        "checked_at": now,
                        "stage": self.stage,
                        "rule": f"{self.suite}.{o.expectation}"
                        + (f"[{o.column}]" if o.column else ""),
                        "entity": self.entity,
                        "entity_id": eid,
                        "observed": o.observed,
                        "expected": o.expected,
                        "severity": o.severity,
                        "source": "great_expectations",
                    }
                )
        return rows

    def summary(self) -> dict:
        return {
            "suite": self.suite,
            "stage": self.stage,
            "entity": self.entity,
            "rows": self.rows,
            "evaluated": len(self.outcomes),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "failed": [
                {
                    "expectation": o.expectation,
                    "column": o.column,
                    "severity": o.severity,
                    "unexpected_count": o.unexpected_count,
                    "observed": o.observed,
                    "expected": o.expected,
                    "ids": o.entity_ids[:5],
                }
                for o in self.outcomes
                if not o.success
            ],
        }

    def to_state(self) -> dict:
        return asdict(self)

    @classmethod
    def from_state(cls, state: dict) -> SuiteOutcome:
        outcomes = [ExpectationOutcome(**o) for o in state["outcomes"]]
        return cls(state["suite"], state["stage"], state["entity"], state["rows"], outcomes)

    def to_json(self) -> bytes:
        return json.dumps(
            self.summary() | {"validated_at": datetime.now(UTC).isoformat()},
            default=str,
            ensure_ascii=False,
            indent=1,
        ).encode()


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx

    ctx = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # progress bars are cosmetic
        pass
    ds = ctx.data_sources.add_pandas("civcas_frames")
    return ctx, ds


_counter = 0


def validate(
    frame: pd.DataFrame,
    expectations: list[tuple],
    *,
    suite: str,
    stage: str,
    entity: str,
    id_column: str | None = None,
) -> SuiteOutcome:
    """`expectations` are (gx expectation, severity, human 'expected' text) triples."""
    import great_expectations as gx

    global _counter
    _counter += 1
    ctx, ds = _context()
    asset = ds.add_dataframe_asset(f"{suite}_{_counter}")
    batch_def = asset.add_batch_definition_whole_dataframe("whole")
    gx_suite = ctx.suites.add(gx.ExpectationSuite(name=f"{suite}_{_counter}"))
    for exp, _sev, _text in expectations:
        gx_suite.add_expectation(exp)
    batch = batch_def.get_batch(batch_parameters={"dataframe": frame})
    fmt: dict = {"result_format": "COMPLETE" if id_column else "SUMMARY"}
    if id_column:
        fmt["unexpected_index_column_names"] = [id_column]
    result = batch.validate(gx_suite, result_format=fmt)
    outcomes = []
    for (exp, sev, text), res in zip(expectations, result.results, strict=True):
        r = res.result or {}
        ids = []
        if id_column and r.get("unexpected_index_list"):
            ids = [str(x.get(id_column)) for x in r["unexpected_index_list"][:MAX_IDS]]
        observed = r.get("observed_value")
        if observed is None and r.get("partial_unexpected_list"):
            observed = r["partial_unexpected_list"][:5]
        if res.exception_info and res.exception_info.get("raised_exception"):
            observed = f"exception: {res.exception_info.get('exception_message')}"
        outcomes.append(
            ExpectationOutcome(
                expectation=res.expectation_config.type,
                column=getattr(exp, "column", None) or getattr(exp, "column_A", None),
                success=bool(res.success),
                severity=sev,
                unexpected_count=r.get("unexpected_count"),
                observed=None if observed is None else str(observed)[:500],
                expected=text,
                entity_ids=ids,
            )
        )
    ctx.suites.delete(gx_suite.name)
    ds.delete_asset(asset.name)
    return SuiteOutcome(suite, stage, entity, len(frame), outcomes)
