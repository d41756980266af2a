"""Airwars belligerent assessments (airwars_belligerent_assessments.csv) -> airwars_assessments.

One row per incident and belligerent: what the belligerent itself said about the incident.

Rules (findings carry the incident code):
- identical rows (the export repeats some) are collapsed; how many is one warning finding;
- two different rows for one incident and belligerent code (e.g. `russia` and
  `russian_forces`, or a re-assessed copy): the most informative is kept (an assessment made
  beats `not_yet_assessed`, then most filled cells), the others are held back (error
  `duplicate_assessment`);
- no incident date or a placeholder one: held back (error), as for incidents;
- assessment outside the known five: held back (error `assessment_unknown`);
- unreadable MGRS grid: published without coordinates (warning `mgrs_unreadable`);
- belligerent with no contract code: published as `unknown` (warning).
Reasons come as slugs, `|`-joined slugs or PHP-serialised arrays; all become `;`-joined codes.
"""

from __future__ import annotations

import io

import mgrs
import polars as pl

from ingestion.belligerents import UnknownBelligerent, belligerent_code
from ingestion.ngo import php_serial
from ingestion.ngo.incident_rows import parse_count, parse_iso_date
from ingestion.parsing import Finding, ParseResult, RawDocument
from ingestion.redact import withhold_names
from ingestion.schemas import STAGED

TABLE = "airwars_assessments"
ENTITY = "airwars_assessment"
ASSESSMENTS = {
    "credible": "credible",
    "non_credible": "non_credible",
    "duplicate": "duplicate",
    "open_incident": "open",
    "open": "open",
    "not_yet_assessed": "not_yet_assessed",
}
REQUIRED = {"incident_code", "belligerent", "belligerent_assessment", "reasons_non_credible"}
_MGRS = mgrs.MGRS()


def reason_codes(*values: str | None) -> str | None:
    """Reason cells -> 'code;code' (PHP arrays decoded, '|' lists split, order kept)."""
    out: list[str] = []
    for v in values:
        if v is None or not str(v).strip():
            continue
        s = str(v).strip()
        items = php_serial.loads(s) if php_serial.is_serialised(s) else s.split("|")
        if isinstance(items, dict):
            items = list(items.values())
        if not isinstance(items, list):
            items = [items]
        for it in items:
            code = str(it).strip()
            if code and code not in out:
                out.append(code)
    return ";".join(out) or None


def mgrs_to_latlon(grid: str | None) -> tuple[float | None, float | None]:
    """MGRS grid reference -> (lat, lon); ValueError when the grid cannot be read."""
    if grid is None or not str(grid).strip():
        return None, None
    g = "".join(str(grid).split()).upper()
    try:
        lat, lon = _MGRS.toLatLon(g)
    except Exception as e:  # the mgrs C wrapper raises bare Exception subclasses
        raise ValueError(f"MGRS {grid!r} unreadable: {e}") from e
    return float(lat), float(lon)


def _filled(r: dict) -> int:
    return sum(v is not None and v != "" for v in r.values())


