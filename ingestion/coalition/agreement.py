"""How far the line parser agrees with the reading Airwars recorded beside each line.

Airwars records one reading per incident (`sequence`), even where an incident carries several
report lines; for those, a line agrees when its own reading or the incident's combined one
(any line's verdict, the lines' summed deaths) matches.
"""

from __future__ import annotations

import polars as pl

from ingestion.coalition.lines import parse_line

RECORDED = {"open_incident": "open"}


def agreement_table(statements: pl.DataFrame) -> pl.DataFrame:
    """One row per line: parsed and recorded verdict and conceded deaths, and whether they agree."""
    rows = []
    for r in statements.iter_rows(named=True):
        p = parse_line(r["statement_text"] or "")
        rec = r["belligerent_assessment"]
        rows.append(
            {
                "sequence": int(r["sequence"]),
                "statement_index": int(r["statement_index"]),
                "parsed_verdict": p["verdict"],
                "recorded_verdict": RECORDED.get(rec, rec),
                "parsed_deaths": p["civilians_killed"] or 0,
                "recorded_deaths": int(float(r["civilian_deaths_conceded_max"] or 0)),
            }
        )
    df = pl.DataFrame(rows)
    by_seq = pl.col("sequence")
    return df.with_columns(
        verdict_agrees=(pl.col("parsed_verdict") == pl.col("recorded_verdict")).fill_null(False)
        | (pl.col("parsed_verdict") == pl.col("recorded_verdict"))
        .fill_null(False)
        .any()
        .over(by_seq)
        & (pl.len().over(by_seq) > 1),
        deaths_agree=(pl.col("parsed_deaths") == pl.col("recorded_deaths"))
        | (pl.col("parsed_deaths").sum().over(by_seq) == pl.col("recorded_deaths")),
    ).with_columns(agrees=pl.col("verdict_agrees") & pl.col("deaths_agree"))


def disagreements(table: pl.DataFrame) -> pl.DataFrame:
    """(sequence, statement_index, field, parsed, recorded) for every field that disagrees."""
    v = table.filter(~pl.col("verdict_agrees")).select(
        "sequence", "statement_index", pl.lit("verdict").alias("field"),
        pl.col("parsed_verdict").fill_null("").alias("parsed"),
        pl.col("recorded_verdict").alias("recorded"),
    )  # fmt: skip
    d = table.filter(~pl.col("deaths_agree")).select(
        "sequence", "statement_index", pl.lit("deaths").alias("field"),
        pl.col("parsed_deaths").cast(pl.String).alias("parsed"),
        pl.col("recorded_deaths").cast(pl.String).alias("recorded"),
    )  # fmt: skip
    return pl.concat([v, d]).sort("sequence", "statement_index", "field")
