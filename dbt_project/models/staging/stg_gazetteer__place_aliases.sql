select
    place_key,
    alias,
    script,
    name_en,
    name_ar,
    admin1_en,
    upper(country) as country,
    latitude,
    longitude,
    source
from {{ source('staged', 'place_aliases') }}
where place_key is not null
