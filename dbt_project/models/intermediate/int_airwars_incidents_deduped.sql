-- One row per incident code: the CSV export is the fullest record, then the archived JSON,
-- then the HTML page.
select *
from {{ ref('stg_airwars__incidents') }}
where incident_code is not null
qualify row_number() over (
    partition by incident_code
    order by case origin when 'csv' then 1 when 'json' then 2 when 'html' then 3 else 4 end,
        published_date desc nulls last, source
) = 1
