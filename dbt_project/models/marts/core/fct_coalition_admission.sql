-- Every dated running total the coalition published: monthly reports and other statements.
-- The grain for "what had the coalition admitted on day X": the latest statement_date <= X.
select
    md5('report|' || report_id) as admission_key,
    report_date as statement_date,
    month_covered,
    cumulative_deaths,
    cumulative_strikes,
    strikes_period_end,
    'monthly_report' as statement_kind,
    source_url
from {{ ref('fct_coalition_report') }}
where report_date is not null and (cumulative_deaths is not null or cumulative_strikes is not null)

union all

select
    md5('statement|' || cast(statement_date as varchar) || '|' || coalesce(source_url, '')
        || '|' || coalesce(cast(cumulative_deaths as varchar), '')
        || '|' || coalesce(cast(cumulative_strikes as varchar), '')),
    statement_date,
    null,
    cumulative_deaths,
    cumulative_strikes,
    strikes_period_end,
    'cumulative_statement',
    source_url
from {{ ref('stg_coalition__cumulative_admissions') }}
where statement_date is not null
-- the same figure copied twice is one statement
qualify row_number() over (
    partition by statement_date, source_url, cumulative_deaths, cumulative_strikes
    order by notes
) = 1
