"""The monthly flow of allegations and the running totals, from a release's opening paragraphs or
from the curated CSVs that compile copies of those releases."""

from __future__ import annotations

import io
import re
from calendar import monthrange
from datetime import date
from urllib.parse import urlparse

import polars as pl

from ingestion.coalition.lines import MON, _month, parse_incident_date
from ingestion.coalition.numbers import NUMBER, to_int
from ingestion.coalition.reading import is_pdf, report_text
from ingestion.coalition.statements import first_incident_line
from ingestion.fingerprints import row_id
from ingestion.parsing import ParseResult, RawDocument

TABLE = "coalition_monthly_reports"
COUNTS = (
    "reports_carried_over", "reports_received", "reports_completed", "credible", "non_credible",
    "duplicates", "open_at_end", "deaths_in_credible", "cumulative_deaths", "cumulative_strikes",
    "cumulative_engagements",
)  # fmt: skip
COALITION_HOSTS = ("inherentresolve.mil", "defense.gov", "centcom.mil", "dvidshub.net", ".mil")
_N = rf"(?P<n>{NUMBER})"
_RPT = (
    r"(?:(?:civilian[- ]casualty |CIVCAS )?(?:allegation )?(?:assessment )?reports?|allegations?)"
)

# Release wording, one list per figure; the first pattern that matches wins.
FLOW: dict[str, list[str]] = {
    "reports_carried_over": [rf"carried over {_N} (?:open )?{_RPT}", rf"{_N} {_RPT} carried over"],
    "reports_received": [rf"received {_N} (?:new |additional )?{_RPT}",
                         rf"{_N} (?:new |additional )?{_RPT} (?:were )?received"],
    "reports_completed": [rf"completed (?:a total of |its assessment of )?{_N} (?:\w+ )?{_RPT}",
                          rf"(?:out of|of) the {_N} completed", rf"assessed {_N} {_RPT}"],
    "credible": [rf"{_N} (?:of (?:these|the|those) )?(?:{_RPT} )?(?:were|was) (?:assessed|deemed|determined|found) "
                 r"(?:to be )?credible", rf"{_N} credible {_RPT}"],
    "non_credible": [rf"{_N} (?:{_RPT} )?(?:were|was) (?:assessed|deemed|determined|found) (?:to be )?"
                     r"(?:non-credible|not credible)", rf"{_N} (?:non-credible|not credible) {_RPT}"],
    "duplicates": [rf"{_N} (?:{_RPT} )?(?:were|was) (?:assessed|deemed|determined|found) (?:to be )?"
                   r"(?:an? )?duplicates?", rf"{_N} duplicate {_RPT}"],
    "open_at_end": [rf"{_N} {_RPT} (?:are|remain) (?:still )?(?:open|under assessment|being assessed)",
                    rf"still (?:assessing|reviewing) {_N} {_RPT}", rf"{_N} open {_RPT} remain"],
    "deaths_in_credible": [rf"resulted in {_N} (?:additional )?unintentional civilian deaths",
                           rf"{_N} (?:additional )?civilians? (?:were|was) unintentionally killed"
                           r"(?! since)(?![^.]*since the (?:beginning|start))"],
    "cumulative_deaths": [rf"at least {_N} civilians? (?:have been|were|has been) "
                          r"(?:unintentionally )?killed[^.]*since the (?:beginning|start)"],
    "cumulative_strikes": [rf"(?:total of )?{_N} (?:air)?strikes"],
    "cumulative_engagements": [rf"{_N} (?:separate )?engagements"],
}  # fmt: skip
_COMPILED = {k: [re.compile(p, re.I) for p in v] for k, v in FLOW.items()}
_PERIOD_END = re.compile(rf"(?:between|from) August,? 2014,? (?:and|to|through) (?:the )?"
                         rf"(?:end of )?(?P<m>{MON}),? (?P<y>20[12]\d)", re.I)  # fmt: skip
_MONTH_COVERED = [
    re.compile(
        rf"(?:for|during|covering|of) the month of (?P<m>{MON})(?:,? (?P<y>20[12]\d))?", re.I
    ),
    re.compile(rf"Civilian Casualty Report\W{{0,3}}(?:for )?(?P<m>{MON}),? (?P<y>20[12]\d)", re.I),
    re.compile(rf"(?P<m>{MON}),? (?P<y>20[12]\d) (?:monthly )?civilian casualty report", re.I),
]
_RELEASE_DATE = re.compile(
    rf"Release\s+(?:No\.?|Number)\s*(?P<num>20\d{{6}})|(?P<md>{MON}\s*[0-3]?\d,?\s*20[12]\d)"
)


