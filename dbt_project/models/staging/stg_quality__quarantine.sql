select
    table_name,
    source,
    entity_id,
    rule,
    reason,
    record
from {{ source('staged', 'quarantine') }}
