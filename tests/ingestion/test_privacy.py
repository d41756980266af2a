"""No victim's name reaches a staged text column, checked against the names the data itself
lists: Airwars' victim records (case files and incident pages) and the VDC death list.

The names are read into memory as hashes of their normalised words and never printed: a
failure reports only the table, the column and how many values hold one.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ingestion.coalition.statements import parse_statements_csv
from ingestion.news.airwars_texts import parse_source_texts_jsonl
from ingestion.news.fakes import parse_fakes_csv
from ingestion.ngo.airwars_assessments import parse_assessments_csv
from ingestion.parsing import RawDocument
from tests.conftest import shared_path

MAX_WORDS = 6


_FOLD = str.maketrans("أإآىة", "ااايه")  # the spellings a name is written in vary


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u064b-\u065f\u0640]", "", text).translate(_FOLD)
    return re.findall(r"[^\W_]+", text)


def _digest(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode()).hexdigest()


def _add(names: set[str], text: str, min_words: int) -> None:
    words = _words(text)
    if min_words <= len(words) <= MAX_WORDS and len(" ".join(words)) >= 6:
        names.add(_digest(words))


def _victims(o, names: set[str], inside: bool = False) -> None:
    if isinstance(o, dict):
        for k, v in o.items():
            if "victim" in k.lower():
                _victims(v, names, True)
            elif inside and isinstance(v, str) and "name" in k.lower():
                _add(names, v, 2)
            else:
                _victims(v, names, inside)
    elif isinstance(o, list):
        for v in o:
            _victims(v, names, inside)


@pytest.fixture(scope="module")
def victim_names() -> set[str]:
    ngo = shared_path("corpus", "ngo")
    names: set[str] = set()
    for path in (ngo / "airwars_raw").rglob("*.json"):
        try:
            _victims(json.loads(path.read_text(encoding="utf-8")), names)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
    for path in (ngo / "airwars_pages").glob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for v in soup.select(".victims__victim, .victims li, [class*=victim] [class*=name]"):
            _add(names, v.get_text(" ", strip=True), 2)
    airwars = len(names)
    vdc = shared_path("corpus", "observatory", "vdc_casualty_list_2011_2015.csv")
    with vdc.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            _add(names, row.get("Name") or "", 3)  # two words can be anyone's
    assert airwars >= 10 and len(names) > airwars + 5000  # the lists were read
    return names


def _holding_a_name(values, names: set[str]) -> int:
    n = 0
    for value in values:
        words = _words(value or "")
        if any(
            _digest(words[i : i + k]) in names
            for i in range(len(words))
            for k in range(2, MAX_WORDS + 1)
            if i + k <= len(words)
        ):
            n += 1
    return n


def _doc(path: Path) -> RawDocument:
    return RawDocument(
        "0" * 64, "privacy_test", "news", str(path), path.name, "",
        datetime.now(UTC), path.read_bytes(), {},
    )  # fmt: skip


PARSERS = [
    (("news", "airwars_source_texts_dev.jsonl"), parse_source_texts_jsonl,
     {"claims": ["quote"], "documents": ["title"]}),
    (("news", "fakes_dev.csv"), parse_fakes_csv, {"claims": ["quote"], "documents": ["title"]}),
    (("coalition", "cjtf_oir_incident_statements.csv"), parse_statements_csv,
     {"coalition_incident_verdicts": ["statement_text"]}),
    (("ngo", "airwars_belligerent_assessments.csv"), parse_assessments_csv,
     {"airwars_assessments": ["strike_report_text", "location_description"]}),
]  # fmt: skip


@pytest.mark.parametrize(("parts", "parser", "columns"), PARSERS, ids=lambda x: str(x)[:40])
def test_no_staged_text_holds_a_listed_victims_name(parts, parser, columns, victim_names):
    result = parser(_doc(shared_path("corpus", *parts)))
    tables = result.finalize()
    checked = 0
    leaks = {}
    for table, cols in columns.items():
        for col in cols:
            values = tables[table][col].drop_nulls().to_list()
            checked += len(values)
            leaks[f"{table}.{col}"] = _holding_a_name(values, victim_names)
    record = tables["quarantine"]["record"].to_list()
    leaks["quarantine.record"] = _holding_a_name(record, victim_names)
    assert checked > 100
    assert not any(leaks.values()), leaks  # counts only, never the names
