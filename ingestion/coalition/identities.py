"""The arithmetic a monthly report's own figures should obey, and where the coalition's do not.

A broken identity is a fact about the source (a warning), not a reason to drop the report.
Identities with a missing input are not checked: an unstated figure is not a zero.
"""

from __future__ import annotations

import polars as pl

BREAK_SCHEMA = {
    "report_id": pl.String,
    "month_covered": pl.Date,
    "rule": pl.String,
    "field": pl.String,
    "observed": pl.Int64,
    "expected": pl.Int64,
}


def choose_monthly(df: pl.DataFrame) -> pl.DataFrame:
    """One row per month: a release of the coalition itself beats a copy; then the later report
    (an undated one counts as earliest); then the row with more figures stated."""
    filled = pl.sum_horizontal(
        pl.col(c).is_not_null().cast(pl.Int32)
        for c in ("reports_carried_over", "reports_received", "reports_completed", "credible",
                  "non_credible", "open_at_end", "deaths_in_credible", "cumulative_deaths")
    )  # fmt: skip
    return (
        df.with_columns(_filled=filled)
        .sort(
            ["month_covered", "is_coalition_release", "report_date", "_filled", "report_id"],
            descending=[False, True, True, True, False],
            nulls_last=True,
        )
        .unique("month_covered", keep="first", maintain_order=True)
        .drop("_filled")
    )


IDENTITIES = [
    # rule, field, expected expression, kind ("equal" or "fall": may not fall below)
    ("open_balance", "open_at_end",
     pl.col("reports_carried_over") + pl.col("reports_received") - pl.col("reports_completed"),
     "equal"),
    ("completed_sum", "reports_completed",
     pl.col("credible") + pl.col("non_credible") + pl.col("duplicates"), "equal"),
    ("carry_over", "reports_carried_over", pl.col("prev_open"), "equal"),
    ("cumulative_step", "cumulative_deaths",
     pl.col("prev_cum_deaths_adjacent") + pl.col("deaths_in_credible"), "equal"),
    ("cumulative_monotonic", "cumulative_deaths", pl.col("prev_cum_deaths"), "fall"),
    ("cumulative_monotonic", "cumulative_strikes", pl.col("prev_cum_strikes"), "fall"),
]  # fmt: skip


def identity_frame(monthly: pl.DataFrame) -> pl.DataFrame:
    """The chosen series with, for each identity, the value it says a figure should have
    (`expected__<rule>__<field>`); a fall allowed by a stated revision expects nothing."""
    s = choose_monthly(monthly).sort("month_covered")
    prev = s.select(
        pl.col("month_covered").dt.offset_by("1mo").alias("month_covered"),
        pl.col("open_at_end").alias("prev_open"),
        pl.col("cumulative_deaths").alias("prev_cum_deaths_adjacent"),
    )
    s = s.join(prev, on="month_covered", how="left")
    # the last earlier figure stated, for "never falls" (gaps between months allowed)
    s = s.with_columns(
        prev_cum_deaths=pl.col("cumulative_deaths").shift(1).forward_fill(),
        prev_cum_strikes=pl.col("cumulative_strikes").shift(1).forward_fill(),
    )
    revised = pl.col("revision_stated").fill_null(False)
    return s.with_columns(
        (pl.when(~revised).then(expected) if kind == "fall" else expected)
        .cast(pl.Int64)
        .alias(f"expected__{rule}__{field}")
        for rule, field, expected, kind in IDENTITIES
    )


def identity_breaks(monthly: pl.DataFrame) -> pl.DataFrame:
    """One row per broken identity of the chosen monthly series."""
    s = identity_frame(monthly)
    frames = []
    for rule, field, _expected, kind in IDENTITIES:
        expected = pl.col(f"expected__{rule}__{field}")
        observed = pl.col(field)
        broken = observed < expected if kind == "fall" else observed != expected
        frames.append(
            s.filter(broken.fill_null(False)).select(
                "report_id",
                "month_covered",
                pl.lit(rule).alias("rule"),
                pl.lit(field).alias("field"),
                observed.cast(pl.Int64).alias("observed"),
                expected.alias("expected"),
            )
        )
    return pl.concat(frames).cast(BREAK_SCHEMA).sort("month_covered", "rule", "field")
