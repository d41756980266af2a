-- The coalition's own arithmetic, checked on the chosen report of each month. A break is a
-- warning: published, flagged, and it makes mart_coalition_admissions.is_consistent false.
with reports as (
    select
        *,
        lag(month_covered) over w as prev_month,
        lag(open_at_end) over w as prev_open_at_end,
        lag(cumulative_deaths) over w as prev_cumulative_deaths,
        lag(cumulative_strikes) over w as prev_cumulative_strikes
    from {{ ref('int_coalition_reports_chosen') }}
    where month_covered is not null
    window w as (order by month_covered)
),

checks as (
    select
        report_id, report_date, month_covered,
        'open_equals_carried_over_plus_received_minus_completed' as rule,
        open_at_end as observed,
        reports_carried_over + reports_received - reports_completed as expected
    from reports
    union all
    select
        report_id, report_date, month_covered,
        'completed_equals_credible_plus_non_credible_plus_duplicates',
        reports_completed,
        credible + non_credible + duplicates
    from reports
    union all
    select
        report_id, report_date, month_covered,
        'carried_over_equals_previous_open',
        reports_carried_over,
        prev_open_at_end
    from reports
    where prev_month = month_covered - interval 1 month
    union all
    select
        report_id, report_date, month_covered,
        'cumulative_deaths_equals_previous_plus_month',
        cumulative_deaths,
        prev_cumulative_deaths + deaths_in_credible
    from reports
    where prev_month = month_covered - interval 1 month
    union all
    select
        report_id, report_date, month_covered,
        'cumulative_deaths_never_fall',
        cumulative_deaths,
        prev_cumulative_deaths
    from reports
    where not revision_stated and cumulative_deaths < prev_cumulative_deaths
    union all
    select
        report_id, report_date, month_covered,
        'cumulative_strikes_never_fall',
        cumulative_strikes,
        prev_cumulative_strikes
    from reports
    where not revision_stated and cumulative_strikes < prev_cumulative_strikes
)

select
    report_id,
    report_date,
    month_covered,
    rule,
    observed,
    expected,
    'warning' as severity
from checks
where observed is not null
  and expected is not null
  and (rule like '%never_fall' or observed <> expected)
