select
    source_key,
    coalesce(mode(name) filter (where type_priority = 1), mode(name)) as name,
    coalesce(
        mode(source_type) filter (where type_priority = 1),
        mode(source_type) filter (where source_type <> 'media'),
        mode(source_type)
    ) as source_type,
    count(distinct raw_name_norm) as spellings_seen
from {{ ref('int_source_names') }}
group by source_key