def _month_end(y: int, m: int) -> date:
    return date(y, m, monthrange(y, m)[1])


# Figures that make a paragraph a monthly flow paragraph: the allegations' flow, or the running
# death toll. A strike count or a death count alone is in any press release or incident line.
FLOW_MARKERS = (
    "reports_carried_over", "reports_received", "reports_completed", "open_at_end",
    "cumulative_deaths",
)  # fmt: skip
_YEAR = re.compile(r"(?:19|20)\d\d")
_REF_BEFORE = re.compile(r"(?:\bReport|\bNo\.?|\bNumber|#|/)\s*$", re.I)


def _is_figure(flat: str, m: re.Match[str]) -> bool:
    """A year ("in 2021 strikes ...") or a report/release number is not a figure. The releases
    write thousands with a comma (34,991), so a bare 19xx/20xx is a year."""
    n = m["n"]
    if _YEAR.fullmatch(n):
        return False
    after = flat[m.end("n") : m.end("n") + 2]
    return not (_REF_BEFORE.search(flat[max(0, m.start("n") - 12) : m.start("n")])
                or re.match(r"\s?[/-]\s?\w", after))  # fmt: skip


def flow_figures(text: str) -> dict:
    """Every flow figure the opening paragraphs state; figures not stated are absent."""
    flat = re.sub(r"\s+", " ", text)
    out: dict = {}
    for name, patterns in _COMPILED.items():
        for rx in patterns:
            m = next((m for m in rx.finditer(flat) if _is_figure(flat, m)), None)
            if m and to_int(m["n"]) is not None:
                out[name] = to_int(m["n"])
                break
    m = _PERIOD_END.search(flat)
    if m:
        out["strikes_period_end"] = _month_end(int(m["y"]), _month(m["m"]))
    return out


def _report_date(doc: RawDocument, text: str) -> date | None:
    given = (doc.metadata or {}).get("report_date")
    if given:
        return date.fromisoformat(str(given)[:10])
    m = _RELEASE_DATE.search(text[:800])
    if m and m["num"]:
        n = m["num"]
        return date(int(n[:4]), int(n[4:6]), int(n[6:]))
    return parse_incident_date(m["md"])[0] if m else None


def _month_covered(text: str, report_date: date | None, period_end: date | None) -> date | None:
    for rx in _MONTH_COVERED:
        m = rx.search(text)
        if m:
            mo = _month(m["m"])
            if m["y"]:
                return date(int(m["y"]), mo, 1)
            if report_date:  # the month named is the last one that ended before the release
                y = report_date.year - (mo >= report_date.month)
                return date(y, mo, 1)
    if period_end:
        return period_end.replace(day=1)
    return None


def opening_paragraphs(text: str) -> str:
    """The report's text before its first incident line (at most 6,000 characters): the flow is
    stated there, and an incident line's "one civilian was unintentionally killed" or report
    number must not be read as a monthly figure."""
    first = first_incident_line(text)
    return text[: min(6000, len(text) if first is None else first)]


def parse_report_flow(doc: RawDocument) -> ParseResult:
    """A monthly report (text, HTML or PDF) -> one coalition_monthly_reports row.

    A row needs a flow paragraph (see FLOW_MARKERS). The periodic PDF reports (CIVHARM, 2021
    on) mostly list incident lines only: a PDF without a flow paragraph is left to
    statements.parse_report and gives no row here, rather than figures read from its lines."""
    raw = report_text(doc)
    figures = flow_figures(opening_paragraphs(raw))
    counts = {k: v for k, v in figures.items() if k in COUNTS}
    if not any(k in figures for k in FLOW_MARKERS):
        if is_pdf(doc):
            return ParseResult()
        found = f" (only {', '.join(sorted(counts))})" if counts else ""
        raise ValueError(
            f"{doc.name}: no monthly flow figures found in the opening paragraphs{found}"
        )
    text = re.sub(r"\s+", " ", raw)
    report_date = _report_date(doc, text)
    url = (doc.metadata or {}).get("url") or doc.location
    row = figures | {
        "report_id": row_id(doc.sha256 or url)[:16],
        "source": doc.source,
        "origin": "report_text",
        "is_coalition_release": True,
        "report_date": report_date,
        "month_covered": _month_covered(
            text[:3000], report_date, figures.get("strikes_period_end")
        ),
        "revision_stated": bool(
            re.search(r"\b(?:revised|reassessed|correct(?:ed|ion))\b", text, re.I)
        ),
        "source_url": url,
    }
    result = ParseResult()
    result.add(TABLE, pl.DataFrame([row], infer_schema_length=None))
    return result


