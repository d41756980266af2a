"""A parser that lets impossible values through, as a broken parser would: the staged checks
must catch what it writes, so nothing of it reaches the published warehouse."""

from datetime import date

import polars as pl

from ingestion.parsing import ParseResult, RawDocument


def parse_bad(doc: RawDocument) -> ParseResult:
    r = ParseResult()
    r.add(
        "coalition_monthly_reports",
        pl.DataFrame(
            {
                "report_id": ["bad-1"],
                "source": [doc.source],
                "origin": ["report_text"],
                "is_coalition_release": [True],
                "report_date": [date(1970, 1, 1)],
                "month_covered": [date(1970, 1, 1)],
                "credible": [-4],
                "cumulative_deaths": [99999],
            }
        ),
    )
    return r
