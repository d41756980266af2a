-- Airwars incidents, one per code. date_* is when it happened; published_date/first_seen
-- when it became known (known_since = published_date, else the earliest cited source).
with first_seen as (
    select incident_code, min(source_date) as first_seen
    from {{ ref('stg_airwars__source_refs') }}
    group by incident_code
)

select
    {{ incident_key("'Airwars'", 'i.incident_code') }} as incident_key,
    'Airwars' as monitor,
    i.incident_code,
    i.previous_codes,
    i.origin,
    i.date_start,
    i.date_end,
    i.date_precision,
    i.country,
    i.place_key,
    i.location_en,
    i.governorate_en as admin1_en,
    i.latitude,
    i.longitude,
    i.geo_precision,
    i.grading,
    i.strike_status,
    coalesce(i.belligerents, []::varchar[]) as belligerents,
    i.civilian_deaths_min,
    i.civilian_deaths_max,
    i.civilian_injuries_min,
    i.civilian_injuries_max,
    i.children_killed_min,
    i.children_killed_max,
    i.women_killed_min,
    i.women_killed_max,
    i.men_killed_min,
    i.men_killed_max,
    i.source_count,
    i.published_date,
    f.first_seen,
    coalesce(i.published_date, f.first_seen) as known_since,
    i.airwars_url,
    i.quality_flag
from {{ ref('int_airwars_incidents_deduped') }} as i
left join first_seen as f on f.incident_code = i.incident_code
