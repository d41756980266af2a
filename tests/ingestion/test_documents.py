"""Reading documents: decoding, HTML and PDF text, normalisation with offsets, language, dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingestion.documents import (
    decode,
    detect_language,
    normalise,
    parse_published,
    read_document,
    resolve_relative,
    resolve_relative_phrase,
)
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]


def test_latin1_is_detected_not_assumed():
    data = "Syria's war: 16 civilians killed in Hasaka – monitor café".encode("cp1252")
    text = decode(data)
    assert "16 civilians" in text and "café" in text


@pytest.mark.skipif(not (SHARED / "corpus/news/fakes_dev.csv").exists(), reason="no shared data")
def test_fakes_file_decodes():
    text = decode((SHARED / "corpus/news/fakes_dev.csv").read_bytes())
    assert text.startswith("unit_id") and "\ufffd" not in text


def test_html_boilerplate_is_removed():
    html = (
        "<html><head><title>t</title></head><body><nav>Home | About | Contact</nav>"
        "<article><h1>Strike kills 12</h1><p>At least 12 civilians were killed in an air "
        "strike on a market in Raqqa on Tuesday, local sources said. The coalition said it "
        "was looking into the report and would publish its findings.</p></article>"
        "<footer>Copyright 2017</footer></body></html>"
    )
    text = read_document(html.encode(), "page.html")
    assert "At least 12 civilians" in text and "Copyright" not in text


def test_unreadable_documents_raise_clear_errors():
    with pytest.raises(ValueError, match="PDF"):
        read_document(b"%PDF-1.4 broken", "report.pdf")
    with pytest.raises(ValueError, match="empty"):
        read_document(b"", "empty.txt")
    with pytest.raises(ValueError, match="binary"):
        read_document(b"\x00\x01\x02\x00abc", "blob.txt")


def test_normalise_keeps_a_map_back_to_the_original():
    text = "قُتِلَ ١٣٠٠ مدنياً ﻻ 4 شـ.ـهداء"
    norm, back = normalise(text)
    assert norm == "قتل 1300 مدنيا لا 4 شهداء"
    i = norm.index("1300")
    assert text[back[i] : back[i + 3] + 1] == "١٣٠٠"
    assert normalise("plain text")[1] is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Et stort antall sivile drepes nå i offensiven til den internasjonale koalisjonen.", "nb"),
        ("Langt flere civile omkom under de tusindvis af skudaffyringer og bombeangreb.", "da"),
        ("At least 300 civilians have been killed in the offensive in western Mosul.", "en"),
        ("أقر التحالف الدولي بمقتل أكثر من 1300 مدني في غاراته.", "ar"),
    ],
)
def test_language_identification(text, language):
    assert detect_language(text) == language


def test_publication_dates_and_precision():
    assert parse_published("2017-03-26") == (date(2017, 3, 26), "day")
    assert parse_published("2018-06") == (date(2018, 6, 1), "month")
    assert parse_published("7/5/16") == (date(2016, 7, 5), "day")
    assert parse_published(None) == (None, "unknown")


def test_relative_spans():
    sunday = date(2017, 3, 26)
    assert resolve_relative("last_week", sunday) == (date(2017, 3, 13), date(2017, 3, 19))
    assert resolve_relative("weekday", sunday, 1) == (date(2017, 3, 21), date(2017, 3, 21))
    assert resolve_relative("last_year", date(2018, 6, 1)) == (date(2017, 1, 1), date(2017, 12, 31))
    assert resolve_relative_phrase("أمس", date(2019, 6, 1), "ar") == date(2019, 5, 31)
