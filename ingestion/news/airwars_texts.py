"""Texts of the sources Airwars cites (news, posts, NGO reports), one JSON object a line."""

from __future__ import annotations

import json

from ingestion.documents import decode, detect_language
from ingestion.news.claim_rows import Batch, add_document, collection_names
from ingestion.parsing import ParseResult, RawDocument


def parse_source_texts_jsonl(doc: RawDocument) -> ParseResult:
    result = ParseResult()
    batch = Batch(result)
    records = []
    for n, line in enumerate(decode(doc.data).splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            doc_id = rec["source_id"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            result.hold_back(
                "documents",
                f"{doc.name}:{n}",
                "document_record_valid",
                f"line {n}: {exc}",
                {"line": line[:500]},
                source=doc.source,
            )
            continue
        text = rec.get("text") or ""
        if not text.strip():
            result.hold_back(
                "documents",
                doc_id,
                "document_has_text",
                "no text preserved",
                {"source_id": doc_id, "url": rec.get("original_url")},
                source=doc.source,
            )
            continue
        # The tag names the publisher's language; scraped pages often carry another.
        records.append((doc_id, rec, text, detect_language(text) or rec.get("language")))
    known = collection_names((text, language) for _, _, text, language in records)
    for doc_id, rec, text, language in records:
        add_document(
            batch,
            doc_id=doc_id,
            source=doc.source,
            sha256=doc.sha256,
            text=text,
            language=language,
            published=rec.get("publication_date_raw") or None,
            url=rec.get("final_url") or rec.get("original_url"),
            title=rec.get("page_title"),
            publisher=rec.get("publisher"),
            known_names=known,
        )
    batch.flush()
    return result
