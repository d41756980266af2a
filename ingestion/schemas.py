"""Staged-zone table shapes: the one agreement between parsers (ingestion/) and dbt models.

Every parser returns frames whose columns are a superset-free subset of these; `conform`
adds missing columns as typed nulls and orders them, so dbt sources always see the same
shape even when a source produced nothing for a table.
"""

from __future__ import annotations

import polars as pl

S, I, F, D, B = pl.String, pl.Int64, pl.Float64, pl.Date, pl.Boolean  # noqa: E741
LS = pl.List(pl.String)

STAGED: dict[str, dict[str, pl.DataType]] = {
    # Coalition (CJTF-OIR) ------------------------------------------------------------
    # One line of a monthly/periodic civilian-casualty report: one verdict on one incident.
    "coalition_incident_verdicts": {
        "line_id": S,  # stable id: sha1 of report_url + statement text (first 16 hex)
        "source": S,
        "incident_code": S,  # Airwars code when the source row carries one
        "report_date": D,
        "report_url": S,
        "report_number": S,
        "incident_date_start": D,
        "incident_date_end": D,
        "date_precision": S,  # day | range | month | year | unknown
        "place_as_written": S,
        "place_key": S,
        "country": S,  # IQ | SY
        "allegation_via": S,  # airwars | self_report | social_media | media | ngo | open_source | other
        "verdict": S,  # credible | non_credible | duplicate | open
        "reason_code": S,
        "civilians_killed": I,
        "civilians_killed_max": I,
        "civilians_injured": I,
        "mgrs": S,
        "latitude": F,
        "longitude": F,
        "statement_text": S,
        "recorded_assessment": S,  # Airwars' reading beside the line (comparison only)
        "recorded_deaths_min": I,
        "recorded_deaths_max": I,
    },
    # Monthly flow and running totals, from report text or the curated CSV.
    "coalition_monthly_reports": {
        "report_id": S,
        "source": S,
        "origin": S,  # curated_csv | report_text
        "is_coalition_release": B,  # the coalition's own release (True) or a copy (False)
        "report_date": D,  # NULL when undated: never invented
        "month_covered": D,  # first day of the month
        "reports_carried_over": I,
        "reports_received": I,
        "reports_completed": I,
        "credible": I,
        "non_credible": I,
        "duplicates": I,
        "open_at_end": I,
        "deaths_in_credible": I,
        "cumulative_deaths": I,
        "cumulative_strikes": I,
        "strikes_period_end": D,
        "cumulative_engagements": I,
        "revision_stated": B,
        "source_url": S,
        "notes": S,
    },
    "coalition_cumulative_admissions": {
        "source": S,
        "date": D,
        "cumulative_deaths": I,
        "cumulative_strikes": I,
        "strikes_period_end": D,
        "source_url": S,
        "notes": S,
    },
    # One row of a daily strike release: day x place x target.
    "coalition_strikes": {
        "row_id": S,
        "source": S,
        "date_day": D,
        "country": S,  # IQ | SY
        "location_raw": S,
        "place_key": S,
        "place_name": S,
        "strike_count": I,
        "target_type": S,
        "target_count": I,
        "effect": S,
        "is_daily_total": B,
        "source_file": S,
        "page": I,
        "latitude": F,
        "longitude": F,
    },
    # Airwars ---------------------------------------------------------------------------
    "airwars_incidents": {
        "incident_code": S,
        "source": S,
        "origin": S,  # csv | json | html
        "previous_codes": LS,
        "airwars_id": S,
        "airwars_url": S,
        "date_start": D,
        "date_end": D,
        "date_precision": S,
        "local_time": S,
        "published_date": D,
        "country": S,
        "location_en": S,
        "location_ar": S,
        "governorate_en": S,
        "place_key": S,
        "latitude": F,
        "longitude": F,
        "geo_precision": S,
        "belligerents": LS,  # claim-contract perpetrator codes
        "belligerents_raw": S,
        "strike_type": S,
        "strike_status": S,
        "grading": S,  # Confirmed | Fair | Weak | Contested | Discounted
        "civilian_deaths_min": I,
        "civilian_deaths_max": I,
        "civilian_injuries_min": I,
        "civilian_injuries_max": I,
        "children_killed_min": I,
        "children_killed_max": I,
        "women_killed_min": I,
        "women_killed_max": I,
        "men_killed_min": I,
        "men_killed_max": I,
        "source_count": I,
        "quality_flag": S,  # NULL, or the warning-level rules the row broke (published, flagged)
    },
    "airwars_assessments": {
        "incident_code": S,
        "source": S,
        "incident_date": D,
        "belligerent_code": S,
        "belligerent_raw": S,
        "assessment": S,  # credible | non_credible | duplicate | open | not_yet_assessed
        "reason": S,  # reason codes joined by ';'
        "deaths_conceded_min": I,
        "deaths_conceded_max": I,
        "injuries_conceded_min": I,
        "injuries_conceded_max": I,
        "location_description": S,
        "mgrs": S,
        "latitude": F,
        "longitude": F,
        "strike_report_url": S,
        "strike_report_text": S,
    },
    "airwars_source_refs": {
        "incident_code": S,
        "source": S,
        "source_order": I,
        "source_name": S,
        "author": S,
        "language": S,
        "platform": S,
        "source_date": D,
        "source_url": S,
        "archive_url": S,
    },
    # Places seen by any parser: feeds dim_place (one key per place whatever the spelling).
    "place_aliases": {
        "place_key": S,
        "alias": S,  # the spelling as seen
        "script": S,  # latin | arabic
        "name_en": S,
        "name_ar": S,
        "admin1_en": S,
        "country": S,
        "latitude": F,
        "longitude": F,
        "source": S,
    },
    # Observatories ---------------------------------------------------------------------
    "observatory_counts": {
        "count_id": S,
        "source": S,
        "observatory": S,  # canonical source name: VDC | SOHR | SNHR
        "origin": S,  # table | claim
        "period_start": D,
        "period_end": D,
        "country": S,
        "admin1_en": S,
        "cause": S,  # NULL = all causes
        "civilians": I,
        "children": I,
        "women": I,
        "total": I,
        "claim_id": S,
    },
    "vdc_deaths_monthly": {
        "source": S,
        "month_start": D,
        "province": S,
        "civilian_status": S,  # civilian | non_civilian | unknown
        "cause": S,
        "deaths": I,
        "children": I,
        "women": I,
    },
    # Documents and claims --------------------------------------------------------------
    "documents": {
        "doc_id": S,
        "source": S,
        "sha256": S,
        "url": S,
        "title": S,
        "publisher": S,
        "language": S,
        "published_date": D,
        "published_precision": S,  # day | month | year | unknown
        "n_chars": I,
        "text": S,
    },
    "claims": {
        "claim_id": S,  # sha1(doc_id, char_start, char_end, measure, victims)[:16]
        "doc_id": S,
        "source": S,
        "char_start": I,
        "char_end": I,
        "numeral": S,
        "quote": S,
        "language": S,
        "measure": S,
        "victims": S,
        "count_low": I,
        "count_high": I,
        "qualifier": S,
        "perpetrator": S,
        "attributed_to": S,
        "source_type": S,
        "place": S,
        "country": S,
        "period_start": D,
        "period_end": D,
        "parent_claim_id": S,  # the total a breakdown belongs to
    },
    # Quality -------------------------------------------------------------------------
    "findings": {
        "checked_at": pl.Datetime("us", "UTC"),
        "stage": S,  # raw | staged | warehouse
        "rule": S,
        "entity": S,
        "entity_id": S,
        "observed": S,
        "expected": S,
        "severity": S,  # error | warning
        "source": S,
    },
    "quarantine": {
        "table_name": S,
        "source": S,
        "entity_id": S,
        "rule": S,
        "reason": S,
        "record": S,  # the original row as JSON
    },
}


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=STAGED[table])


def conform(table: str, df: pl.DataFrame) -> pl.DataFrame:
    """Cast to the agreed shape; unknown columns are an error so drift is caught at the parser."""
    schema = STAGED[table]
    extra = set(df.columns) - set(schema)
    if extra:
        raise ValueError(f"{table}: columns not in ingestion/schemas.py: {sorted(extra)}")
    cols = []
    for name, dtype in schema.items():
        if name in df.columns:
            cols.append(pl.col(name).cast(dtype, strict=True))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(cols)
