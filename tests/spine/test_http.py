"""The HTTP fetcher against a local server serving fixture pages."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingestion.http import FetchError, HttpFetcher

PAGE = b"<html><body><p>CJTF-OIR monthly civilian casualty report</p></body></html>"


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *a):
        pass

    def do_GET(self):
        n = Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/flaky" and n <= 2:
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        if self.path in {"/flaky", "/page"}:
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("ETag", '"v1"')
            self.send_header("Last-Modified", "Tue, 30 Apr 2019 12:00:00 GMT")
            self.end_headers()
            self.wfile.write(PAGE)
            return
        self.send_response(404)
        self.end_headers()


@pytest.fixture
def server():
    Handler.hits = {}
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_retries_a_503_then_succeeds(server):
    f = HttpFetcher(backoff=0.01, min_interval=0)
    r = f.get(f"{server}/flaky")
    assert r.status == 200 and r.data == PAGE
    assert Handler.hits["/flaky"] == 3


def test_honours_304_with_conditional_get(server):
    f = HttpFetcher(min_interval=0)
    first = f.get(f"{server}/page")
    assert first.etag == '"v1"' and first.last_modified
    again = f.get(f"{server}/page", etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.data == b""


def test_fails_clearly_on_404(server):
    f = HttpFetcher(min_interval=0, backoff=0.01)
    with pytest.raises(FetchError, match="HTTP 404") as e:
        f.get(f"{server}/missing")
    assert e.value.status == 404
    assert Handler.hits["/missing"] == 1, "a 404 is not retried"


def test_gives_up_after_retries(server):
    f = HttpFetcher(retries=1, backoff=0.01, min_interval=0)
    Handler.hits["/flaky"] = -10  # keeps answering 503
    with pytest.raises(FetchError, match="503|retries"):
        f.get(f"{server}/flaky")


def test_polite_rate_limit_per_host(server):
    import time

    f = HttpFetcher(min_interval=0.3)
    t = time.monotonic()
    f.get(f"{server}/page")
    f.get(f"{server}/page")
    assert time.monotonic() - t >= 0.3


def test_fetch_source_over_https_registry(server, tmp_path, civcas_env):
    """A registry source at an http(s) location lands unchanged in the raw zone; a rerun sends
    a conditional GET and stores nothing new."""
    from ingestion.fetch import fetch_source
    from ingestion.lake import LocalLake
    from ingestion.registry import Source

    settings = civcas_env(CIVCAS_HTTP_MIN_INTERVAL="0")
    lake = LocalLake(tmp_path / "lake")
    src = Source(name="cjtf_releases", family="coalition", location=f"{server}/page", parsers=())
    first = fetch_source(src, lake, settings)
    assert first.documents == 1 and first.new_objects == 1
    assert lake.read_raw(first.manifest[0]["sha256"]) == PAGE
    second = fetch_source(src, lake, settings)
    assert second.not_modified == 1 and second.new_objects == 0
    assert second.manifest == first.manifest
