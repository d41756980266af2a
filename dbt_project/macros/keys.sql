{# Deterministic keys: the same input gives the same key in every build and every warehouse. #}

{% macro normalise_name(expr) -%}
    lower(trim(regexp_replace({{ expr }}, '\s+', ' ', 'g')))
{%- endmacro %}

{% macro name_key(expr) -%}
    md5({{ normalise_name(expr) }})
{%- endmacro %}

{% macro incident_key(monitor, code) -%}
    md5(lower({{ monitor }}) || '|' || {{ code }})
{%- endmacro %}

{% macro document_key(doc_id) -%}
    md5('doc|' || {{ doc_id }})
{%- endmacro %}
