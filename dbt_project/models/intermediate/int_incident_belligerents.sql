-- One row per incident x belligerent among its belligerents, in the month it starts.
select
    i.incident_key,
    i.incident_code,
    b.belligerent_code,
    i.date_start,
    cast(date_trunc('month', i.date_start) as date) as month_start,
    i.country,
    i.grading,
    i.civilian_deaths_min,
    i.civilian_deaths_max
from {{ ref('fct_incident') }} as i,
    unnest(list_distinct(i.belligerents)) as b(belligerent_code)
where b.belligerent_code is not null
