"""The release crawler against a local web server serving the team's fixture copy of the site."""

from __future__ import annotations

import hashlib
import mimetypes
import shutil
import threading
from collections import Counter
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from ingestion.coalition.crawler import crawl_releases, index_links, release_name
from ingestion.coalition.monthly import parse_report_flow
from ingestion.coalition.statements import parse_report
from ingestion.http import HttpFetcher
from ingestion.lake import LocalLake, manifest_key, sha256_hex
from ingestion.parsing import RawDocument
from tests.conftest import PROJECT

SITE = PROJECT / "tests" / "fixtures" / "coalition_site"
INDEX = "/Releases/News-Releases/"
REPORTS = "/Resources/CIVHARM-Reports/"
ARTICLE = "/Releases/News-Releases/Article/{}/cjtf-oir-monthly-civilian-casualty-report/"
FLAKY = ARTICLE.format(1503018)  # answers 503 once, then the page
GONE = "/Releases/News-Releases/Article/1736001/statement-withdrawn/"  # linked, never there
PDFS = [
    f"/Portals/14/Documents/CIVHARM/CJTF-OIR-CIVHARM-Report-{q}.pdf" for q in ("2022-Q1", "2021-Q4")
]
RELEASES = [ARTICLE.format(a) for a in (2121904, 1738212, 1722210, 1503018, 1164208)] + [
    "/Releases/News-Releases/Article/1740023/coalition-strikes-continue-against-isis/"
]


