"""The suites for the raw and staged stages, derived from the staged tables' shapes."""

from __future__ import annotations

from datetime import date

import polars as pl

from expectations.runner import SuiteOutcome, gx_expectations, validate
from ingestion.schemas import STAGED

EARLIEST = date(2011, 1, 1)
# Columns that are counts of something and so never negative.
NOT_COUNTS = {"page", "week", "year"}
# Tables whose rows are the quality record itself, checked by their own rules.
META_TABLES = {"findings", "quarantine"}


def raw_suite(source: str, manifest: list[dict]) -> SuiteOutcome:
    import pandas as pd

    e = gx_expectations()
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
    import pandas as pd

    e = gx_expectations()
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
    import pandas as pd

    e = gx_expectations()
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
# GX sees every row that could fail plus an even sample of the rest: exact failure counts and
# ids, with memory and time bounded by the suspects, not by the table (issue 7, factor 100).
SAMPLE_ROWS = 20_000


def _suspect(table: str, today: date) -> pl.Expr:
    """Polars twin of staged_table_expectations: true where any expectation could fail."""
    schema = STAGED[table]
    conds = []
    for col, dtype in schema.items():
        if dtype == pl.Date:
            conds.append((pl.col(col) < EARLIEST) | (pl.col(col) > today))
        elif dtype == pl.Int64 and col not in NOT_COUNTS:
            conds.append(pl.col(col) < 0)
    for col in schema:
        for lo_suffix, hi_suffix in (("_min", "_max"), ("_low", "_high"), ("_start", "_end")):
            if col.endswith(lo_suffix):
                hi = col[: -len(lo_suffix)] + hi_suffix
                if hi in schema:
                    conds.append(pl.col(hi) < pl.col(col))
    return pl.any_horizontal([c.fill_null(False) for c in conds]) if conds else pl.lit(False)


def staged_table_suite(
    table: str, df: pl.DataFrame | pl.LazyFrame, today: date | None = None
) -> SuiteOutcome:
    """Rows already flagged as warnings by their parser are published as such, not re-judged;
    extracted rows are judged with warnings only."""
    today = today or date.today()
    lf = df.lazy()
    names = lf.collect_schema().names()
    if "quality_flag" in names:
        lf = lf.filter(pl.col("quality_flag").is_null())
    if table in EXTRACTED:
        is_extracted = EXTRACTED[table].fill_null(False)
        outcome = _table_suite(table, lf.filter(~is_extracted), today)
        soft = _table_suite(table, lf.filter(is_extracted), today, severity="warning")
        if soft.rows:
            outcome.outcomes.extend(soft.outcomes)
            outcome.rows += soft.rows
        return outcome
    return _table_suite(table, lf, today)


def _screen(table: str, lf: pl.LazyFrame, today: date) -> tuple[pl.DataFrame, int]:
    cols = [c for c, t in lf.collect_schema().items() if t != pl.List(pl.String)]
    lf = lf.select(cols).with_row_index("_row")
    total = lf.select(pl.len()).collect().item()
    step = max(1, -(-total // SAMPLE_ROWS))
    suspects = lf.filter(_suspect(table, today)).collect()
    sample = lf.gather_every(step).collect() if step > 1 else lf.collect()
    frame = pl.concat([suspects, sample]).unique("_row", keep="first").sort("_row")
    return frame.drop("_row"), total


def _table_suite(
    table: str, lf: pl.LazyFrame, today: date, severity: str | None = None
) -> SuiteOutcome:
    import pandas as pd

    id_col = next(iter(STAGED[table]))
    frame_pl, total = _screen(table, lf, today)
    frame = frame_pl.to_pandas()
    for c, dtype in frame_pl.schema.items():
        if dtype == pl.Date:
            frame[c] = pd.to_datetime(frame[c])
        elif dtype == pl.Int64:
            frame[c] = frame[c].astype("Float64")
    exps = staged_table_expectations(table, today)
    if severity:
        exps = [(exp, severity, text) for exp, _sev, text in exps]
    outcome = validate(
        frame, exps, suite=f"staged_{table}", stage="staged", entity=table, id_column=id_col
    )
    outcome.rows = total
    return outcome


def coalition_identities_suite(monthly: pl.DataFrame) -> SuiteOutcome:
    """The coalition's own arithmetic. A broken identity is a fact about the source: a warning
    that is published and flagged, never a reason to hold the report back."""
    from ingestion.coalition.identities import IDENTITIES, identity_frame

    e = gx_expectations()
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
    pdf = frame.select(list(dict.fromkeys(cols))).to_pandas()  # imports pandas
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
