-- Every rule the data broke, at any stage. A plain table: the orchestration appends the
-- warehouse checks' results after dbt runs, so the columns are exactly the contract's plus source.
select
    checked_at,
    stage,
    rule,
    entity,
    entity_id,
    observed,
    expected,
    severity,
    source
from {{ ref('stg_quality__findings') }}

union all

select
    current_timestamp,
    'staged',
    rule,
    table_name,
    entity_id,
    reason,
    'row held back in quarantine',
    'error',
    source
from {{ ref('stg_quality__quarantine') }}

union all

select
    current_timestamp,
    'warehouse',
    rule,
    'coalition_monthly_reports',
    report_id,
    cast(observed as varchar),
    cast(expected as varchar),
    severity,
    'CJTF-OIR'
from {{ ref('int_coalition_identity_breaks') }}

union all

select
    current_timestamp,
    'warehouse',
    rule,
    'incident_assessment',
    incident_code,
    observed,
    expected,
    severity,
    'CJTF-OIR'
from {{ ref('int_assessment_disagreements') }}
