"""FA-KES (Salem et al., 2019): English Syria war articles, one per CSV row, latin-1 encoded."""

from __future__ import annotations

import csv
import io

from ingestion.documents import decode
from ingestion.news.claim_rows import Batch, add_document, collection_names
from ingestion.parsing import ParseResult, RawDocument

REQUIRED = {"unit_id", "article_title", "article_content", "date"}


def parse_fakes_csv(doc: RawDocument) -> ParseResult:
    result = ParseResult()
    batch = Batch(result)
    reader = csv.DictReader(io.StringIO(decode(doc.data)))
    missing = REQUIRED - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"{doc.name}: not a FA-KES table, missing columns {sorted(missing)}")
    rows = []
    for row in reader:
        doc_id = f"fakes-{row['unit_id']}"
        text = row.get("article_content") or ""
        if not text.strip():
            result.hold_back(
                "documents",
                doc_id,
                "document_has_text",
                "empty article_content",
                {"unit_id": row["unit_id"]},
                source=doc.source,
            )
            continue
        rows.append((doc_id, row, text))
    known = collection_names((text, "en") for _, _, text in rows)
    for doc_id, row, text in rows:
        add_document(
            batch,
            doc_id=doc_id,
            source=doc.source,
            sha256=doc.sha256,
            text=text,
            language="en",
            published=row.get("date"),
            title=row.get("article_title"),
            publisher=row.get("source"),
            known_names=known,
        )
    batch.flush()
    return result
