"""What `civcas run` prints: where the warehouse is and a few headline figures."""

from __future__ import annotations

from pathlib import Path

from expectations.contract import CONTRACT
from ingestion.settings import Settings


def _table(rows: list[tuple], header: list[str]) -> str:
    cells = [header] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def headline(settings: Settings) -> str:
    path = settings.warehouse_path
    if not path.exists():
        return f"No published warehouse at {path}."
    con = settings.duckdb_connect(path, read_only=True)
    try:
        out = [
            f"Published warehouse: {path} (open it read-only)",
            f"Marts as Parquet: {settings.lake.rstrip('/')}/marts/",
            "",
        ]
        counts = [(t, con.execute(f"select count(*) from {t}").fetchone()[0]) for t in CONTRACT]
        out.append(_table(counts, ["table", "rows"]))
        latest = con.execute("""
            select report_date, month_covered, cumulative_deaths, cumulative_strikes
            from mart_coalition_admissions where cumulative_deaths is not null
            order by month_covered desc nulls last, report_date desc nulls last limit 1
        """).fetchone()
        if latest:
            out.append(
                f"\nCoalition's latest running total: at least {latest[2]:,} civilians "
                f"(report {latest[0]}, month {latest[1]})"
                + (f", {latest[3]:,} strikes" if latest[3] else "")
            )
        mon = con.execute("""
            select sum(monitor_incidents), sum(monitor_likely_deaths_min),
                   sum(monitor_likely_deaths_max), sum(conceded_deaths_min)
            from mart_casualty_gap_monthly where belligerent_code = 'coalition'
        """).fetchone()
        if mon and mon[0]:
            out.append(
                f"Monitor incidents with the coalition among belligerents: {mon[0]:,}; "
                f"likely civilian deaths {mon[1] or 0:,}-{mon[2] or 0:,}; "
                f"conceded by the coalition: {mon[3] or 0:,}"
            )
        findings = con.execute("""select severity, count(*) from mart_data_quality_findings
                                  group by 1 order by 1""").fetchall()
        out.append(
            "Data-quality findings: " + (", ".join(f"{n} {s}" for s, n in findings) or "none")
        )
        out.append("")
        # the straight-from-CSV comparison only means something on the real corpus
        out.append(
            coalition_syria_gap(con, settings.shared if settings.sources == "corpus" else None)
        )
    finally:
        con.close()
    return "\n".join(out)


def coalition_syria_gap(con, shared: Path | None) -> str:
    """The coalition's monthly gap in Syria, 2016-2019, beside figures computed straight from
    the Airwars CSV and the coalition's statements (when the real corpus is at hand)."""
    rows = con.execute("""
        select strftime(month_start, '%Y-%m') as month, monitor_incidents,
               monitor_likely_deaths_min, monitor_likely_deaths_max,
               conceded_deaths_min, conceded_deaths_max, gap_min, gap_max
        from mart_casualty_gap_monthly
        where belligerent_code = 'coalition' and country = 'SY'
          and month_start between '2016-01-01' and '2019-12-01'
        order by month_start
    """).fetchall()
    if not rows:
        return "Coalition gap in Syria 2016-2019: no rows in this registry's data."
    direct = {}
    if shared is not None:
        incidents = shared / "corpus" / "ngo" / "airwars_syria_incidents.csv"
        statements = shared / "corpus" / "coalition" / "cjtf_oir_incident_statements.csv"
    if shared is not None and incidents.exists() and statements.exists():
        q = f"""
            with aw as (
              select strftime(try_cast(incident_date as date), '%Y-%m') as month,
                     sum(try_cast(civilian_deaths_min as int)) as dmin,
                     sum(try_cast(civilian_deaths_max as int)) as dmax
              from read_csv('{incidents}', all_varchar = true)
              where belligerent like '%Coalition%' and grading in ('Fair', 'Confirmed')
              group by 1),
            st as (
              select strftime(try_cast(incident_date as date), '%Y-%m') as month,
                     sum(try_cast(civilian_deaths_conceded_min as int)) as cmin,
                     sum(try_cast(civilian_deaths_conceded_max as int)) as cmax
              from (select distinct incident_code, incident_date, civilian_deaths_conceded_min,
                           civilian_deaths_conceded_max
                    from read_csv('{statements}', all_varchar = true)
                    where belligerent_assessment = 'credible')
              group by 1)
            select coalesce(aw.month, st.month), aw.dmin, aw.dmax, st.cmin, st.cmax
            from aw full outer join st on aw.month = st.month
        """
        direct = {r[0]: r[1:] for r in con.execute(q).fetchall()}
    table = []
    for r in rows:
        d = direct.get(r[0], (None,) * 4)
        table.append((*r, *d))
    header = [
        "month",
        "incidents",
        "likely_min",
        "likely_max",
        "conceded_min",
        "conceded_max",
        "gap_min",
        "gap_max",
        "csv_likely_min",
        "csv_likely_max",
        "stmt_conceded_min",
        "stmt_conceded_max",
    ]
    return (
        "Coalition in Syria, monthly, 2016-2019 (warehouse vs computed straight from the "
        "CSVs):\n" + _table(table, header)
    )
