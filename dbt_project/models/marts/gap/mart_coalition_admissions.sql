-- The coalition's running total as published, beside what its own monthly figures imply.
with reports as (
    select
        *,
        lag(cumulative_deaths) over (order by month_covered, report_date) as previous_cumulative_deaths
    from {{ ref('fct_coalition_report') }}
    where month_covered is not null
),

broken as (
    select report_id, string_agg(rule, '; ' order by rule) as broken_rules
    from {{ ref('int_coalition_identity_breaks') }}
    group by report_id
)

select
    r.report_id,
    r.report_date,
    r.month_covered,
    r.cumulative_deaths,
    r.deaths_in_credible,
    r.previous_cumulative_deaths + r.deaths_in_credible as expected_cumulative_deaths,
    r.cumulative_strikes,
    r.strikes_period_end,
    b.report_id is null as is_consistent,
    b.broken_rules,
    r.is_coalition_release,
    r.source_url
from reports as r
left join broken as b using (report_id)
