"""Verdict rows from the statements CSV and from report documents (text, HTML, PDF)."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from ingestion.coalition.monthly import flow_figures, parse_report_flow
from ingestion.coalition.statements import parse_report, parse_statements_csv
from ingestion.parsing import RawDocument
from tests.conftest import PROJECT, shared_path

SAMPLE = PROJECT / "ingestion" / "sample" / "coalition"


def doc(data: bytes, name: str, content_type: str = "text/plain", **meta) -> RawDocument:
    return RawDocument("0" * 64, "coalition_test", "coalition", f"/x/{name}", name, content_type,
                       datetime.now(UTC), data, meta)  # fmt: skip


def file_doc(path: Path) -> RawDocument:
    return doc(path.read_bytes(), path.name, "text/csv")


def test_sample_statements_csv():
    result = parse_statements_csv(file_doc(SAMPLE / "incident_statements.csv"))
    t = result.tables["coalition_incident_verdicts"].sort("incident_code")
    assert t["verdict"].to_list() == ["credible", "non_credible", "non_credible", "duplicate",
                                      "open"]  # fmt: skip
    assert t["civilians_killed"].to_list()[:2] == [3, 0]
    assert t["reason_code"].to_list()[1:3] == ["no_coalition_strikes", "insufficient_information"]
    assert t["recorded_assessment"].to_list()[-1] == "open"  # open_incident mapped
    assert t["date_precision"].to_list()[-1] == "range"
    assert t["latitude"].null_count() == 2  # the 5-digit grid and the line with none
    rules = [(f.rule, f.severity) for f in result.findings]
    assert rules == [("coalition_mgrs_invalid", "warning")]
    assert t["line_id"].n_unique() == t.height


def test_real_statements_csv():
    path = shared_path("corpus", "coalition", "cjtf_oir_incident_statements.csv")
    result = parse_statements_csv(file_doc(path))
    t = result.tables["coalition_incident_verdicts"]
    held = len(result.quarantine)
    assert t.height + held == 1872 and held == 1  # the one row with no statement text
    assert t["line_id"].n_unique() == t.height
    assert set(t["verdict"].drop_nulls()) == {"credible", "non_credible", "duplicate"}
    conceded = t.filter(t["verdict"] == "credible")["civilians_killed"].sum()
    assert 500 < conceded < 2000
    assert t["latitude"].drop_nulls().is_between(32, 38).all()
    assert t["report_date"].null_count() < 15
    assert t["country"].null_count() <= 5  # from the line, else from the Airwars code (CS/CI)
    # the one line that names the person killed keeps its verdict, not the name
    assert t["statement_text"].str.contains(r"\[name withheld\]").sum() == 1
    assert not t["statement_text"].str.contains(r"\bMr\.? [A-Z]").any()
    # CS965a and CS965b restate CS965's eight deaths with a note that they count only there
    by_code = t.filter(t["incident_code"].is_in(["CS965", "CS965a", "CS965b"]))
    assert by_code.group_by("incident_code").agg(pl.col("civilians_killed").max()).sort(
        "incident_code"
    )["civilians_killed"].to_list() == [8, 0, 0]
    moved = [f for f in result.findings if f.rule == "coalition_figures_counted_elsewhere"]
    assert [(f.observed, f.expected) for f in moved] == [
        ("8 killed, 24 injured", "counted under CS965, 0 here")
    ] * 2


def test_note_moving_figures_to_another_incident():
    head = (
        "sequence,incident_code,statement_index,statement_date,statement_source_url,statement_text"
    )
    text = (
        '"March 3, 2017, near Mosul, Iraq, via Airwars report. Regrettably, two civilians were '
        "unintentionally killed. [Counted in the tally once: the deaths are counted under "
        'CI100 only]."'
    )
    rows = [f"1,CI100a,0,2017-05-01,https://example.org/r,{text}",
            f"2,CI100,0,2017-05-01,https://example.org/r,{text}"]  # fmt: skip
    result = parse_statements_csv(doc("\n".join([head, *rows]).encode(), "s.csv", "text/csv"))
    t = result.tables["coalition_incident_verdicts"].sort("incident_code")
    assert t["incident_code"].to_list() == ["CI100", "CI100a"]
    assert t["verdict"].to_list() == ["credible", "credible"]  # the verdict stands
    assert t["civilians_killed"].to_list() == [2, 0]  # the deaths count once, at CI100


def test_text_report_split_into_lines():
    result = parse_report(file_doc(SAMPLE / "monthly_report_2019_04.txt"))
    t = result.tables["coalition_incident_verdicts"]
    assert t.height == 3
    assert t["report_date"].unique().to_list() == [date(2019, 5, 31)]
    assert t["verdict"].to_list() == ["credible", "non_credible", "non_credible"]
    assert (t["civilians_killed"][0], t["civilians_injured"][0]) == (2, 1)
    assert t["incident_date_start"][2] == date(2019, 3, 14)  # "14 MAR 19"
    assert t["mgrs"][2] == "37SFU796242"  # written "37S FU 796 242"


def test_html_report():
    html = b"""<html><head><title>CJTF-OIR monthly report</title><style>p{}</style></head>
    <body><nav>Home | News</nav><article><p>Release No. 20190425-01</p>
    <p>Non-credible reports:</p><ol>
    <li>Dec. 5, 2018, near Example Town, Syria, via Airwars report. After a review of all
    available records it was assessed that no Coalition actions were conducted in the
    geographical area that corresponds to the report of civilian casualties. 3001/CS1001</li>
    <li>Dec. 9, 2018, near Other Place, Iraq, via self-report. Regrettably, four civilians were
    unintentionally killed.</li></ol></article></body></html>"""
    t = parse_report(doc(html, "release.html", "text/html")).tables["coalition_incident_verdicts"]
    assert t["verdict"].to_list() == ["non_credible", "credible"]
    assert t["country"].to_list() == ["SY", "IQ"]
    assert t["civilians_killed"].to_list() == [0, 4]
    assert t["report_date"].to_list() == [date(2019, 4, 25)] * 2


def test_unreadable_reports_give_clear_errors():
    with pytest.raises(ValueError, match="not a readable PDF"):
        parse_report(doc(b"%PDF-1.4 truncated", "report.pdf", "application/pdf"))
    with pytest.raises(ValueError, match="no incident lines"):
        parse_report(doc(b"Nothing about any incident here.", "note.txt"))
    with pytest.raises(ValueError, match="missing columns"):
        parse_statements_csv(doc(b"a,b\n1,2\n", "other.csv", "text/csv"))


def _pdf(lines: list[str]) -> bytes:
    """A one-page text PDF written by hand (Helvetica, one text line per entry)."""
    esc = [x.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(")
           .replace(")", "\\)") for x in lines]  # fmt: skip
    content = "BT /F1 10 Tf 40 750 Td 12 TL " + " ".join(f"({x}) '" for x in esc) + " ET"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_report_with_wrapped_line():
    data = _pdf([
        "Release No. 20210310-01",
        "July 4, 2020, near Example Farm, Syria, via Airwars report. After a review of all",
        "available records it was assessed that no Coalition actions were conducted in the",
        "geographical area. 3301/CS1950 37SFU781164",
    ])  # fmt: skip
    t = parse_report(doc(data, "periodic.pdf", "application/pdf")).tables[
        "coalition_incident_verdicts"
    ]
    row = t.row(0, named=True)
    assert t.height == 1 and row["report_date"] == date(2021, 3, 10)
    assert (row["verdict"], row["reason_code"]) == ("non_credible", "no_coalition_strikes")
    assert (row["report_number"], row["incident_code"]) == ("3301", "CS1950")
    assert row["latitude"] is not None


def _real_text(sequence: int) -> str:
    path = shared_path("corpus", "coalition", "cjtf_oir_incident_statements.csv")
    rows = pl.read_csv(path, infer_schema=False).filter(pl.col("sequence") == str(sequence))
    return rows["statement_text"][0]


def _wrapped(text: str) -> list[str]:
    """The text's lines as a PDF page would set them: wrapped at 95 characters."""
    return [w for line in text.split("\n") for w in (textwrap.wrap(line, 95) or [""])]


