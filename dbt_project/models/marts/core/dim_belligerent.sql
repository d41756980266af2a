-- The claim contract's perpetrator codes, plus any code a source used that the seed lacks.
with seen as (
    select distinct b as belligerent_code
    from {{ ref('stg_airwars__incidents') }}, unnest(belligerents) as t(b)
    union
    select distinct belligerent_code from {{ ref('stg_airwars__assessments') }}
    union
    select distinct perpetrator from {{ ref('stg_news__claims') }}
)

select belligerent_code, name, true as in_claim_contract
from {{ ref('belligerents') }}
union all
select belligerent_code, belligerent_code, false
from seen
where belligerent_code is not null
  and belligerent_code not in (select belligerent_code from {{ ref('belligerents') }})
