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
        (
            e.ExpectColumnValuesToBeBetween(column="bytes", min_value=1),
            "error",
            "no empty document",
        ),
        (e.ExpectColumnValuesToBeUnique(column="name"), "warning", "one document per name"),
    ]
    return validate(
        frame, exps, suite="raw_documents", stage="raw", entity=source, id_column="name"
    )


def source_rows_suite(source: str, rows: dict[str, int]) -> SuiteOutcome:
    e = _gx()
    data = [{"table": t, "rows": n} for t, n in rows.items() if t not in META_TABLES]
    frame = pd.DataFrame(data or [{"table": "(none)", "rows": 0}])
    exps = [
        (
            e.ExpectColumnMaxToBeBetween(column="rows", min_value=1),
            "error",
            "the source yields rows in at least one staged table",
        )
    ]
    return validate(
        frame, exps, suite="staged_source_rows", stage="staged", entity=source, id_column="table"
    )


def staged_table_expectations(table: str, today: date | None = None) -> list[tuple]:
    e = _gx()
    today = today or date.today()
    schema = STAGED[table]
    exps = []
    for col, dtype in schema.items():
        if dtype == pl.Date:
            exps.append(
                (
                    e.ExpectColumnValuesToBeBetween(
                        column=col, min_value=pd.Timestamp(EARLIEST), max_value=pd.Timestamp(today)
                    ),
                    "error",
                    f"{EARLIEST}..{today}",
                )
            )
        elif dtype == pl.Int64 and col not in NOT_COUNTS:
            exps.append((e.ExpectColumnValuesToBeBetween(column=col, min_value=0), "error", ">= 0"))
    for col in schema:
        for lo_suffix, hi_suffix in (("_min", "_max"), ("_low", "_high"), ("_start", "_end")):
            if col.endswith(lo_suffix):
                hi = col[: -len(lo_suffix)] + hi_suffix
                if hi in schema:
                    exps.append(
                        (
                            e.ExpectColumnPairValuesAToBeGreaterThanB(
                                column_A=hi,
                                column_B=col,
                                or_equal=True,
                                ignore_row_if="either_value_is_missing",
                            ),
                            "error",
                            f"{col} <= {hi}",
                        )
                    )
    return exps


# Rows read out of prose by the claim extractor: a wrong reading is flagged, and does not hold
# back the whole warehouse the way a structurally impossible source value does.
EXTRACTED = {"claims": pl.lit(True), "observatory_counts": pl.col("origin") == "claim"}


def staged_table_suite(table: str, df: pl.DataFrame, today: date | None = None) -> SuiteOutcome:
    """Rows already flagged as warnings by their parser are published as such, not re-judged;
    extracted rows are judged with warnings only."""
    if "quality_flag" in df.columns:
        df = df.filter(pl.col("quality_flag").is_null())
    if table in EXTRACTED:
        extracted = df.filter(EXTRACTED[table].fill_null(False))
        rest = df.filter(~EXTRACTED[table].fill_null(False))
        outcome = _table_suite(table, rest, today)
        if extracted.height:
            soft = _table_suite(table, extracted, today, severity="warning")
            outcome.outcomes.extend(soft.outcomes)
            outcome.rows += soft.rows
        return outcome
    return _table_suite(table, df, today)


def _table_suite(
    table: str, df: pl.DataFrame, today: date | None, severity: str | None = None
) -> SuiteOutcome:
    id_col = next(iter(STAGED[table]))
    cols = [c for c in df.columns if df.schema[c] != pl.List(pl.String)]
    frame = df.select(cols).to_pandas()
    for c, dtype in df.select(cols).schema.items():
        if dtype == pl.Date:
            frame[c] = pd.to_datetime(frame[c])
        elif dtype == pl.Int64:
            frame[c] = frame[c].astype("Float64")
    exps = staged_table_expectations(table, today)
    if severity:
        exps = [(exp, severity, text) for exp, _sev, text in exps]
    return validate(
        frame, exps, suite=f"staged_{table}", stage="staged", entity=table, id_column=id_col
    )


def coalition_identities_suite(monthly: pl.DataFrame) -> SuiteOutcome:
    """The coalition's own arithmetic. A broken identity is a fact about the source: a warning
    that is published and flagged, never a reason to hold the report back."""
    from ingestion.coalition.identities import IDENTITIES, identity_frame

    e = _gx()
    frame = identity_frame(monthly)
    exps, cols = [], ["report_id"]
    for rule, field, _expr, kind in IDENTITIES:
        exp_col = f"expected__{rule}__{field}"
        cols += [field, exp_col]
        if kind == "fall":
            exp = e.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=field,
                column_B=exp_col,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
            text = f"{field} never falls unless a revision is stated"
        else:
            exp = e.ExpectColumnPairValuesToBeEqual(
                column_A=field, column_B=exp_col, ignore_row_if="either_value_is_missing"
            )
            text = f"{rule}: {field} = {exp_col.split('__')[1]}"
        exps.append((exp, "warning", text))
    pdf = frame.select(list(dict.fromkeys(cols))).to_pandas()
    for c in pdf.columns[1:]:
        pdf[c] = pdf[c].astype("Float64")
    return validate(
        pdf,
        exps,
        suite="coalition_identities",
        stage="staged",
        entity="coalition_monthly_reports",
        id_column="report_id",
    )
