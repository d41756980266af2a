select
    source,
    cast(date_trunc('month', month_start) as date) as month_start,
    province,
    civilian_status,
    cause,
    deaths,
    children,
    women
from {{ source('staged', 'vdc_deaths_monthly') }}
