-- Every spelling of every place key any source carries; the gazetteer's own rows rank first.
select place_key, name_en, name_ar, admin1_en, country, latitude, longitude, 1 as priority
from {{ ref('stg_gazetteer__place_aliases') }}
union all
select place_key, location_en, location_ar, governorate_en, country, latitude, longitude, 2
from {{ ref('stg_airwars__incidents') }}
where place_key is not null
union all
select place_key, place_name, null, null, country, latitude, longitude, 3
from {{ ref('stg_coalition__strikes') }}
where place_key is not null
union all
select place_key, place_as_written, null, null, country, latitude, longitude, 4
from {{ ref('stg_coalition__incident_verdicts') }}
where place_key is not null
