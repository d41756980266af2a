-- One monthly report per month covered (int_coalition_reports_chosen): month_covered is
-- when it happened, report_date when the coalition published it.
select
    report_id,
    report_date,
    month_covered,
    reports_carried_over,
    reports_received,
    reports_completed,
    credible,
    non_credible,
    duplicates,
    open_at_end,
    deaths_in_credible,
    cumulative_deaths,
    cumulative_strikes,
    strikes_period_end,
    cumulative_engagements,
    is_coalition_release,
    revision_stated,
    rows_for_month,
    source,
    origin,
    source_url
from {{ ref('int_coalition_reports_chosen') }}
