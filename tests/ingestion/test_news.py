"""News parsers and the extract command, on the real files and on the team's sample."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.claims.cli import extract_command
from ingestion.news.airwars_texts import parse_source_texts_jsonl
from ingestion.news.fakes import parse_fakes_csv
from ingestion.news.text_document import parse_document
from ingestion.parsing import RawDocument
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "ingestion" / "sample" / "news"
needs_shared = pytest.mark.skipif(not (SHARED / "seeds").exists(), reason="shared data absent")


def raw(path: Path, metadata: dict | None = None, data: bytes | None = None) -> RawDocument:
    return RawDocument(
        sha256="0" * 64,
        source="news-test",
        family="news",
        location=str(path),
        name=path.name,
        content_type="",
        fetched_at=datetime.now(UTC),
        data=path.read_bytes() if data is None else data,
        metadata=metadata or {},
    )


def test_sample_has_every_language_and_claims_of_several_qualifiers(tmp_path):
    out = tmp_path / "claims.jsonl"
    summary = extract_command(str(SAMPLE), str(out))
    assert summary["documents"] == 4 and not summary["failed"]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == summary["claims"]
    assert {r["language"] for r in rows} == {"en", "nb", "da", "ar"}
    for lang in ("en", "nb", "da", "ar"):
        assert len({r["qualifier"] for r in rows if r["language"] == lang}) >= 2, lang
    admitted = [r for r in rows if r["count_low"] == 1302 and r["qualifier"] == "at_least"]
    assert {r["language"] for r in admitted} == {"en", "nb", "da", "ar"}


def test_extract_command_reports_unreadable_documents_and_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "At least 12 civilians were killed in Raqqa.", encoding="utf-8"
    )
    (folder / "bad.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    (folder / "empty.txt").write_bytes(b"")
    summary = extract_command(str(folder), str(tmp_path / "out.jsonl"))
    assert summary["documents"] == 1 and summary["claims"] == 1
    assert sorted(doc for doc, _ in summary["failed"]) == ["bad", "empty"]
    assert all(reason for _, reason in summary["failed"])


def test_extract_command_reads_jsonl(tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(
        json.dumps({"doc_id": "a", "text": "Mindst 70 civile blev dræbt.", "language": "da"})
        + "\n"
        + "{not json\n"
        + json.dumps({"doc_id": "b", "text": "مقتل خمسة مدنيين أمس", "published": "2019-06-01"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    summary = extract_command(str(src), str(out))
    assert summary["documents"] == 2 and len(summary["failed"]) == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["doc_id"], r["count_low"]) for r in rows] == [("a", 70), ("b", 5)]
    assert rows[1]["period_start"] == "2019-05-31"


def test_text_document_parser_holds_back_unreadable_pdf(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4 broken")
    result = parse_document(raw(path))
    assert not result.tables and result.quarantine[0]["rule"] == "document_readable"


@needs_shared
def test_seed_document_feeds_claims_and_observatory_counts():
    path = SHARED / "seeds" / "002_2b2bb0848c1b5462.txt"
    tables = parse_document(raw(path, {"language": "en", "published": "2017-03-31"})).finalize()
    assert tables["documents"]["doc_id"].to_list() == ["002_2b2bb0848c1b5462"]
    claims = tables["claims"]
    assert claims.height >= 10 and set(claims["source"]) == {"news-test"}
    obs = tables["observatory_counts"]
    march = obs.filter(obs["period_start"].dt.month() == 3)
    assert set(obs["observatory"]) == {"SOHR"} and set(obs["origin"]) == {"claim"}
    assert sorted(march["civilians"].drop_nulls().to_list()) == [198]
    assert march["children"].drop_nulls().to_list() == [32]


@needs_shared
def test_fakes_parser_stages_every_article():
    path = SHARED / "corpus" / "news" / "fakes_dev.csv"
    tables = parse_fakes_csv(raw(path)).finalize()
    docs = tables["documents"]
    assert docs.height == 324 and docs["doc_id"].str.starts_with("fakes-").all()
    assert docs["published_date"].null_count() == 0
    assert tables["claims"].height > 1000
    assert set(tables["claims"]["doc_id"]) <= set(docs["doc_id"])


@needs_shared
def test_airwars_texts_parser_keeps_every_record():
    path = SHARED / "corpus" / "news" / "airwars_source_texts_dev.jsonl"
    result = parse_source_texts_jsonl(raw(path))
    tables = result.finalize()
    assert tables["documents"].height + len(result.quarantine) == 1163
    assert {"ar", "en"} <= set(tables["documents"]["language"].drop_nulls())
    assert tables["claims"].height > 1000
    assert set(tables["findings"]["severity"]) <= {"warning"}