def test_pdf_headings_and_page_furniture_stay_out_of_lines():
    # the two incident lines of a real 2021 PDF release, with the headings and page furniture
    # of a periodic report between them (no blank lines: PDF text extraction gives none)
    real = [line for line in _real_text(2503).split("\n") if re.match(r"[12]\. ", line)]
    assert len(real) == 2
    data = _pdf(["Release No. 20210920-03", "Non-Credible Reports", *_wrapped(real[0]),
                 "UNCLASSIFIED", "Page 2 of 3", "Credible Reports", *_wrapped(real[1]),
                 "Open Allegations:", "The following reports remain open."])  # fmt: skip
    t = parse_report(doc(data, "periodic.pdf", "application/pdf")).tables[
        "coalition_incident_verdicts"
    ]
    assert t.height == 2
    assert [x.rsplit(" ", 1)[1] for x in t["statement_text"]] == ["37SFU677407", "37SFU786153"]
    assert t["verdict"].to_list() == ["non_credible", "non_credible"]
    assert t["incident_code"].to_list() == ["CS1857", "CS1893"]


def test_real_pdf_release_gives_flow_and_lines():
    """A real 2021 release (text from its PDF): the flow paragraph is read by the flow reader,
    the two incident lines by the line reader, and the dateline is neither."""
    data = _pdf(_wrapped(_real_text(2503)))
    d = doc(data, "release.pdf", "application/pdf")
    row = parse_report_flow(d).tables["coalition_monthly_reports"].row(0, named=True)
    got = {k: row[k] for k in ("reports_carried_over", "reports_received", "reports_completed",
                               "open_at_end", "cumulative_deaths", "cumulative_strikes")}  # fmt: skip
    assert got == {"reports_carried_over": 106, "reports_received": 0, "reports_completed": 2,
                   "open_at_end": 105, "cumulative_deaths": 1417,
                   "cumulative_strikes": 34991}  # fmt: skip
    assert row["deaths_in_credible"] is None  # no line's count taken for the month's
    assert row["month_covered"] == date(2021, 7, 1)
    lines = parse_report(d).tables["coalition_incident_verdicts"]
    assert lines.height == 2 and lines["report_date"].to_list() == [date(2021, 9, 20)] * 2


