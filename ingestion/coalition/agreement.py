"""How far the line parser agrees with the reading Airwars recorded beside each line.

Airwars records one reading per incident (`sequence`), even where an incident carries several
report lines; for those, a line agrees when its own reading or the incident's combined one
(any line's verdict; the lines' deaths summed, as parts of the incident, or the largest, where
later lines restate or correct the same deaths) matches.

Recorded values map onto ours: `open_incident` is our `open`; `not_yet_assessed` means the
belligerent has stated no assessment, which is what a line without a verdict sentence says (our
None), so the two agree. Deaths are compared as upper bounds (Airwars' max column; our
`civilians_killed_max`, which differs from the firm count only on "and possibly a third").

Airwars' status column is not always updated when a later report states the verdict, and on
some rows its own reason or death columns already say credible or non-credible while the
status still reads open. `recorded_verdict_columns` reads the row's columns together (a stated
reason, or conceded deaths, over a status of open or not yet assessed); both figures are kept.
"""

from __future__ import annotations

import polars as pl

from ingestion.coalition.lines import parse_line

RECORDED = {"open_incident": "open"}
NO_VERDICT = "not_yet_assessed"  # recorded where the belligerent stated nothing
PENDING = {"open", NO_VERDICT}


def _reasons(value) -> bool:
    """Airwars' reason cells hold codes, some PHP-serialised; an empty array is no reason."""
    v = (value or "").strip()
    return bool(v) and v not in ("a:0:{}", "[]")


def recorded_from_columns(status: str | None, row: dict) -> str | None:
    """The verdict Airwars' row says once its reason and death columns are read with its status."""
    if status and status not in PENDING:
        return status
    if _reasons(row.get("reasons_non_credible")):
        return "non_credible"
    if _reasons(row.get("reasons_credible")) or float(row.get("civilian_deaths_conceded_max") or 0):
        return "credible"
    return status


def agreement_table(statements: pl.DataFrame) -> pl.DataFrame:
    """One row per line: parsed and recorded verdict and conceded deaths, and whether they agree."""
    rows = []
    for r in statements.iter_rows(named=True):
        p = parse_line(r["statement_text"] or "", r.get("incident_code"))
        rec = RECORDED.get(r["belligerent_assessment"], r["belligerent_assessment"])
        rows.append(
            {
                "sequence": int(r["sequence"]),
                "statement_index": int(r["statement_index"]),
                "parsed_verdict": p["verdict"],
                "recorded_verdict": rec,
                "recorded_verdict_columns": recorded_from_columns(rec, r),
                # the upper bound, as Airwars' max column ("two, and possibly a third" -> 3)
                "parsed_deaths": p["civilians_killed_max"] or 0,
                "recorded_deaths": int(float(r["civilian_deaths_conceded_max"] or 0)),
            }
        )
    df = pl.DataFrame(rows)
    by_seq = pl.col("sequence")
    several = pl.len().over(by_seq) > 1
    parsed = pl.col("parsed_verdict")

    def verdict_agrees(recorded_verdict: str) -> pl.Expr:
        same = parsed.fill_null(NO_VERDICT) == pl.col(recorded_verdict)
        # another line rescues this one only by a verdict it states, not by stating none
        return same | ((same & parsed.is_not_null()).any().over(by_seq) & several)

    deaths, recorded = pl.col("parsed_deaths"), pl.col("recorded_deaths")
    return df.with_columns(
        verdict_agrees=verdict_agrees("recorded_verdict"),
        verdict_agrees_columns=verdict_agrees("recorded_verdict_columns"),
        deaths_agree=(deaths == recorded)
        | (deaths.sum().over(by_seq) == recorded)
        | ((deaths.max().over(by_seq) == recorded) & several),
    ).with_columns(
        agrees=pl.col("verdict_agrees") & pl.col("deaths_agree"),
        agrees_columns=pl.col("verdict_agrees_columns") & pl.col("deaths_agree"),
    )


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
