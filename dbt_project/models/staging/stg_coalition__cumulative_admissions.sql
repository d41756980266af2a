select
    source,
    date as statement_date,
    cumulative_deaths,
    cumulative_strikes,
    strikes_period_end,
    source_url,
    notes
from {{ source('staged', 'coalition_cumulative_admissions') }}
