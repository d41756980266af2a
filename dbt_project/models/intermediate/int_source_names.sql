-- Every organisation name seen anywhere, mapped to one canonical name (seed source_aliases)
-- so that "Syrian Observatory for Human Rights" and "SOHR" share one key.
with seen as (
    select 'CJTF-OIR' as raw_name, 'coalition' as type_hint
    union all select 'Airwars', 'ngo'
    union all select observatory, 'observatory' from {{ ref('stg_observatory__counts') }}
    union all select publisher, 'media' from {{ ref('stg_news__documents') }}
    union all select attributed_to, source_type from {{ ref('stg_news__claims') }}
    union all select source_name, 'media' from {{ ref('stg_airwars__source_refs') }}
),

mapped as (
    select
        {{ normalise_name('s.raw_name') }} as raw_name_norm,
        coalesce(a.canonical_name, trim(regexp_replace(s.raw_name, '\s+', ' ', 'g'))) as name,
        coalesce(a.source_type, s.type_hint) as source_type,
        case when a.alias is not null then 1 else 2 end as type_priority
    from seen as s
    left join {{ ref('source_aliases') }} as a
        on {{ normalise_name('s.raw_name') }} = a.alias
    where nullif(trim(s.raw_name), '') is not null
)

select
    raw_name_norm,
    {{ name_key('name') }} as source_key,
    name,
    source_type,
    type_priority
from mapped
