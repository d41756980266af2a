"""`civcas extract INPUT --out CLAIMS.jsonl`: claims from a folder of documents or a JSONL file.

Streams one document at a time, so memory stays flat however large INPUT is; a document
that cannot be read is reported with its reason and the rest go on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from ingestion.claims.extract import extract
from ingestion.documents import parse_published, read_document
from ingestion.redact import names_in, redact_names

SUFFIXES = {".txt", ".html", ".htm", ".pdf"}


def _folder_docs(folder: Path) -> Iterator[tuple[str, dict | None, str | None]]:
    """(doc_id, record, failure): records are read lazily, file by file."""
    meta: dict[str, dict] = {}
    meta_file = folder / "metadata.json"
    if meta_file.exists():
        for m in json.loads(meta_file.read_text(encoding="utf-8")):
            meta[m.get("file") or m["doc_id"]] = m
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        m = meta.get(path.name) or meta.get(path.stem) or {}
        doc_id = m.get("doc_id") or path.stem
        try:
            text = read_document(path.read_bytes(), path.name)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            yield doc_id, None, f"{path.name}: {exc}"
            continue
        yield (
            doc_id,
            {"text": text, "language": m.get("language"), "published": m.get("published")},
            None,
        )


def _jsonl_docs(path: Path) -> Iterator[tuple[str, dict | None, str | None]]:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                doc_id = str(rec["doc_id"])
                if not isinstance(rec.get("text"), str):
                    raise ValueError("no text")
            except (json.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
                yield f"{path.name}:{n}", None, f"line {n}: {exc}"
                continue
            yield doc_id, rec, None


def extract_command(input_path: str, out_path: str) -> dict:
    """Writes one claim per line to out_path; returns documents, claims and failures."""
    src = Path(input_path)
    if src.is_dir():
        docs = _folder_docs(src)
    elif src.is_file():
        docs = _jsonl_docs(src)
    else:
        raise FileNotFoundError(f"no such input: {input_path}")
    summary = {"documents": 0, "claims": 0, "failed": []}
    with open(out_path, "w", encoding="utf-8") as out:
        for doc_id, rec, failure in docs:
            if failure:
                summary["failed"].append((doc_id, failure))
                print(f"cannot read {doc_id}: {failure}", file=sys.stderr)
                continue
            published, precision = parse_published(rec.get("published"))
            claims = extract(
                rec["text"],
                doc_id=doc_id,
                language=rec.get("language"),
                published=published,
                published_precision=precision,
            )
            known = names_in(rec["text"], claims[0]["language"]) if claims else frozenset()
            for c in claims:
                c["quote"] = redact_names(
                    c["quote"], c["language"], keep=c.get("numeral"), known=known
                )
                out.write(json.dumps(c, ensure_ascii=False) + "\n")
            summary["documents"] += 1
            summary["claims"] += len(claims)
    return summary


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    summary = extract_command(args.input, args.out)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
