"""A small hand-built staged zone for warehouse tests, written by the team (no real rows).

Each table is conformed with ingestion.schemas.conform and written where the orchestration
writes it: {root}/{table}/part-0.parquet. The figures are chosen so every rule of the
warehouse is exercised once: a month covered by two reports, a broken identity, a month
without a strike release, an incident seen in two origins, a coalition verdict that
disagrees with Airwars' reading, an undated incident.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from ingestion.schemas import STAGED, conform, empty

D = date


def _incident(code, origin, start, country, belligerents, grading, dmin, dmax, **kw):
    return {
        "incident_code": code,
        "source": f"airwars_{origin}",
        "origin": origin,
        "date_start": start,
        "date_end": kw.pop("end", start),
        "country": country,
        "belligerents": belligerents,
        "grading": grading,
        "civilian_deaths_min": dmin,
        "civilian_deaths_max": dmax,
        **kw,
    }


def build_staged_frames() -> dict[str, pl.DataFrame]:
    incidents = [
        _incident(
            "TS9001",
            "csv",
            D(2017, 3, 5),
            "SY",
            ["coalition"],
            "Fair",
            2,
            4,
            place_key="sy-raqqa",
            location_en="Raqqa",
            published_date=D(2017, 3, 20),
        ),
        # the same code from the JSON archive: the CSV row must win
        _incident(
            "TS9001",
            "json",
            D(2017, 3, 5),
            "SY",
            ["coalition"],
            "Fair",
            9,
            9,
            place_key="sy-raqqa",
            published_date=D(2017, 3, 21),
        ),
        _incident(
            "TS9002",
            "csv",
            D(2017, 3, 20),
            "SY",
            ["coalition", "russia"],
            "Confirmed",
            5,
            7,
            place_key="sy-tabqa",
            published_date=D(2017, 4, 2),
        ),
        _incident(
            "TS9003",
            "csv",
            D(2017, 3, 28),
            "SY",
            ["russia"],
            "Weak",
            1,
            3,
            published_date=D(2017, 4, 5),
        ),
        _incident(
            "TS9004",
            "csv",
            D(2017, 4, 2),
            "SY",
            ["coalition"],
            "Contested",
            0,
            1,
            end=D(2017, 5, 2),
            published_date=D(2017, 5, 10),
        ),
        _incident(
            "TS9005",
            "csv",
            D(2017, 5, 10),
            "IQ",
            ["coalition"],
            "Confirmed",
            3,
            3,
            place_key="iq-mosul",
            published_date=D(2017, 6, 1),
        ),
        _incident(
            "TS9006",
            "html",
            D(2017, 5, 15),
            "SY",
            ["coalition"],
            "Fair",
            10,
            12,
            place_key="sy-raqqa",
            published_date=None,
        ),
        _incident(
            "TS9007", "csv", None, "SY", ["coalition"], "Fair", 4, 4, published_date=D(2017, 7, 1)
        ),
    ]
    assessments = [
        {
            "incident_code": "TS9001",
            "belligerent_code": "coalition",
            "assessment": "credible",
            "deaths_conceded_min": 2,
            "deaths_conceded_max": 2,
        },
        {
            "incident_code": "TS9002",
            "belligerent_code": "coalition",
            "assessment": "non_credible",
            "reason": "insufficient_information",
        },
        {"incident_code": "TS9002", "belligerent_code": "russia", "assessment": "not_yet_assessed"},
        {"incident_code": "TS9004", "belligerent_code": "coalition", "assessment": "duplicate"},
        {
            "incident_code": "TS9005",
            "belligerent_code": "coalition",
            "assessment": "credible",
            "deaths_conceded_min": 1,
            "deaths_conceded_max": 3,
        },
        {"incident_code": "TS9006", "belligerent_code": "coalition", "assessment": "open"},
    ]
    for a in assessments:
        a["source"] = "airwars_assessments"
    verdicts = [
        # agrees with Airwars' file
        {
            "line_id": "v1",
            "incident_code": "TS9001",
            "report_date": D(2017, 6, 1),
            "verdict": "credible",
            "civilians_killed": 2,
            "country": "SY",
        },
        # the coalition's own report says credible where Airwars' file says non_credible
        {
            "line_id": "v2",
            "incident_code": "TS9002",
            "report_date": D(2017, 7, 1),
            "verdict": "credible",
            "civilians_killed": 1,
            "country": "SY",
        },
    ]
    for v in verdicts:
        v |= {"source": "cjtf_oir_statements", "report_url": f"https://example.org/{v['line_id']}"}

    def report(rid, month, rdate, own, co, rec, comp, cred, non, dup, op, deaths, cum, strikes):
        return {
            "report_id": rid,
            "source": "cjtf_oir_monthly",
            "origin": "curated_csv",
            "is_coalition_release": own,
            "report_date": rdate,
            "month_covered": month,
            "reports_carried_over": co,
            "reports_received": rec,
            "reports_completed": comp,
            "credible": cred,
            "non_credible": non,
            "duplicates": dup,
            "open_at_end": op,
            "deaths_in_credible": deaths,
            "cumulative_deaths": cum,
            "cumulative_strikes": strikes,
            "strikes_period_end": month,
        }

    reports = [
        report("r-2017-02", D(2017, 2, 1), D(2017, 3, 30), True, 8, 6, 4, 1, 2, 1, 10, 2, 96, 900),
        # two rows for March: the coalition's own release beats the later copy
        report(
            "r-2017-03-copy",
            D(2017, 3, 1),
            D(2017, 4, 30),
            False,
            10,
            5,
            6,
            2,
            3,
            1,
            9,
            4,
            101,
            1000,
        ),
        report(
            "r-2017-03-own", D(2017, 3, 1), D(2017, 4, 28), True, 10, 5, 6, 2, 3, 1, 9, 4, 100, 1000
        ),
        report(
            "r-2017-04", D(2017, 4, 1), D(2017, 5, 31), True, 9, 4, 3, 1, 1, 1, 10, 5, 105, 1100
        ),
        # May breaks the running total: 105 + 3 = 108, published 110
        report(
            "r-2017-05", D(2017, 5, 1), D(2017, 6, 30), True, 10, 2, 2, 1, 1, 0, 10, 3, 110, 1150
        ),
        # an undated copy keeps its NULL date
        report("r-2017-06", D(2017, 6, 1), None, False, 10, 0, 0, 0, 0, 0, 10, 0, 110, 1200),
    ]
    # a running total stated between two monthly reports
    admissions = [
        {
            "source": "cjtf_oir_cumulative",
            "date": D(2017, 5, 15),
            "cumulative_deaths": 103,
            "source_url": "https://example.org/statement",
        },
    ]
    strikes = [
        {
            "row_id": "s1",
            "date_day": D(2017, 3, 1),
            "country": "SY",
            "place_key": "sy-raqqa",
            "strike_count": 3,
        },
        {
            "row_id": "s2",
            "date_day": D(2017, 3, 1),
            "country": "SY",
            "place_key": None,
            "strike_count": 2,
        },
        {
            "row_id": "s3",
            "date_day": D(2017, 3, 1),
            "country": "SY",
            "strike_count": 5,
            "is_daily_total": True,
        },
        {
            "row_id": "s4",
            "date_day": D(2017, 3, 15),
            "country": "IQ",
            "place_key": "iq-mosul",
            "strike_count": 4,
        },
        {
            "row_id": "s5",
            "date_day": D(2017, 5, 2),
            "country": "SY",
            "place_key": "sy-raqqa",
            "strike_count": 6,
        },
    ]
    for s in strikes:
        s.setdefault("is_daily_total", False)
        s["source"] = "cjtf_oir_strikes"
    places = [
        {
            "place_key": "sy-raqqa",
            "alias": "Raqqa",
            "script": "latin",
            "name_en": "Raqqa",
            "name_ar": "الرقة",
            "admin1_en": "Raqqa",
            "country": "SY",
            "latitude": 35.95,
            "longitude": 39.01,
        },
        {
            "place_key": "sy-raqqa",
            "alias": "Ar-Raqqah",
            "script": "latin",
            "name_en": "Raqqa",
            "admin1_en": "Raqqa",
            "country": "SY",
        },
        {
            "place_key": "sy-tabqa",
            "alias": "Tabqa",
            "script": "latin",
            "name_en": "Tabqa",
            "admin1_en": "Raqqa",
            "country": "SY",
            "latitude": 35.84,
            "longitude": 38.55,
        },
        {
            "place_key": "iq-mosul",
            "alias": "Mosul",
            "script": "latin",
            "name_en": "Mosul",
            "name_ar": "الموصل",
            "admin1_en": "Nineveh",
            "country": "IQ",
            "latitude": 36.34,
            "longitude": 43.13,
        },
    ]
    for p in places:
        p["source"] = "gazetteer"
    documents = [
        {
            "doc_id": "doc-a",
            "source": "news_dev",
            "sha256": "a" * 64,
            "url": "https://example.org/a",
            "publisher": "Syrian Observatory for Human Rights",
            "language": "en",
            "published_date": D(2017, 3, 10),
            "published_precision": "day",
            "n_chars": 120,
            "text": "A team-written note: twelve civilians were killed in Raqqa by coalition strikes.",
        },
    ]
    claims = [
        {
            "claim_id": "claim-a1",
            "doc_id": "doc-a",
            "source": "news_dev",
            "char_start": 20,
            "char_end": 26,
            "numeral": "twelve",
            "quote": "twelve civilians were killed",
            "language": "en",
            "measure": "killed",
            "victims": "civilians",
            "count_low": 12,
            "count_high": 12,
            "qualifier": "exact",
            "perpetrator": "coalition",
            "attributed_to": "SOHR",
            "source_type": "observatory",
            "place": "Raqqa",
            "country": "SY",
            "period_start": D(2017, 3, 9),
            "period_end": D(2017, 3, 9),
        },
    ]
    observatory = [
        {
            "count_id": "vdc-w1",
            "source": "vdc_weekly",
            "observatory": "VDC",
            "origin": "table",
            "period_start": D(2017, 3, 6),
            "period_end": D(2017, 3, 12),
            "country": "SY",
            "admin1_en": "Raqqa",
            "civilians": 30,
            "total": 41,
        },
        {
            "count_id": "sohr-c1",
            "source": "news_dev",
            "observatory": "SOHR",
            "origin": "claim",
            "period_start": D(2017, 3, 9),
            "period_end": D(2017, 3, 9),
            "country": "SY",
            "civilians": 12,
            "claim_id": "claim-a1",
        },
    ]
    vdc = [
        {
            "source": "vdc_list",
            "month_start": D(2013, 1, 1),
            "province": "Raqqa",
            "civilian_status": "civilian",
            "cause": "Warplane shelling",
            "deaths": 7,
        },
        {
            "source": "vdc_list",
            "month_start": D(2013, 1, 1),
            "province": "Raqqa",
            "civilian_status": "non_civilian",
            "cause": "Shooting",
            "deaths": 2,
        },
    ]
    findings = [
        {
            "checked_at": datetime(2026, 1, 1, tzinfo=UTC),
            "stage": "staged",
            "rule": "coordinates_inside_country",
            "entity": "airwars_incidents",
            "entity_id": "TS9003",
            "observed": "no coordinates",
            "expected": "inside SY",
            "severity": "warning",
            "source": "airwars_csv",
        },
    ]
    quarantine = [
        {
            "table_name": "airwars_incidents",
            "source": "airwars_csv",
            "entity_id": "TS9099",
            "rule": "date_not_placeholder",
            "reason": "date_start is 1970-01-01",
            "record": '{"incident_code": "TS9099", "date_start": "1970-01-01"}',
        },
    ]
    rows = {
        "airwars_incidents": incidents,
        "airwars_assessments": assessments,
        "coalition_incident_verdicts": verdicts,
        "coalition_monthly_reports": reports,
        "coalition_cumulative_admissions": admissions,
        "coalition_strikes": strikes,
        "place_aliases": places,
        "documents": documents,
        "claims": claims,
        "observatory_counts": observatory,
        "vdc_deaths_monthly": vdc,
        "findings": findings,
        "quarantine": quarantine,
    }
    frames = {}
    for table, schema in STAGED.items():
        data = rows.get(table)
        if not data:
            frames[table] = empty(table)
            continue
        cols = {k for r in data for k in r}
        sub = {k: v for k, v in schema.items() if k in cols}
        frames[table] = conform(table, pl.DataFrame(data, schema=sub, orient="row"))
    return frames


def write_staged(
    root: Path, frames: dict[str, pl.DataFrame] | None = None, all_empty: bool = False
) -> Path:
    """Write every staged table as {root}/{table}/part-0.parquet (empty ones keep the schema)."""
    frames = build_staged_frames() if frames is None else frames
    for table in STAGED:
        out = root / table
        out.mkdir(parents=True, exist_ok=True)
        df = empty(table) if all_empty else frames.get(table, empty(table))
        df.write_parquet(out / "part-0.parquet")
    return root
