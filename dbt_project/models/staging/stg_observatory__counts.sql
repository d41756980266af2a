select
    count_id,
    source,
    observatory,
    origin,
    period_start,
    period_end,
    upper(country) as country,
    admin1_en,
    cause,
    civilians,
    children,
    women,
    total,
    claim_id
from {{ source('staged', 'observatory_counts') }}
