select
    checked_at,
    stage,
    rule,
    entity,
    entity_id,
    observed,
    expected,
    lower(severity) as severity,
    source
from {{ source('staged', 'findings') }}
