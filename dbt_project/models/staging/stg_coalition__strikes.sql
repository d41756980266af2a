select
    row_id,
    source,
    date_day,
    upper(country) as country,
    location_raw,
    place_key,
    place_name,
    strike_count,
    target_type,
    target_count,
    effect,
    coalesce(is_daily_total, false) as is_daily_total,
    source_file,
    page,
    latitude,
    longitude
from {{ source('staged', 'coalition_strikes') }}
