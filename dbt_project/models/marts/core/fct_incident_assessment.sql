-- One belligerent's assessment of one incident. For the coalition its own report (latest
-- verdict) wins over Airwars' reading of it; the disagreements are findings.
with ranked as (
    select
        a.*,
        row_number() over (
            partition by a.incident_code, a.belligerent_code
            order by case a.assessment_origin when 'coalition_reports' then 1 else 2 end
        ) as pick
    from {{ ref('int_assessments_unioned') }} as a
)

select
    md5(i.incident_key || '|' || r.belligerent_code) as assessment_key,
    i.incident_key,
    r.incident_code,
    r.belligerent_code,
    r.assessment,
    r.reason,
    r.deaths_conceded_min,
    r.deaths_conceded_max,
    r.statement_date,
    r.statement_url,
    r.assessment_origin,
    i.date_start as incident_date_start,
    i.country
from ranked as r
inner join {{ ref('fct_incident') }} as i on i.incident_code = r.incident_code
where r.pick = 1
