-- The VDC casualty list, counted by month x province x civilian status (no names kept).
select
    md5(cast(month_start as varchar) || '|' || coalesce(province, '') || '|'
        || coalesce(civilian_status, '') || '|' || coalesce(cause, '')) as vdc_month_key,
    month_start,
    province as admin1_en,
    'SY' as country,
    civilian_status,
    cause,
    cast(sum(deaths) as bigint) as deaths,
    cast(sum(children) as bigint) as children,
    cast(sum(women) as bigint) as women
from {{ ref('stg_vdc__deaths_monthly') }}
group by all
