-- as_of() must keep every report published on or before the day and nothing after it.
{% set day = var('as_of_test_date', '2018-06-30') %}

with kept as (
    select report_id from {{ as_of('fct_coalition_report', day) }}
),

published as (
    select report_id from {{ ref('fct_coalition_report') }}
    where report_date <= cast('{{ day }}' as date)
)

select coalesce(k.report_id, p.report_id) as report_id
from kept as k
full outer join published as p using (report_id)
where k.report_id is null or p.report_id is null
