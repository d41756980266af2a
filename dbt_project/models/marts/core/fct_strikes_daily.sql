-- Declared coalition strikes per day x country x place; stated daily totals are left out
-- so they are not counted twice, and unplaced rows keep a NULL place.
select
    md5(cast(date_day as varchar) || '|' || coalesce(country, '') || '|' || coalesce(place_key, ''))
        as strike_day_key,
    date_day,
    country,
    place_key,
    cast(sum(strike_count) as bigint) as strikes,
    count(*) as release_rows
from {{ ref('stg_coalition__strikes') }}
where not is_daily_total and date_day is not null
group by date_day, country, place_key
