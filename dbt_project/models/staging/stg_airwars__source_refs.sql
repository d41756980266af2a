select
    trim(incident_code) as incident_code,
    source,
    source_order,
    nullif(trim(source_name), '') as source_name,
    author,
    language,
    platform,
    source_date,
    source_url,
    archive_url
from {{ source('staged', 'airwars_source_refs') }}