class Site(BaseHTTPRequestHandler):
    """Static files like the CMS: `?Page=N` picks page-N.html, a folder its index.html."""

    root: Path
    honour_etag = True
    flaky: set[str]
    hits: Counter

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def _file(self, path: str, query: str) -> Path:
        target = self.root / unquote(path).lstrip("/")
        page = int(parse_qs(query).get("Page", ["1"])[0])
        if target.is_dir():
            target = target / ("index.html" if page == 1 else f"page-{page}.html")
        return target

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.hits[self.path] += 1
        if parts.path in self.flaky:
            self.flaky.discard(parts.path)
            self.send_error(503, "Service Unavailable")
            return
        target = self._file(parts.path, parts.query)
        if ".." in parts.path or not target.is_file():
            self.send_error(404, "Not Found")
            return
        data = target.read_bytes()
        etag = f'"{hashlib.sha1(data).hexdigest()}"'
        if self.honour_etag and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(target.name)[0] or "text/plain")
        self.send_header("Content-Length", str(len(data)))
        if self.honour_etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def site(tmp_path, request):
    """(base URL, handler class, served folder): a private copy, so a test may edit pages."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    handler = type(
        "FixtureSite",
        (Site,),
        {
            "root": root,
            "flaky": {FLAKY},
            "hits": Counter(),
            "honour_etag": getattr(request, "param", True),
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler, root
    server.shutdown()
    server.server_close()


def fetcher() -> HttpFetcher:
    return HttpFetcher(timeout=5, retries=2, backoff=0, min_interval=0)


def crawl(base: str, lake: LocalLake, **kw):
    return crawl_releases(
        [base + INDEX, base + REPORTS], lake, source="coalition_live", fetcher=fetcher(), **kw
    )


def raw_doc(lake: LocalLake, entry: dict) -> RawDocument:
    return RawDocument(
        entry["sha256"],
        "coalition_live",
        "coalition",
        entry["location"],
        entry["name"],
        entry["content_type"],
        datetime.now(UTC),
        lake.read_raw(entry["sha256"]),
        entry["metadata"],
    )


def test_crawl_finds_every_release_across_pages(site, tmp_path):
    base, handler, root = site
    lake = LocalLake(tmp_path / "lake")
    s = crawl(base, lake)
    assert sorted(s.releases) == sorted(base + p for p in RELEASES + PDFS + [GONE])
    # index pages: 3 release pages (+ ?Page=1, the first page again under a second address) and
    # the report list; each asked for once, and the other host's page link never followed
    pages = [p.removeprefix(base) for p in s.pages]
    assert sorted(pages) == sorted(
        [INDEX, INDEX + "?Page=2", INDEX + "?Page=3", INDEX + "?Page=1", REPORTS]
    )
    assert all(handler.hits[p] == 1 for p in pages) and not s.truncated
    assert not any("defense.gov" in p for p in s.pages)
    # the 404 is reported with its reason; the 503 was retried and stored like the rest
    assert [(f.url, f.kind, f.status) for f in s.failures] == [(base + GONE, "release", 404)]
    assert "404" in s.failures[0].reason
    assert handler.hits[FLAKY] == 2
    assert s.fetched == s.new_objects == len(RELEASES) + len(PDFS) == len(s.manifest)
    # stored unchanged, manifest in the shape fetch.py writes
    manifest = lake.read_json(manifest_key("coalition_live"))
    assert manifest == s.manifest
    for entry in manifest:
        path = urlsplit(entry["location"]).path
        served = root / path.lstrip("/")
        served = served / "index.html" if served.is_dir() else served
        assert lake.read_raw(entry["sha256"]) == served.read_bytes()
        assert entry["sha256"] == sha256_hex(served.read_bytes())
        assert entry["bytes"] == served.stat().st_size
        assert set(entry) == {"sha256", "name", "location", "content_type", "bytes", "metadata"}
        assert entry["metadata"]["url"] == entry["location"]
    by_name = {e["name"]: e for e in manifest}
    assert by_name["CJTF-OIR-CIVHARM-Report-2021-Q4.pdf"]["content_type"] == "application/pdf"
    assert by_name["CJTF-OIR-CIVHARM-Report-2021-Q4.pdf"]["metadata"]["listed_date"] == "2022-02-15"
    assert (
        by_name["2121904-cjtf-oir-monthly-civilian-casualty-report.html"]["metadata"]["listed_date"]
        == "2020-03-25"
    )
    assert len(lake.list("raw/sha256/")) == len(manifest)


def test_second_crawl_gets_304s_and_stores_nothing(site, tmp_path):
    base, handler, _ = site
    lake = LocalLake(tmp_path / "lake")
    first = crawl(base, lake)
    objects = lake.list("raw/")
    second = crawl(base, lake)
    assert second.not_modified == len(first.manifest) and second.fetched == 0
    assert second.new_objects == 0 and lake.list("raw/sha256/") == [
        k for k in objects if k.startswith("raw/sha256/")
    ]
    assert second.manifest == first.manifest
    assert [f.status for f in second.failures] == [404]
    assert handler.hits[RELEASES[0]] == 2  # asked again, answered 304


@pytest.mark.parametrize("site", [False], indirect=True)
def test_second_crawl_without_etags_stores_nothing_new(site, tmp_path):
    base, _, _ = site
    lake = LocalLake(tmp_path / "lake")
    first = crawl(base, lake)
    second = crawl(base, lake)
    assert second.not_modified == 0 and second.fetched == len(first.manifest)
    assert second.new_objects == 0 and second.manifest == first.manifest


def test_changed_release_is_stored_again(site, tmp_path):
    base, _, root = site
    lake = LocalLake(tmp_path / "lake")
    first = crawl(base, lake)
    page = root / ARTICLE.format(2121904).lstrip("/") / "index.html"
    page.write_text(
        page.read_text().replace("100 reports are still open", "101 reports are still open")
    )
    second = crawl(base, lake)
    assert (second.fetched, second.new_objects) == (1, 1)
    assert second.not_modified == len(first.manifest) - 1
    changed = {e["location"]: e["sha256"] for e in second.manifest}[base + ARTICLE.format(2121904)]
    assert changed == sha256_hex(page.read_bytes())
    assert len(lake.list("raw/sha256/")) == len(first.manifest) + 1  # the old copy stays


def test_max_pages_and_manifest_keeps_earlier_releases(site, tmp_path):
    base, _, _ = site
    lake = LocalLake(tmp_path / "lake")
    full = crawl(base, lake)
    short = crawl_releases(
        base + INDEX, lake, source="coalition_live", fetcher=fetcher(), max_pages=1
    )
    assert short.truncated and short.pages == [base + INDEX]
    assert sorted(short.releases) == sorted(base + p for p in RELEASES[:2] + RELEASES[-1:] + [GONE])
    # releases only a longer crawl reached stay in the source at their last copy
    assert sorted(e["location"] for e in short.manifest) == sorted(
        e["location"] for e in full.manifest
    )


def test_crawled_releases_parse_into_the_right_months(site, tmp_path):
    base, _, _ = site
    lake = LocalLake(tmp_path / "lake")
    s = crawl(base, lake)
    entries = {e["location"].removeprefix(base): e for e in s.manifest}
    rows = {}
    for a in (2121904, 1738212, 1722210, 1503018, 1164208):
        d = raw_doc(lake, entries[ARTICLE.format(a)])
        row = parse_report_flow(d).tables["coalition_monthly_reports"].row(0, named=True)
        assert row["source_url"] == d.location and row["source"] == "coalition_live"
        rows[row["month_covered"]] = row
    assert sorted(rows) == [
        date(2017, 3, 1),
        date(2018, 3, 1),
        date(2018, 11, 1),
        date(2018, 12, 1),
        date(2020, 2, 1),
    ]
    figures = (
        "reports_carried_over",
        "reports_received",
        "reports_completed",
        "non_credible",
        "open_at_end",
        "deaths_in_credible",
        "cumulative_deaths",
        "cumulative_strikes",
    )
    got = {m.isoformat()[:7]: tuple(r[k] for k in figures) for m, r in rows.items()}
    # the figures published for those months (cjtf_oir_monthly_reports.csv)
    assert got == {
        "2017-03": (43, 27, 28, 17, 42, 45, 352, 20205),
        "2018-03": (522, 122, 49, 46, 475, 28, 883, 29307),
        "2018-11": (194, 15, 25, 20, 184, 15, 1139, 31406),
        "2018-12": (184, 10, 12, 6, 182, 51, 1190, 32397),
        "2020-02": (98, 40, 38, 37, 100, 7, 1377, 34791),
    }
    assert rows[date(2018, 11, 1)]["report_date"] == date(2018, 12, 30)
    assert rows[date(2017, 3, 1)]["cumulative_engagements"] == 42089
    # the incident lines of the HTML release and of a PDF report
    html = parse_report(raw_doc(lake, entries[ARTICLE.format(2121904)]))
    t = html.tables["coalition_incident_verdicts"]
    assert t["verdict"].to_list() == ["credible", "non_credible", "non_credible"]
    assert t["civilians_killed"].to_list() == [7, 0, 0]
    assert t["country"].to_list() == ["SY", "SY", "IQ"]
    pdf = parse_report(raw_doc(lake, entries[PDFS[1]])).tables["coalition_incident_verdicts"]
    assert pdf["verdict"].to_list() == ["credible", "non_credible"]
    assert pdf["report_date"].to_list() == [date(2022, 2, 15)] * 2
    assert pdf["incident_date_start"].to_list() == [date(2021, 11, 3), date(2021, 12, 14)]


def test_index_links_and_names():
    html = (SITE / "Releases" / "News-Releases" / "page-2.html").read_bytes()
    base = "https://www.inherentresolve.mil/Releases/News-Releases/?Page=2"
    releases, pages = index_links(html, base, {"www.inherentresolve.mil"})
    assert [r["url"].rsplit("/Article/", 1)[1] for r in releases] == [
        "1722210/cjtf-oir-monthly-civilian-casualty-report/",
        "1503018/cjtf-oir-monthly-civilian-casualty-report/",
    ]
    assert [r["listed_date"] for r in releases] == ["2018-12-30", "2018-04-26"]
    index = "https://www.inherentresolve.mil/Releases/News-Releases/"
    # "« Previous", "1", "3", "Next ›" in the pager; not the header's "News Releases" link, and
    # not the pager's link to another host
    assert pages == [index + "?Page=1", index, index + "?Page=3"]
    assert release_name(releases[0]["url"], "text/html; charset=utf-8") == (
        "1722210-cjtf-oir-monthly-civilian-casualty-report.html"
    )


def test_unreachable_index_is_reported(tmp_path):
    lake = LocalLake(tmp_path / "lake")
    s = crawl_releases(
        "http://127.0.0.1:9/Releases/",
        lake,
        source="coalition_live",
        fetcher=HttpFetcher(timeout=1, retries=0, min_interval=0),
    )
    assert [f.kind for f in s.failures] == ["index_page"] and not s.releases
    assert "request failed" in s.failures[0].reason or "retries" in s.failures[0].reason
    assert not lake.exists(manifest_key("coalition_live"))  # nothing found, nothing overwritten


def test_command_line_crawls_into_the_settings_lake(site, civcas_env, tmp_path, capsys):
    from ingestion.coalition.crawler import main

    base, _, _ = site
    settings = civcas_env(CIVCAS_LAKE=str(tmp_path / "cli_lake"), CIVCAS_HTTP_MIN_INTERVAL="0")
    assert main([base + INDEX, "--source", "coalition_live", "--max-pages", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 index pages, 4 releases, 3 fetched (3 new)" in out and "failed release" in out
    manifest = LocalLake(settings.lake).read_json(manifest_key("coalition_live"))
    assert len(manifest) == 3


def test_registry_source_with_crawler_fetches_and_stages(site, tmp_path, civcas_env):
    """A registry entry with `crawler:` (as in registries/live.yaml) goes through the spine's
    fetch and staging like any other source: releases land raw, then parse into staged rows."""
    from ingestion.fetch import fetch_source
    from ingestion.registry import Source
    from ingestion.staging import read_staged, stage_source

    base, _handler, _root = site
    settings = civcas_env(CIVCAS_HTTP_MIN_INTERVAL="0")
    lake = LocalLake(tmp_path / "lake")
    src = Source(
        name="cjtf_oir_releases",
        family="coalition",
        location=base + INDEX,
        urls=(base + INDEX, base + REPORTS),
        crawler="ingestion.coalition.crawler:crawl_releases",
        parsers=("ingestion.coalition.monthly:parse_report_flow",),
    )
    summary = fetch_source(src, lake, settings, fetcher=fetcher())
    assert summary.documents == len(RELEASES) + len(PDFS)
    staged = stage_source(src, lake)
    assert staged.rows.get("coalition_monthly_reports", 0) >= 5
    months = read_staged("coalition_monthly_reports", lake)["month_covered"].to_list()
    assert len({m for m in months if m is not None}) >= 5