# Curated CSVs ----------------------------------------------------------------------------------


def is_coalition_url(url: str | None) -> bool:
    host = (urlparse(url).hostname or "") if url else ""
    return any(host == h or host.endswith("." + h.lstrip(".")) or (h.startswith(".") and
               host.endswith(h)) for h in COALITION_HOSTS)  # fmt: skip


def _read_csv(doc: RawDocument, required: tuple[str, ...]) -> pl.DataFrame:
    try:
        df = pl.read_csv(io.BytesIO(doc.data), infer_schema=False)
    except Exception as exc:  # polars raises several error types for malformed CSV
        raise ValueError(f"{doc.name}: not a readable CSV ({exc})") from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"{doc.name}: missing columns {missing}")
    return df


def _count(value: str | None) -> int | None:
    """A count cell: blank is 'not stated'; anything else must be a whole non-negative number."""
    if value is None or not value.strip():
        return None
    v = float(value.replace(",", ""))
    if v < 0 or v != int(v):
        raise ValueError(f"not a count: {value!r}")
    return int(v)


def _month_cell(value: str | None, end: bool = False) -> date | None:
    if value is None or not value.strip():
        return None
    y, m = (int(x) for x in value.strip()[:7].split("-"))
    return _month_end(y, m) if end else date(y, m, 1)


def _date_cell(value: str | None) -> date | None:
    return date.fromisoformat(value.strip()) if value and value.strip() else None


def parse_monthly_csv(doc: RawDocument) -> ParseResult:
    """cjtf_oir_monthly_reports.csv -> coalition_monthly_reports, every row kept (two sources for a
    month stay two rows; the fact table chooses, see identities.choose_monthly)."""
    df = _read_csv(doc, ("month_covered", "source_url", *COUNTS))
    result, rows = ParseResult(), []
    for i, r in enumerate(df.iter_rows(named=True)):
        rid = row_id(r.get("source_url"), r.get("month_covered"), r.get("report_date"), i)[:16]
        try:
            row = {k: _count(r.get(k)) for k in COUNTS} | {
                "report_date": _date_cell(r.get("report_date")),
                "month_covered": _month_cell(r.get("month_covered")),
                "strikes_period_end": _month_cell(r.get("strikes_period_end"), end=True),
            }
        except ValueError as exc:
            result.hold_back(
                TABLE, rid, "coalition_monthly_unreadable", str(exc), r, source=doc.source
            )
            continue
        if row["month_covered"] is None:
            result.hold_back(
                TABLE, rid, "coalition_monthly_unreadable", "no month_covered", r, source=doc.source
            )
            continue
        notes = r.get("notes") or ""
        rows.append(row | {
            "report_id": rid,
            "source": doc.source,
            "origin": "curated_csv",
            "is_coalition_release": is_coalition_url(r.get("source_url")),
            "revision_stated": bool(re.search(r"\brevis|\breassess", notes, re.I)),
            "source_url": r.get("source_url"),
            "notes": notes or None,
        })  # fmt: skip
    result.add(TABLE, pl.DataFrame(rows, infer_schema_length=None))
    return result


def parse_cumulative_csv(doc: RawDocument) -> ParseResult:
    """cjtf_oir_cumulative_admissions.csv -> coalition_cumulative_admissions."""
    df = _read_csv(doc, ("date", "cumulative_deaths", "cumulative_strikes", "source_url"))
    table = "coalition_cumulative_admissions"
    result, rows = ParseResult(), []
    for i, r in enumerate(df.iter_rows(named=True)):
        try:
            row = {
                "date": _date_cell(r.get("date")),
                "cumulative_deaths": _count(r.get("cumulative_deaths")),
                "cumulative_strikes": _count(r.get("cumulative_strikes")),
                "strikes_period_end": _month_cell(r.get("strikes_period_end"), end=True),
            }
        except ValueError as exc:
            result.hold_back(
                table, f"row{i}", "coalition_cumulative_unreadable", str(exc), r, source=doc.source
            )
            continue
        rows.append(row | {"source": doc.source, "source_url": r.get("source_url"),
                           "notes": r.get("notes") or None})  # fmt: skip
    result.add(table, pl.DataFrame(rows, infer_schema_length=None))
    return result
