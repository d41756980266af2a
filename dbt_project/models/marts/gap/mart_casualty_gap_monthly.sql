-- The gap between what monitors recorded and what each belligerent conceded, by month.
-- NULL means "not covered", never "none": monitor columns are NULL outside the months the
-- monitor covers in that country, assessment columns NULL where the belligerent assessed
-- nothing that month, strikes NULL where no strike release covers the month.
with incidents as (
    select * from {{ ref('int_incident_belligerents') }}
    where month_start is not null and country is not null
),

monitor_coverage as (
    select country, min(month_start) as first_month, max(month_start) as last_month
    from incidents
    group by country
),

monitor as (
    select
        month_start,
        country,
        belligerent_code,
        count(*) as monitor_incidents,
        sum(civilian_deaths_min) as monitor_deaths_min,
        sum(civilian_deaths_max) as monitor_deaths_max,
        sum(civilian_deaths_min) filter (where grading in ('Fair', 'Confirmed'))
            as monitor_likely_deaths_min,
        sum(civilian_deaths_max) filter (where grading in ('Fair', 'Confirmed'))
            as monitor_likely_deaths_max
    from incidents
    group by all
),

assessed as (
    select
        cast(date_trunc('month', incident_date_start) as date) as month_start,
        country,
        belligerent_code,
        count(*) filter (where assessment = 'credible') as credible_incidents,
        sum(deaths_conceded_min) filter (where assessment = 'credible') as conceded_deaths_min,
        sum(deaths_conceded_max) filter (where assessment = 'credible') as conceded_deaths_max
    from {{ ref('fct_incident_assessment') }}
    where incident_date_start is not null and country is not null
    group by all
),

strike_months as (
    -- a month is covered when any strike release of the month was read
    select distinct cast(date_trunc('month', date_day) as date) as month_start
    from {{ ref('fct_strikes_daily') }}
),

strikes as (
    select
        cast(date_trunc('month', date_day) as date) as month_start,
        country,
        'coalition' as belligerent_code,
        sum(strikes) as strikes
    from {{ ref('fct_strikes_daily') }}
    where country is not null
    group by all
),

grain as (
    select month_start, country, belligerent_code from monitor
    union
    select month_start, country, belligerent_code from assessed
    union
    select month_start, country, belligerent_code from strikes
),

joined as (
    select
        g.month_start,
        g.country,
        g.belligerent_code,
        mc.country is not null as monitor_covers,
        cast(case when mc.country is not null then coalesce(m.monitor_incidents, 0) end as bigint)
            as monitor_incidents,
        cast(case when mc.country is not null then coalesce(m.monitor_deaths_min, 0) end as bigint)
            as monitor_deaths_min,
        cast(case when mc.country is not null then coalesce(m.monitor_deaths_max, 0) end as bigint)
            as monitor_deaths_max,
        cast(case when mc.country is not null then coalesce(m.monitor_likely_deaths_min, 0) end
            as bigint) as monitor_likely_deaths_min,
        cast(case when mc.country is not null then coalesce(m.monitor_likely_deaths_max, 0) end
            as bigint) as monitor_likely_deaths_max,
        cast(a.credible_incidents as bigint) as credible_incidents,
        cast(case when a.credible_incidents is not null then coalesce(a.conceded_deaths_min, 0) end
            as bigint) as conceded_deaths_min,
        cast(case when a.credible_incidents is not null then coalesce(a.conceded_deaths_max, 0) end
            as bigint) as conceded_deaths_max,
        cast(case
            when g.belligerent_code = 'coalition' and sm.month_start is not null
                then coalesce(s.strikes, 0)
        end as bigint) as strikes
    from grain as g
    left join monitor as m using (month_start, country, belligerent_code)
    left join assessed as a using (month_start, country, belligerent_code)
    left join strikes as s using (month_start, country, belligerent_code)
    left join strike_months as sm on sm.month_start = g.month_start
    left join monitor_coverage as mc
        on mc.country = g.country and g.month_start between mc.first_month and mc.last_month
)

select
    md5(cast(month_start as varchar) || '|' || country || '|' || belligerent_code) as gap_key,
    month_start,
    country,
    belligerent_code,
    monitor_incidents,
    monitor_deaths_min,
    monitor_deaths_max,
    monitor_likely_deaths_min,
    monitor_likely_deaths_max,
    credible_incidents,
    conceded_deaths_min,
    conceded_deaths_max,
    strikes,
    monitor_likely_deaths_min - conceded_deaths_max as gap_min,
    monitor_likely_deaths_max - conceded_deaths_min as gap_max
from joined
