-- Where two rows cover one month, the fact keeps one: the coalition's own release beats a
-- copy, then the later report; undated rows keep their NULL date and lose to dated ones.
with ranked as (
    select
        *,
        count(*) over (partition by month_covered) as rows_for_month,
        row_number() over (
            partition by coalesce(cast(month_covered as varchar), report_id)
            order by is_coalition_release desc, report_date desc nulls last, report_id
        ) as choice_rank
    from {{ ref('stg_coalition__monthly_reports') }}
)

select * exclude (choice_rank)
from ranked
where choice_rank = 1
