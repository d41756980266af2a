"""One news or report document (.txt, .html, .pdf) from the raw zone."""

from __future__ import annotations

from pathlib import PurePath

from ingestion.documents import read_document
from ingestion.news.claim_rows import add_document
from ingestion.parsing import ParseResult, RawDocument


def parse_document(doc: RawDocument) -> ParseResult:
    result = ParseResult()
    doc_id = PurePath(doc.name).stem
    meta = doc.metadata or {}
    try:
        text = read_document(doc.data, doc.name, doc.content_type)
    except (ValueError, UnicodeDecodeError) as exc:
        result.hold_back(
            "documents",
            doc_id,
            "document_readable",
            f"cannot read {doc.name}: {exc}",
            {"name": doc.name, "location": doc.location, "sha256": doc.sha256},
            source=doc.source,
        )
        return result
    add_document(
        result,
        doc_id=meta.get("doc_id") or doc_id,
        source=doc.source,
        sha256=doc.sha256,
        text=text,
        language=meta.get("language"),
        published=meta.get("published"),
        url=meta.get("url") or doc.location,
        title=meta.get("title"),
        publisher=meta.get("publisher"),
    )
    return result