def test_periodic_pdf_without_flow_paragraph_gives_no_monthly_row():
    """A CIVHARM periodic report lists incident lines only: the flow reader leaves it to the
    line reader instead of taking a line's 'one civilian ... killed' or a year as figures."""
    data = _pdf([
        "Combined Joint Task Force - Operation Inherent Resolve",
        "Periodic CIVHARM Report (invented for this test) 2022",
        "Release No. 20220215-01",
        "In 2021 strikes continued against remaining ISIS cells.",
        "Assessments completed this period:",
        "1. Nov. 3, 2021, near Example Town, Syria, via self-report. Coalition aircraft struck a",
        "vehicle. Regrettably, one civilian was unintentionally killed. 9301/CS9301",
    ])  # fmt: skip
    d = doc(data, "civharm.pdf", "application/pdf")
    assert parse_report_flow(d).tables == {}
    assert parse_report(d).tables["coalition_incident_verdicts"]["civilians_killed"][0] == 1
    # the same text as a web page is not a monthly report either, and says so
    with pytest.raises(ValueError, match="no monthly flow figures"):
        parse_report_flow(doc(b"In 2021 strikes continued. Coalition forces conducted 12 "
                              b"strikes.", "strikes.txt"))  # fmt: skip


def test_flow_figures_skip_years_and_report_numbers():
    text = (
        "Report 2024 reports carried over. In 2021 strikes continued. Between August 2014 "
        "and the end of July 2021, the Coalition conducted a total of 34,991 strikes."
    )
    assert flow_figures(text)["cumulative_strikes"] == 34991
    assert "reports_carried_over" not in flow_figures(text)
