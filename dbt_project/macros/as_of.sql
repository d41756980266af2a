{#
  Two time axes. Every fact keeps when the event happened and when the figure became public.
  as_of(model, as_of_date) selects the rows of a fact that were public on as_of_date, so an
  analyst can ask what the coalition had admitted, or monitors had recorded, on any day:

      select * from {{ as_of('fct_coalition_report', '2018-06-30') }}

  Rows whose publication date is unknown (NULL) are never "known as of" any date.
  The same questions are answerable outside dbt through the DuckDB table macros that
  create_as_of_macros() installs in the warehouse (see README.md).
#}

{% macro published_column(model) -%}
    {%- set columns = {
        'fct_coalition_report': 'report_date',
        'fct_coalition_admission': 'statement_date',
        'fct_incident_assessment': 'statement_date',
        'fct_incident': 'known_since',
        'fct_casualty_claim': 'published_date',
        'fct_observatory_count': 'published_date',
        'fct_strikes_daily': 'date_day',
        'mart_coalition_admissions': 'report_date',
    } -%}
    {%- if model not in columns -%}
        {{ exceptions.raise_compiler_error("as_of: no publication column known for " ~ model) }}
    {%- endif -%}
    {{ columns[model] }}
{%- endmacro %}

{% macro as_of(model, as_of_date) -%}
    (select * from {{ ref(model) }}
     where {{ published_column(model) }} <= cast('{{ as_of_date }}' as date))
{%- endmacro %}

{% macro create_as_of_macros() %}
    {#- Persisted DuckDB table macros, so BI tools can ask the same question in plain SQL. -#}
    {% if execute %}
    {% set macros = [
        ('coalition_admitted_as_of', 'fct_coalition_report', 'report_date'),
        ('assessments_as_of', 'fct_incident_assessment', 'statement_date'),
        ('monitor_recorded_as_of', 'fct_incident', 'known_since'),
        ('claims_published_as_of', 'fct_casualty_claim', 'published_date'),
        ('coalition_totals_as_of', 'fct_coalition_admission', 'statement_date'),
    ] %}
    {% for name, table, column in macros %}
        {% if adapter.get_relation(database=target.database, schema=target.schema, identifier=table) %}
            {% do run_query(
                "create or replace macro " ~ name ~ "(d) as table select * from "
                ~ target.schema ~ "." ~ table ~ " where " ~ column ~ " <= cast(d as date)"
            ) %}
        {% endif %}
    {% endfor %}
    {% endif %}
{% endmacro %}
