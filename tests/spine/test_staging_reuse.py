"""A document is parsed once per code version: a new release costs what it holds, a removed
one takes its rows with it, and an unreadable one stays reported on every run."""

import polars as pl

from ingestion.fetch import fetch_source
from ingestion.lake import LocalLake
from ingestion.parsing import ParseResult, RawDocument
from ingestion.registry import Source
from ingestion.settings import Settings
from ingestion.staging import read_staged, stage_source

CALLS: list[str] = []


def parse_counts(doc: RawDocument) -> ParseResult:
    """month,credible lines -> monthly report rows; a line 'broken' makes the document fail."""
    CALLS.append(doc.name)
    lines = doc.data.decode().split()
    if "broken" in lines:
        raise ValueError("not a count file")
    r = ParseResult()
    r.add(
        "coalition_monthly_reports",
        pl.DataFrame(
            {
                "report_id": [f"{doc.name}:{i}" for i in range(len(lines))],
                "source": [doc.source] * len(lines),
                "credible": [int(x) for x in lines],
            }
        ),
    )
    return r


def _stage(folder, lake, settings):
    src = Source(
        "counts",
        "coalition",
        f"file://{folder}",
        ("tests.spine.test_staging_reuse:parse_counts",),
        pattern="*.txt",
    )
    fetch_source(src, lake, settings)
    CALLS.clear()
    summary = stage_source(src, lake)
    return summary, list(CALLS)


def test_only_new_documents_are_parsed(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    for i in range(3):
        (folder / f"r{i}.txt").write_text(f"{i}\n{i + 10}\n")
    settings = Settings.from_env({"CIVCAS_HOME": str(tmp_path / "home")})
    lake = LocalLake(tmp_path / "lake")

    summary, calls = _stage(folder, lake, settings)
    assert sorted(calls) == ["r0.txt", "r1.txt", "r2.txt"] and summary.reused_documents == 0

    (folder / "r3.txt").write_text("3\n")
    (folder / "bad.txt").write_text("broken\n")
    summary, calls = _stage(folder, lake, settings)
    assert sorted(calls) == ["bad.txt", "r3.txt"]  # the three known documents are not parsed
    assert summary.reused_documents == 3
    rows = read_staged("coalition_monthly_reports", lake)
    assert sorted(rows["credible"].to_list()) == [0, 1, 2, 3, 10, 11, 12]
    assert [name for name, _ in summary.failed_documents] == ["bad.txt"]

    (folder / "r0.txt").unlink()
    (folder / "r3.txt").write_text("30\n")  # a changed document is a new document
    summary, calls = _stage(folder, lake, settings)
    assert calls == ["r3.txt"] and summary.reused_documents == 3
    rows = read_staged("coalition_monthly_reports", lake)
    assert sorted(rows["credible"].to_list()) == [1, 2, 11, 12, 30]
    # the unreadable document is still reported, and held back, though not parsed again
    assert [name for name, _ in summary.failed_documents] == ["bad.txt"]
    held = read_staged("quarantine", lake)
    assert held["rule"].to_list() == ["document_unreadable"]
    # rows of documents no longer held are not kept
    kept = {k.split("/")[4] for k in lake.list("staged/_docs/counts/")}
    assert len(kept) == 4
