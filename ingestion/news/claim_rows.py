"""Turning extracted claims into staged rows, with the warning-level checks the contract asks.

Shared by every news parser so documents, claims, findings and observatory counts look the
same whichever family the text came from.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ingestion.claims.extract import extract
from ingestion.documents import detect_language, parse_published
from ingestion.parsing import Finding, ParseResult
from ingestion.redact import names_in, redact_names
from ingestion.schemas import STAGED

OBSERVATORIES = {"SOHR", "SNHR", "VDC"}
MIN_PERIOD = date(2011, 1, 1)
BOUNDS = {
    "exact": lambda lo, hi: lo is not None and lo == hi,
    "approximately": lambda lo, hi: lo is not None and lo == hi,
    "at_least": lambda lo, hi: lo is not None and hi is None,
    "more_than": lambda lo, hi: lo is not None and hi is None,
    "up_to": lambda lo, hi: lo is None and hi is not None,
    "range": lambda lo, hi: lo is not None and hi is not None and lo < hi,
    "vague": lambda lo, hi: lo is not None and hi is not None,
}


def check_claims(claims: list[dict], published: date | None, source: str) -> list[Finding]:
    """Bounds vs qualifier, low <= high, period within 2011..publication, breakdown <= total."""
    out: list[Finding] = []
    by_id = {c["claim_id"]: c for c in claims}

    def warn(c, rule, observed, expected):
        out.append(
            Finding(
                rule=rule,
                entity="claims",
                entity_id=c["claim_id"],
                observed=observed,
                expected=expected,
                severity="warning",
                source=source,
            )
        )

    for c in claims:
        lo, hi = c["count_low"], c["count_high"]
        if not BOUNDS.get(c["qualifier"], lambda *_: False)(lo, hi):
            warn(
                c, "claim_bounds_match_qualifier", f"{c['qualifier']} {lo}..{hi}", "contract bounds"
            )
        if lo is not None and hi is not None and lo > hi:
            warn(c, "claim_low_not_above_high", f"{lo}>{hi}", "count_low <= count_high")
        latest = published or date.today()
        for key in ("period_start", "period_end"):
            if c[key] and not (MIN_PERIOD.isoformat() <= c[key] <= latest.isoformat()):
                warn(c, "claim_period_in_range", c[key], f"{MIN_PERIOD}..{latest}")
        parent = by_id.get(c.get("parent_claim_id") or "")
        if parent:
            total = (
                parent["count_high"] if parent["count_high"] is not None else parent["count_low"]
            )
            if total is not None and (c["count_low"] or 0) > total:
                warn(c, "breakdown_not_above_total", c["count_low"], f"<= {total}")
    return out


def observatory_rows(claims: list[dict], source: str) -> list[dict]:
    """Observatory figures quoted in text, with a period and an area, as observatory counts."""
    rows = []
    for c in claims:
        if c["attributed_to"] not in OBSERVATORIES or c["measure"] != "killed":
            continue
        if not (c["period_start"] and c["period_end"] and (c["place"] or c["country"])):
            continue
        n = c["count_low"] if c["count_low"] is not None else c["count_high"]
        admin1 = None
        if c["place"]:
            try:
                from ingestion.gazetteer import admin1 as _admin1

                admin1 = _admin1(c["place"], c["country"])
            except ImportError:
                admin1 = None
        column = {"civilians": "civilians", "children": "children", "women": "women"}.get(
            c["victims"], "total"
        )
        rows.append(
            {
                "count_id": c["claim_id"],
                "source": source,
                "observatory": c["attributed_to"],
                "origin": "claim",
                "period_start": date.fromisoformat(c["period_start"]),
                "period_end": date.fromisoformat(c["period_end"]),
                "country": c["country"],
                "admin1_en": admin1,
                "cause": None,
                column: n,
                "claim_id": c["claim_id"],
            }
        )
    return rows


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class Batch:
    """Rows of many documents, added to the result once (one concat, not one per document)."""

    def __init__(self, result: ParseResult):
        self.result = result
        self.documents: list[dict] = []
        self.claims: list[dict] = []
        self.observatory: list[dict] = []

    def flush(self) -> None:
        for table, rows in (
            ("documents", self.documents),
            ("claims", self.claims),
            ("observatory_counts", self.observatory),
        ):
            if rows:
                self.result.add(table, pl.DataFrame(rows, schema=STAGED[table]))
            rows.clear()


def collection_names(texts) -> frozenset[str]:
    """Names found anywhere in a collection of (text, language): an article may name a victim
    without the cue that another article about the same strike gives."""
    out: set[str] = set()
    for text, language in texts:
        out |= names_in(text, language)
    return frozenset(out)


def add_document(
    batch: Batch | ParseResult,
    *,
    doc_id: str,
    source: str,
    sha256: str | None,
    text: str,
    language: str | None = None,
    published=None,
    url: str | None = None,
    title: str | None = None,
    publisher: str | None = None,
    known_names: frozenset[str] | None = None,
) -> list[dict]:
    """Stage one document and its claims (into a Batch, or straight into a result).
    `known_names`: names found across the collection the document came in (`names_in` over all
    of it); by default, those of the document itself."""
    if isinstance(batch, ParseResult):
        single = Batch(batch)
        claims = add_document(
            single,
            doc_id=doc_id,
            source=source,
            sha256=sha256,
            text=text,
            language=language,
            published=published,
            url=url,
            title=title,
            publisher=publisher,
            known_names=known_names,
        )
        single.flush()
        return claims
    pub, precision = parse_published(published)
    language = language or detect_language(text)
    claims = extract(
        text, doc_id=doc_id, language=language, published=pub, published_precision=precision
    )
    # the lake keeps counts, not the names a title or a quote may hold; a name the text gives
    # anywhere is withheld from every quote, even where its cue is in another sentence
    if known_names is not None:
        known = known_names
    else:
        known = names_in(text, language) if claims or title else frozenset()
    title = redact_names(title, language, known=known) if title else title
    batch.documents.append(
        {
            "doc_id": doc_id,
            "source": source,
            "sha256": sha256,
            "url": url,
            "title": title,
            "publisher": publisher,
            "language": language,
            "published_date": pub,
            "published_precision": precision,
            "n_chars": len(text),
            # the full text names people; it stays only in the raw zone, as fetched
            "text": None,
        }
    )
    for c in claims:
        c["quote"] = redact_names(c["quote"], language, keep=c.get("numeral"), known=known)
    batch.claims.extend(
        c
        | {
            "source": source,
            "period_start": _day(c["period_start"]),
            "period_end": _day(c["period_end"]),
        }
        for c in claims
    )
    batch.result.findings.extend(check_claims(claims, pub, source))
    batch.observatory.extend(observatory_rows(claims, source))
    return claims
