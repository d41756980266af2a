-- Where the coalition's own report and Airwars' file both assess an incident for the
-- coalition, they must agree on the verdict and, for credible ones, the deaths conceded.
with a as (
    select * from {{ ref('int_assessments_unioned') }}
    where belligerent_code = 'coalition' and assessment_origin = 'airwars_assessments'
),

r as (
    select * from {{ ref('int_assessments_unioned') }}
    where assessment_origin = 'coalition_reports'
)

select
    r.incident_code,
    case when r.assessment is distinct from a.assessment
        then 'coalition_verdict_agrees_with_airwars'
        else 'coalition_conceded_deaths_agree_with_airwars'
    end as rule,
    r.assessment || coalesce(' deaths=' || r.deaths_conceded_max, '') as observed,
    a.assessment || coalesce(' deaths=' || a.deaths_conceded_min, '')
        || coalesce('-' || a.deaths_conceded_max, '') as expected,
    r.statement_date,
    'warning' as severity
from r
inner join a on a.incident_code = r.incident_code
where r.assessment is distinct from a.assessment
   or (r.assessment = 'credible'
       and r.deaths_conceded_max is not null
       and a.deaths_conceded_max is not null
       and r.deaths_conceded_max not between coalesce(a.deaths_conceded_min, a.deaths_conceded_max)
           and a.deaths_conceded_max)
