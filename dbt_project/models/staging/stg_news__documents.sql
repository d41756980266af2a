select
    doc_id,
    source,
    sha256,
    url,
    title,
    nullif(trim(publisher), '') as publisher,
    lower(language) as language,
    published_date,
    published_precision,
    n_chars
from {{ source('staged', 'documents') }}
