select
    cast(d as date) as date_day,
    year(d) as year,
    month(d) as month,
    cast(date_trunc('month', d) as date) as month_start,
    isoyear(d) as iso_year,
    weekofyear(d) as iso_week
from range(
    cast('{{ var("date_spine_start") }}' as date),
    current_date + 1,
    interval 1 day
) as t(d)
