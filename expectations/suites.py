"""The suites for the raw and staged stages, derived from the staged tables' shapes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import polars as pl

from expectations.runner import SuiteOutcome, validate
from ingestion.schemas import STAGED

EARLIEST = date(2011, 1, 1)
# Columns that are counts of something and so never negative.
NOT_COUNTS = {"page", "week", "year"}
# Tables whose rows are the quality record itself, checked by their own rules.
META_TABLES = {"findings", "quarantine"}


def _gx():
    import great_expectations as gx

    return gx.expectations


def raw_suite(source: str, manifest: list[dict]) -> SuiteOutcome:
    e = _gx()
    frame = pd.DataFrame(manifest or [], columns=["sha256", "name", "bytes"])
    exps = [
        (e.ExpectTableRowCountToBeBetween(min_value=1), "error", "at least one document"),
        (e.ExpectColumnValuesToBeBetween(column="bytes", min_value=1), "error",
         "no empty document"),
        (e.ExpectColumnValuesToBeUnique(column="name"), "warning", "one document per name"),
    ]
    return validate(frame, exps, suite="raw_documents", stage="raw", entity=source,
                    id_column="name")


def source_rows_suite(source: str, rows: dict[str, int]) -> SuiteOutcome:
    e = _gx()
    data = [{"table": t, "rows": n} for t, n in rows.items() if t not in META_TABLES]
    frame = pd.DataFrame(data or [{"table": "(none)", "rows": 0}])
    exps = [(e.ExpectColumnMaxToBeBetween(column="rows", min_value=1), "error",
             "the source yields rows in at least one staged table")]
    return validate(frame, exps, suite="staged_source_rows", stage="staged", entity=source,
                    id_column="table")


def staged_table_expectations(table: str, today: date | None = None) -> list[tuple]:
    e = _gx()
    today = today or date.today()
    schema = STAGED[table]
    exps = []
    for col, dtype in schema.items():
        if dtype == pl.Date:
            exps.append((
                e.ExpectColumnValuesToBeBetween(
                    column=col, min_value=pd.Timestamp(EARLIEST), max_value=pd.Timestamp(today)),
                "error", f"{EARLIEST}..{today}"))
        elif dtype == pl.Int64 and col not in NOT_COUNTS:
            exps.append((e.ExpectColumnValuesToBeBetween(column=col, min_value=0), "error",
                         ">= 0"))
    for col in schema:
        for lo_suffix, hi_suffix in (("_min", "_max"), ("_low", "_high"), ("_start", "_end")):
            if col.endswith(lo_suffix):
                hi = col[: -len(lo_suffix)] + hi_suffix
                if hi in schema:
                    exps.append((
                        e.ExpectColumnPairValuesAToBeGreaterThanB(
                            column_A=hi, column_B=col, or_equal=True,
                            ignore_row_if="either_value_is_missing"),
                        "error", f"{col} <= {hi}"))
    return exps


def staged_table_suite(table: str, df: pl.DataFrame, today: date | None = None) -> SuiteOutcome:
    """Rows already flagged as warnings by their parser are published as such, not re-judged."""
    if "quality_flag" in df.columns:
        df = df.filter(pl.col("quality_flag").is_null())
    id_col = next(iter(STAGED[table]))
    cols = [c for c in df.columns if df.schema[c] != pl.List(pl.String)]
    frame = df.select(cols).to_pandas()
    for c, dtype in df.select(cols).schema.items():
        if dtype == pl.Date:
            frame[c] = pd.to_datetime(frame[c])
        elif dtype == pl.Int64:
            frame[c] = frame[c].astype("Float64")
    return validate(frame, staged_table_expectations(table, today), suite=f"staged_{table}",
                    stage="staged", entity=table, id_column=id_col)
