-- One row per place key; the best name is the commonest spelling, the gazetteer's first.
select
    place_key,
    coalesce(mode(name_en) filter (where priority = 1), mode(name_en)) as name_en,
    coalesce(mode(name_ar) filter (where priority = 1), mode(name_ar)) as name_ar,
    coalesce(mode(admin1_en) filter (where priority = 1), mode(admin1_en)) as admin1_en,
    coalesce(mode(country) filter (where priority = 1), mode(country)) as country,
    coalesce(median(latitude) filter (where priority = 1), median(latitude)) as latitude,
    coalesce(median(longitude) filter (where priority = 1), median(longitude)) as longitude,
    count(*) as spellings_seen
from {{ ref('int_place_names') }}
group by place_key
