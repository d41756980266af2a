with documents as (
    select *
    from {{ ref('stg_news__documents') }}
    where doc_id is not null
    qualify row_number() over (partition by doc_id order by published_date desc nulls last, sha256) = 1
),

source_names as (
    select distinct raw_name_norm, source_key from {{ ref('int_source_names') }}
)

select
    {{ document_key('d.doc_id') }} as document_key,
    d.doc_id,
    s.source_key,
    d.publisher,
    d.source as registry_source,
    d.url,
    d.title,
    d.language,
    d.published_date,
    d.published_precision,
    d.sha256,
    d.n_chars
from documents as d
left join source_names as s on s.raw_name_norm = {{ normalise_name('d.publisher') }}
