"""Warehouse-stage suites: aggregates read from the freshly built file, validated with GX."""

from __future__ import annotations

from datetime import date

from expectations.contract import CONTRACT
from expectations.runner import SuiteOutcome, gx_expectations, validate


def contract_suite(con) -> SuiteOutcome:
    import pandas as pd

    e = gx_expectations()
    have = set(
        con.execute(
            "select table_name || '.' || column_name from information_schema.columns "
            "where table_schema = 'main'"
        )
        .fetchdf()
        .iloc[:, 0]
    )
    frame = pd.DataFrame(
        [
            {"column": f"{t}.{c}", "present": f"{t}.{c}" in have}
            for t, cols in CONTRACT.items()
            for c in cols
        ]
    )
    return validate(
        frame,
        [
            (
                e.ExpectColumnValuesToBeInSet(column="present", value_set=[True]),
                "error",
                "every contract table and column exists",
            )
        ],
        suite="contract",
        stage="warehouse",
        entity="warehouse",
        id_column="column",
    )


def gap_totals_suite(con) -> SuiteOutcome:
    """The mart's monthly sums equal the facts' sums for the same filter."""
    e = gx_expectations()
    frame = con.execute("""
        with pairs as (  -- an incident counts once for each belligerent among its own
            select distinct i.incident_key, i.country, b.code as belligerent_code,
                   i.civilian_deaths_min, i.civilian_deaths_max
            from fct_incident i, unnest(i.belligerents) as b(code)
            where i.date_start is not null and i.country is not null
        ), facts as (
            select country, belligerent_code, count(*) as incidents,
                   sum(civilian_deaths_min) as deaths_min, sum(civilian_deaths_max) as deaths_max
            from pairs group by all
        ), mart as (
            select coalesce(country, '?') as country, belligerent_code,
                   sum(monitor_incidents) as incidents,
                   sum(monitor_deaths_min) as deaths_min, sum(monitor_deaths_max) as deaths_max
            from mart_casualty_gap_monthly group by all
        )
        select coalesce(f.country, m.country) || '/' || coalesce(f.belligerent_code,
                 m.belligerent_code) as key,
               coalesce(f.incidents, 0)::double as fact_incidents,
               coalesce(m.incidents, 0)::double as mart_incidents,
               coalesce(f.deaths_min, 0)::double as fact_deaths_min,
               coalesce(m.deaths_min, 0)::double as mart_deaths_min,
               coalesce(f.deaths_max, 0)::double as fact_deaths_max,
               coalesce(m.deaths_max, 0)::double as mart_deaths_max
        from facts f full outer join mart m
          on f.country = m.country and f.belligerent_code = m.belligerent_code
    """).fetchdf()
    exps = [
        (
            e.ExpectColumnPairValuesToBeEqual(column_A=f"mart_{m}", column_B=f"fact_{m}"),
            "error",
            f"mart_casualty_gap_monthly {m} = sum over fct_incident",
        )
        for m in ("incidents", "deaths_min", "deaths_max")
    ]
    return validate(
        frame,
        exps,
        suite="gap_totals",
        stage="warehouse",
        entity="mart_casualty_gap_monthly",
        id_column="key",
    )


def admissions_suite(con) -> SuiteOutcome:
    """The mart's running totals equal the reports'; broken identities are warnings."""
    e = gx_expectations()
    frame = con.execute("""
        select coalesce(strftime(a.report_date, '%Y-%m-%d'), 'undated') || ' ' ||
                 coalesce(strftime(a.month_covered, '%Y-%m'), '?') as key,
               a.cumulative_deaths::double as mart_cumulative,
               r.cumulative_deaths::double as report_cumulative,
               a.expected_cumulative_deaths::double as expected_cumulative,
               coalesce(a.is_consistent, true) as is_consistent
        from mart_coalition_admissions a
        left join fct_coalition_report r
          on a.month_covered is not distinct from r.month_covered
         and a.report_date is not distinct from r.report_date
    """).fetchdf()
    exps = [
        (
            e.ExpectColumnPairValuesToBeEqual(
                column_A="mart_cumulative",
                column_B="report_cumulative",
                ignore_row_if="either_value_is_missing",
            ),
            "error",
            "mart cumulative deaths = the report's",
        ),
        (
            e.ExpectColumnPairValuesToBeEqual(
                column_A="mart_cumulative",
                column_B="expected_cumulative",
                ignore_row_if="either_value_is_missing",
            ),
            "warning",
            "cumulative = previous cumulative + this month's deaths",
        ),
        (
            e.ExpectColumnValuesToBeInSet(column="is_consistent", value_set=[True]),
            "warning",
            "the coalition's own arithmetic adds up",
        ),
    ]
    return validate(
        frame,
        exps,
        suite="coalition_admissions",
        stage="warehouse",
        entity="mart_coalition_admissions",
        id_column="key",
    )


FACT_DATES = {
    # fact: (first date column, last date column, rows read out of prose by the extractor)
    "fct_incident": ("date_start", "date_end", None),
    "fct_incident_assessment": ("statement_date", "statement_date", None),
    "fct_coalition_report": ("month_covered", "report_date", None),
    "fct_strikes_daily": ("date_day", "date_day", None),
    "fct_observatory_count": ("period_start", "period_end", "origin = 'claim'"),
    "fct_casualty_claim": ("period_start", "period_end", "true"),
    "dim_document": ("published_date", "published_date", None),
}


def fact_dates_suite(con, today: date | None = None) -> SuiteOutcome:
    """Every fact row's dates inside its source's coverage (2011 to today). A source's own
    table out of range is an error; a figure the extractor read out of prose that speaks of
    another period (a 2008 toll quoted in a 2017 article) is a warning."""
    import pandas as pd

    e = gx_expectations()
    today = today or date.today()
    parts = []
    for t, (a, b, extracted) in FACT_DATES.items():
        kinds = [("source", f"not ({extracted})" if extracted else "true")]
        if extracted:
            kinds.append(("extracted", extracted))
        for kind, where in kinds:
            parts.append(
                f"select '{t}' as fact, '{kind}' as kind, min({a})::date as first_date, "
                f"max({b})::date as last_date from {t} where coalesce({where}, false)"
            )
    frame = con.execute(" union all ".join(parts)).fetchdf()
    for c in ("first_date", "last_date"):
        frame[c] = pd.to_datetime(frame[c])
    frame["fact"] = frame["fact"] + "/" + frame["kind"]
    src = frame[frame["kind"] == "source"].reset_index(drop=True)
    ext = frame[frame["kind"] == "extracted"].reset_index(drop=True)

    def exps(sev):
        return [
            (
                e.ExpectColumnValuesToBeBetween(
                    column=c, min_value=pd.Timestamp("2011-01-01"), max_value=pd.Timestamp(today)
                ),
                sev,
                f"2011-01-01..{today}",
            )
            for c in ("first_date", "last_date")
        ]

    outcome = validate(
        src, exps("error"), suite="fact_dates", stage="warehouse", entity="facts", id_column="fact"
    )
    soft = validate(
        ext,
        exps("warning"),
        suite="fact_dates_extracted",
        stage="warehouse",
        entity="facts",
        id_column="fact",
    )
    outcome.outcomes.extend(soft.outcomes)
    outcome.rows += soft.rows
    return outcome


SUITES = {
    "contract": contract_suite,
    "gap_totals": gap_totals_suite,
    "coalition_admissions": admissions_suite,
    "fact_dates": fact_dates_suite,
}
