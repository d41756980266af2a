-- Every belligerent's assessment from Airwars' file, plus the coalition's verdicts read from
-- its own reports (latest report per incident). Both are kept; fct_incident_assessment picks.
with airwars as (
    select
        incident_code,
        belligerent_code,
        'airwars_assessments' as assessment_origin,
        case assessment when 'open_incident' then 'open' else assessment end as assessment,
        reason,
        deaths_conceded_min,
        deaths_conceded_max,
        cast(null as date) as statement_date,
        strike_report_url as statement_url
    from {{ ref('stg_airwars__assessments') }}
    where incident_code is not null and belligerent_code is not null
    qualify row_number() over (
        partition by incident_code, belligerent_code
        order by assessment, strike_report_url
    ) = 1
),

coalition_reports as (
    select
        incident_code,
        'coalition' as belligerent_code,
        'coalition_reports' as assessment_origin,
        verdict as assessment,
        reason_code as reason,
        case when verdict = 'credible' then civilians_killed end as deaths_conceded_min,
        case when verdict = 'credible' then civilians_killed_max end as deaths_conceded_max,
        report_date as statement_date,
        report_url as statement_url
    from {{ ref('stg_coalition__incident_verdicts') }}
    where incident_code is not null and verdict is not null
    qualify row_number() over (
        partition by incident_code
        order by report_date desc nulls last, line_id
    ) = 1
)

select * from airwars
union all
select * from coalition_reports
