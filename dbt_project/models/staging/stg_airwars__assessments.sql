select
    trim(incident_code) as incident_code,
    source,
    incident_date,
    lower(belligerent_code) as belligerent_code,
    belligerent_raw,
    lower(assessment) as assessment,
    reason,
    deaths_conceded_min,
    deaths_conceded_max,
    injuries_conceded_min,
    injuries_conceded_max,
    location_description,
    mgrs,
    latitude,
    longitude,
    strike_report_url,
    strike_report_text
from {{ source('staged', 'airwars_assessments') }}
