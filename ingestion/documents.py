"""Reading documents: bytes to text, normalised so every language's rules see one spelling.

Offsets matter: claim spans point into the document text as decoded, so normalisation keeps a
map from each normalised character back to its original position.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import cache

DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
# Length-preserving folds: Arabic letter variants and separators that differ only in form.
FOLD = DIGITS | {
    ord("أ"): "ا",
    ord("إ"): "ا",
    ord("آ"): "ا",
    ord("ٱ"): "ا",
    ord("ى"): "ي",
    ord("ی"): "ي",
    ord("ک"): "ك",
    ord("٬"): ",",
    ord("٫"): ".",
    ord("\u00a0"): " ",
    ord("\u202f"): " ",
    ord("\u2009"): " ",
    ord("’"): "'",
    ord("،"): ",",
    ord("؛"): ";",
}
DROP = re.compile("[\u064b-\u0652\u0670\u0640\u200c-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
INWORD_DOTS = re.compile(
    "(?<=[\u0621-\u064a\u0640])[.\u0640]*\\.[.\u0640]*(?=[\u0621-\u064a\u0640])"
)
SAFE = (
    "\x00-\x9f\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u0621-\u063f\u0641-\u064a"
    "\u066e\u066f\u0671-\u06d3\u06d5\u06ee-\u06ff\u2010-\u2027\u2030-\u205e"
)
SPECIAL = re.compile(f"(?P<dots>{INWORD_DOTS.pattern})|[^{SAFE}]")
LANGUAGES = ("en", "nb", "da", "ar", "sv", "fr")


def decode(data: bytes) -> str:
    """UTF-8 when it is; otherwise what charset-normalizer detects (FA-KES is latin-1)."""
    if not data:
        raise ValueError("empty document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ValueError("undecodable bytes: no character set fits") from None
        return str(best)


def html_to_text(html: str) -> str:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    if not text:
        from bs4 import BeautifulSoup

        text = BeautifulSoup(html, "lxml").get_text("\n")
    return text.strip()


def pdf_to_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ValueError(f"unreadable PDF: {exc}") from None
    try:
        return "\n\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def read_document(data: bytes, name: str = "", content_type: str = "") -> str:
    """Text of a .txt/.html/.pdf document, as the claim offsets will refer to it."""
    lower = name.lower()
    if lower.endswith(".pdf") or "pdf" in content_type or data[:5] == b"%PDF-":
        return pdf_to_text(data)
    text = decode(data)
    if lower.endswith((".html", ".htm")) or "html" in content_type:
        return html_to_text(text)
    if "\x00" in text:
        raise ValueError("binary content, not text")
    return text


def normalise(text: str) -> tuple[str, list[int] | None]:
    """NFKC, ASCII digits, folded Arabic letters, marks dropped; plus the offset map back.

    The map (None when nothing moved) gives for each normalised index the original index,
    with one extra entry for the end. Only characters outside the plain Latin/Arabic ranges
    are looked at one by one, so long texts stay fast.
    """
    text = text.translate(FOLD)
    if not SPECIAL.search(text):
        return text, None
    out: list[str] = []
    back: list[int] = []
    pos = 0
    for m in SPECIAL.finditer(text):
        i = m.start()
        if i > pos:
            out.append(text[pos:i])
            back.extend(range(pos, i))
        pos = m.end()
        if m.lastgroup == "dots":
            continue
        n = _char(m.group())
        out.append(n)
        back.extend([i] * len(n))
    if pos < len(text):
        out.append(text[pos:])
        back.extend(range(pos, len(text)))
    back.append(len(text))
    norm = "".join(out)
    return (norm, None) if norm == text else (norm, back)


@cache
def _char(ch: str) -> str:
    if DROP.match(ch):
        return ""
    return DROP.sub("", unicodedata.normalize("NFKC", ch).translate(FOLD))


@cache
def _langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    ident.set_languages(["en", "no", "nn", "da", "ar", "sv", "fr"])
    return ident


def detect_language(text: str) -> str | None:
    """ISO 639-1 of the whole text among the languages we read; Norwegian as bokmål."""
    sample = text[:5000]
    if not sample.strip():
        return None
    arabic = len(re.findall(r"[\u0600-\u06ff]", sample))
    latin = len(re.findall(r"[A-Za-z]", sample))
    if arabic > latin:
        return "ar"
    lang, _ = _langid().classify(sample)
    return "nb" if lang in ("no", "nn") else lang


def parse_published(value) -> tuple[date | None, str]:
    """A publication date and its precision (day, month, year, unknown) from metadata."""
    if value is None or value == "":
        return None, "unknown"
    if isinstance(value, date):
        return value, "day"
    s = str(value).strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", s):
        return date(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", s):
        return date(int(m[1]), int(m[2]), 1), "month"
    if m := re.fullmatch(r"(\d{4})", s):
        return date(int(m[1]), 1, 1), "year"
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", s):  # M/D/YY as FA-KES writes it
        y = int(m[3])
        y = y + 2000 if y < 100 else y
        try:
            return date(y, int(m[1]), int(m[2])), "day"
        except ValueError:
            return None, "unknown"
    import dateparser

    d = dateparser.parse(
        s, settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
    )
    return (d.date(), "day") if d else (None, "unknown")


def published_until(published: date | None, precision: str) -> date | None:
    """The last day a publication date of this precision allows ("2017-03": March 31)."""
    if published is None or precision == "day":
        return published
    if precision == "month":
        return month_end(published)
    if precision == "year":
        return published.replace(month=12, day=31)
    return None  # unknown: no bound


def month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def resolve_relative(
    kind: str, published: date, weekday: int | None = None
) -> tuple[date, date] | None:
    """The days a relative expression covers, seen from the publication date.

    kind is one of the codes the language files use (yesterday, last_week, this_year, ...);
    a weekday alone means the latest such day on or before publication.
    """
    p = published
    monday = p - timedelta(days=p.weekday())
    if kind == "weekday" and weekday is not None:
        d = p - timedelta(days=(p.weekday() - weekday) % 7)
        return d, d
    if kind == "this_week_weekday" and weekday is not None:
        d = monday + timedelta(days=weekday)
        return (d, d) if d <= p else (d - timedelta(days=7), d - timedelta(days=7))
    spans = {
        "today": (p, p),
        "yesterday": (p - timedelta(days=1), p - timedelta(days=1)),
        "this_week": (monday, p),
        "last_week": (monday - timedelta(days=7), monday - timedelta(days=1)),
        "last_weekend": (monday - timedelta(days=2), monday - timedelta(days=1))
        if p.weekday() < 5
        else (monday + timedelta(days=5), min(p, monday + timedelta(days=6))),
        "this_month": (p.replace(day=1), p),
        "past_month": (p - timedelta(days=30), p),
        "last_month": (
            (p.replace(day=1) - timedelta(days=1)).replace(day=1),
            p.replace(day=1) - timedelta(days=1),
        ),
        "this_year": (date(p.year, 1, 1), p),
        "last_year": (date(p.year - 1, 1, 1), date(p.year - 1, 12, 31)),
    }
    return spans.get(kind)


def resolve_relative_phrase(phrase: str, published: date, language: str) -> date | None:
    """Fallback for relative wording the language files do not list (dateparser)."""
    from datetime import datetime

    import dateparser

    d = dateparser.parse(
        phrase,
        languages=["nb" if language == "nb" else language],
        settings={
            "RELATIVE_BASE": datetime.combine(published, datetime.min.time()),
            "PREFER_DATES_FROM": "past",
        },
    )
    return d.date() if d else None
