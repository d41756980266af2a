-- Counts published by observatories: VDC's tables, and SOHR/SNHR figures via claims, whose
-- document gives the publication date.
with source_names as (
    select distinct raw_name_norm, source_key from {{ ref('int_source_names') }}
)

select
    o.count_id,
    s.source_key,
    o.observatory,
    o.origin,
    o.period_start,
    o.period_end,
    o.country,
    o.admin1_en,
    o.cause,
    o.civilians,
    o.children,
    o.women,
    o.total,
    o.claim_id,
    d.published_date
from {{ ref('stg_observatory__counts') }} as o
left join source_names as s on s.raw_name_norm = {{ normalise_name('o.observatory') }}
left join {{ ref('stg_news__claims') }} as c on c.claim_id = o.claim_id
left join {{ ref('dim_document') }} as d on d.doc_id = c.doc_id
