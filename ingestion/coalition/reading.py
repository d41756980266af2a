"""Plain text out of a coalition release, whatever it was published as (HTML, PDF or text)."""

from __future__ import annotations

import re

from ingestion.parsing import RawDocument


def _kind(doc: RawDocument) -> str:
    head = doc.data[:1024].lstrip().lower()
    name = doc.name.lower()
    if head.startswith(b"%pdf") or "pdf" in (doc.content_type or "") or name.endswith(".pdf"):
        return "pdf"
    if b"<html" in head or b"<!doctype html" in head or "html" in (doc.content_type or ""):
        return "html"
    return "text"


def is_pdf(doc: RawDocument) -> bool:
    return _kind(doc) == "pdf"


def _pdf_text(doc: RawDocument) -> str:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(doc.data)
    except pdfium.PdfiumError as exc:
        raise ValueError(f"{doc.name}: not a readable PDF ({exc})") from exc
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _html_text(doc: RawDocument) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(doc.data, "lxml")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript"]):
        tag.decompose()
    body = soup.find("article") or soup.body or soup
    return body.get_text("\n")


def report_text(doc: RawDocument) -> str:
    """The release's text with line breaks kept (lines matter: one incident per line)."""
    kind = _kind(doc)
    if kind == "pdf":
        text = _pdf_text(doc)
    elif kind == "html":
        text = _html_text(doc)
    else:
        try:
            text = doc.text()
        except UnicodeDecodeError as exc:
            raise ValueError(f"{doc.name}: neither PDF, HTML nor decodable text ({exc})") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    if not re.search(r"[A-Za-z]{3}", text):
        raise ValueError(f"{doc.name}: no readable text in this {kind} document")
    return text