def parse_assessments_csv(doc: RawDocument) -> ParseResult:
    """airwars_belligerent_assessments.csv -> airwars_assessments, findings, quarantine."""
    df = pl.read_csv(io.StringIO(doc.text()), infer_schema=False)
    missing = REQUIRED - set(df.columns)
    if missing:
        raise ValueError(
            f"{doc.name}: not an Airwars assessments export, missing {sorted(missing)}"
        )
    result = ParseResult()

    def finding(rule, eid, observed, expected, severity):
        result.findings.append(
            Finding(rule, ENTITY, eid, observed, expected, severity, source=doc.source)
        )

    content = [c for c in df.columns if c != "sequence"]
    unique = df.unique(subset=content, keep="first", maintain_order=True)
    n_dup = df.height - unique.height
    if n_dup:
        dup_codes = df.filter(df.select(content).is_duplicated())["incident_code"].unique()
        finding("duplicate_rows_collapsed", f"{dup_codes.len()} incidents",
                f"{n_dup} identical repeated rows", "each row once", "warning")  # fmt: skip

    rows = []
    for r in unique.iter_rows(named=True):
        eid = f"{r['incident_code']}/{r['belligerent']}"
        flags = []
        try:
            code, exact = belligerent_code(r["belligerent"] or "unknown")
        except UnknownBelligerent:
            code, exact = "unknown", False
        if not exact:
            flags.append(("belligerent_no_contract_code", r["belligerent"]))
        raw_assess = (r["belligerent_assessment"] or "").strip().lower()
        d, problem = parse_iso_date(r["incident_date"])
        errors = []
        if problem:
            errors.append((f"date_{problem}", f"incident_date {r['incident_date']!r}"))
        if raw_assess not in ASSESSMENTS:
            errors.append(("assessment_unknown", f"assessment {r['belligerent_assessment']!r}"))
        try:
            lat, lon = mgrs_to_latlon(r.get("belligerent_mgrs_coordinate"))
        except ValueError as e:
            lat = lon = None
            flags.append(("mgrs_unreadable", str(e)))
        try:
            reason = reason_codes(r.get("reasons_credible"), r.get("reasons_non_credible"))
        except php_serial.PhpSerialError as e:
            reason = None
            flags.append(("reason_unreadable", str(e)))
        counts = {}
        for col, (src) in (
            ("deaths_conceded_min", "civilian_deaths_conceded_min"),
            ("deaths_conceded_max", "civilian_deaths_conceded_max"),
            ("injuries_conceded_min", "civilian_injuries_conceded_min"),
            ("injuries_conceded_max", "civilian_injuries_conceded_max"),
        ):
            try:
                counts[col] = parse_count(r.get(src))[0]
            except ValueError as e:
                counts[col] = None
                flags.append(("count_unreadable", str(e)))
        for a, b in (("deaths_conceded_min", "deaths_conceded_max"),
                     ("injuries_conceded_min", "injuries_conceded_max")):  # fmt: skip
            if counts[a] is not None and counts[b] is not None and counts[a] > counts[b]:
                flags.append(("min_above_max", f"{a} {counts[a]} > {counts[b]}"))
        text = r.get("strike_report_text")
        row = {
            "incident_code": r["incident_code"],
            "source": doc.source,
            "incident_date": d,
            "belligerent_code": code,
            "belligerent_raw": r["belligerent"],
            "assessment": ASSESSMENTS.get(raw_assess),
            "reason": reason,
            **counts,
            # the belligerent's own words can name the person killed ("by the name of ...")
            "location_description": withhold_names(r.get("belligerent_location_description")),
            "mgrs": r.get("belligerent_mgrs_coordinate"),
            "latitude": lat,
            "longitude": lon,
            "strike_report_url": r.get("strike_report_url"),
            "strike_report_text": withhold_names(text.strip()) if text else None,
        }
        rows.append((eid, row, errors, flags, r))

    # one row per incident x belligerent code: keep the most informative
    best: dict[tuple, int] = {}
    for i, (_, row, errors, _, r) in enumerate(rows):
        if errors:
            continue
        key = (row["incident_code"], row["belligerent_code"])
        rank = (row["assessment"] != "not_yet_assessed", _filled(r))
        j = best.get(key)
        if j is None or rank > (
            rows[j][1]["assessment"] != "not_yet_assessed",
            _filled(rows[j][4]),
        ):
            best[key] = i
    for i, (_, row, errors, _, _) in enumerate(rows):
        key = (row["incident_code"], row["belligerent_code"])
        if not errors and best[key] != i:
            kept = rows[best[key]][1]
            errors.append(("duplicate_assessment",
                           f"another row for {key[0]}/{key[1]} kept "
                           f"({kept['belligerent_raw']}, {kept['assessment']})"))  # fmt: skip

    good = []
    for eid, row, errors, flags, r in rows:
        for rule, why in flags:
            finding(rule, eid, why, None, "warning")
        if errors:
            for rule, why in errors:
                finding(rule, eid, why, None, "error")
            result.hold_back(TABLE, eid, ";".join(e for e, _ in errors),
                             "; ".join(f"{e}: {w}" for e, w in errors), r, source=doc.source)  # fmt: skip
            continue
        good.append(row)
    result.add(TABLE, pl.DataFrame(good, schema=STAGED[TABLE]))
    return result
