"""Incident verdicts from the coalition's casualty reports: the curated CSV of report lines, or a
report document itself. Both go through the same line parser, so the verdict a row carries is
what the coalition wrote, not what a third party recorded beside it."""

from __future__ import annotations

import io
import re
from datetime import date

import polars as pl

from ingestion.coalition.lines import MON, parse_line
from ingestion.coalition.reading import report_text
from ingestion.fingerprints import row_id
from ingestion.parsing import Finding, ParseResult, RawDocument
from ingestion.redact import redact_names
from ingestion.schemas import STAGED

TABLE = "coalition_incident_verdicts"
REQUIRED = ("statement_text", "statement_source_url", "statement_date")
RECORDED = {"open_incident": "open"}  # Airwars' vocabulary -> ours
CODE_COUNTRY = {"CS": "SY", "CI": "IQ"}
FIRST_STRIKE = {"IQ": date(2014, 8, 8), "SY": date(2014, 9, 23)}


def _int(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    return int(float(value))


def _iso(value: str | None) -> date | None:
    if not value:
        return None
    v = value.strip()
    if re.fullmatch(r"\d{8}", v):
        v = f"{v[:4]}-{v[4:6]}-{v[6:]}"
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


def _row(
    parsed: dict,
    *,
    line_id: str,
    source: str,
    text: str,
    report_date: date | None,
    report_url: str | None,
) -> dict:
    from ingestion import gazetteer  # another module's work; imported late on purpose

    # parser-only keys stay out of the staged row
    row = {k: v for k, v in parsed.items() if k in STAGED[TABLE]}
    row["place_key"] = gazetteer.place_key(parsed["place_as_written"], parsed["country"])
    return row | {
        "line_id": line_id,
        "source": source,
        "report_date": report_date,
        "report_url": report_url,
        # the releases keep counts, but a few lines name the person killed; the lake must not
        "statement_text": redact_names(text, "en"),
    }


def _checks(result: ParseResult, row: dict, parsed: dict, source: str) -> None:
    """Warnings: the row is published, the problem is on record."""
    lid = row["line_id"]

    def warn(rule: str, observed: object, expected: str) -> None:
        result.findings.append(
            Finding(rule, TABLE, lid, observed, expected, "warning", source=source)
        )

    if parsed["grid_problem"]:
        warn(
            "coalition_mgrs_invalid",
            f"{parsed['mgrs']}: {parsed['grid_problem']}",
            "an MGRS grid in Iraq or Syria",
        )
    if parsed["counted_under"]:
        warn(
            "coalition_figures_counted_elsewhere",
            parsed["moved_figures"],
            f"counted under {parsed['counted_under']}, 0 here",
        )
    if row["verdict"] is None:
        warn("coalition_verdict_unread", "no verdict phrase in the line", "a verdict sentence")
    start, country = row["incident_date_start"], row["country"]
    if start and country in FIRST_STRIKE and start < FIRST_STRIKE[country]:
        warn("coalition_incident_before_campaign", start, f">= {FIRST_STRIKE[country]}")
    if start and row["report_date"] and start > row["report_date"]:
        warn("coalition_incident_after_report", start, f"<= {row['report_date']}")


def parse_statements_csv(doc: RawDocument) -> ParseResult:
    """cjtf_oir_incident_statements.csv -> one verdict row per report line."""
    result = ParseResult()
    try:
        raw = pl.read_csv(io.BytesIO(doc.data), infer_schema=False)
    except Exception as exc:  # polars raises several error types for malformed CSV
        raise ValueError(f"{doc.name}: not a readable CSV ({exc})") from exc
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValueError(f"{doc.name}: not a statements CSV, missing columns {missing}")
    rows = []
    for i, r in enumerate(raw.iter_rows(named=True)):
        text = (r.get("statement_text") or "").strip()
        url = r.get("statement_source_url")
        line_id = row_id(url, text, r.get("sequence", i), r.get("statement_index"))[:16]
        if not text:
            result.hold_back(
                TABLE,
                line_id,
                "coalition_line_empty",
                "statement_text is empty",
                r,
                source=doc.source,
            )
            continue
        parsed = parse_line(text, r.get("incident_code"))
        report_date = _iso(r.get("statement_date")) or _iso(r.get("statement_date_raw"))
        row = _row(
            parsed,
            line_id=line_id,
            source=doc.source,
            text=text,
            report_date=report_date,
            report_url=url,
        )
        recorded = r.get("belligerent_assessment")
        code = r.get("incident_code") or parsed["incident_code"]
        if row["country"] is None and code:  # Airwars codes say the country: CS Syria, CI Iraq
            row["country"] = CODE_COUNTRY.get(code[:2].upper())
        row |= {
            "incident_code": code,
            "recorded_assessment": RECORDED.get(recorded, recorded),
            "recorded_deaths_min": _int(r.get("civilian_deaths_conceded_min")),
            "recorded_deaths_max": _int(r.get("civilian_deaths_conceded_max")),
        }
        _checks(result, row, parsed, doc.source)
        rows.append(row)
    result.add(TABLE, pl.DataFrame(rows, infer_schema_length=None))
    return result


# A line that opens an incident: optional list number or "On", then a date, then more on the same
# line (a date alone on its line is a release's dateline, not an incident).
_LINE_START = re.compile(
    rf"(?m)^[ \t]*(?:\d{{1,3}}\.\s*)?(?:On\s+)?(?:{MON}\s*[0-3]?\d(?:\s*[-–/]\s*[0-3]?\d)?,?\s*20[12]\d"
    r"|[0-3]\d\s?(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\s?\d{2}\b)"
    r"(?=[ \t]*[,:.;]?[ \t]*[^\s,:.;])"
)
_REPORT_DATE = re.compile(
    rf"(?:Release\s+(?:No\.?|Number)\s*(?P<num>20\d{{6}})|(?P<md>{MON}\s*[0-3]?\d,?\s*20[12]\d))"
)
# Page furniture a PDF's text extraction puts between lines.
_FURNITURE = re.compile(
    r"(?:UNCLASSIFIED(?://\S*)?|CUI|FOR OFFICIAL USE ONLY|Page \d+(?: of \d+)?|- ?\d{1,3} ?-)",
    re.I,
)
_HEADING_SMALL = {"of", "and", "the", "for", "in", "on", "to", "a", "an", "by", "as", "or", "not"}


def _is_heading(line: str, previous: str) -> bool:
    """A physical line that is a heading or page furniture, not the continuation of a wrapped
    incident line: '...civilian casualties. 9302/CS9302' then 'Non-Credible Reports'. In a PDF
    no blank line separates them, so without this the heading leaks into the line above."""
    s = line.strip()
    if not s or _FURNITURE.fullmatch(s):
        return True
    if s.endswith(":") and len(s) <= 80 and not re.search(r"[.;]\s", s):
        return True  # "Non-credible reports:", "Assessments completed this period:"
    words = re.findall(r"[A-Za-z][\w'’-]*", s)
    return (
        len(s) <= 60
        and len(words) >= 2
        and not re.search(r"\d|[.,;]$", s)
        and all(w[0].isupper() or w.lower() in _HEADING_SMALL for w in words)
        and any(w[0].isupper() for w in words)
        and bool(re.search(r"[.)\"”\d]\s*$", previous))  # the line above ended
    )


def _incident_chunk(text: str) -> str:
    """From a line start to the first heading, page furniture or blank line."""
    physical = text.split("\n")
    kept = physical[:1]
    for line in physical[1:]:
        if _is_heading(line, kept[-1]):
            break
        kept.append(line)
    return re.sub(r"\s+", " ", " ".join(kept)).strip()


def _incident_lines(text: str) -> list[tuple[int, str]]:
    starts = [m.start() for m in _LINE_START.finditer(text)]
    out: list[tuple[int, str]] = []
    for a, b in zip(starts, [*starts[1:], len(text)][: len(starts)], strict=True):
        flat = _incident_chunk(text[a:b].strip())
        if re.search(r"\b(?:Syria|Iraq)\b", flat) and len(flat) > 40:
            out.append((a, flat))
    return out


def split_incident_lines(text: str) -> list[str]:
    """Incident lines of a report: each from its opening date to the next one, a heading or a
    blank line."""
    return [line for _, line in _incident_lines(text)]


def first_incident_line(text: str) -> int | None:
    """Offset of the report's first incident line (None when it has none)."""
    found = _incident_lines(text)
    return found[0][0] if found else None


def _report_date(doc: RawDocument, text: str) -> date | None:
    given = _iso(str(doc.metadata.get("report_date") or "")) if doc.metadata else None
    if given:
        return given
    first_line = _LINE_START.search(text)
    m = _REPORT_DATE.search(text[: first_line.start() if first_line else 600])
    if m and m["num"]:
        return _iso(m["num"])
    if m:
        from ingestion.coalition.lines import parse_incident_date

        return parse_incident_date(m["md"])[0]
    return None


def parse_report(doc: RawDocument) -> ParseResult:
    """A monthly or periodic report (HTML, PDF or text) -> one verdict row per incident line."""
    text = report_text(doc)
    lines = split_incident_lines(text)
    if not lines:
        raise ValueError(f"{doc.name}: no incident lines found (no line opens with a date)")
    result = ParseResult()
    report_date = _report_date(doc, text)
    url = (doc.metadata or {}).get("url") or doc.location
    rows = []
    for line in lines:
        parsed = parse_line(line)
        row = _row(
            parsed,
            line_id=row_id(url, line)[:16],
            source=doc.source,
            text=line,
            report_date=report_date,
            report_url=url,
        )
        _checks(result, row, parsed, doc.source)
        rows.append(row)
    result.add(TABLE, pl.DataFrame(rows, infer_schema_length=None))
    return result
