"""A polite HTTP fetcher: timeouts, retries with backoff, conditional GET, one host at a pace."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

USER_AGENT = "civcas/0.1 (+https://github.com/civcas; casualty-data research)"


class FetchError(RuntimeError):
    """A URL that could not be fetched, with the reason in words."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status = url, reason, status


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    data: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HttpFetcher:
    def __init__(
        self,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
        min_interval: float = 1.0,
    ):
        self.timeout = timeout
        self.min_interval = min_interval
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            now = time.monotonic()
            wait = self._last.get(host, -1e9) + self.min_interval - now
            if wait > 0:
                time.sleep(wait)
            self._last[host] = time.monotonic()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._wait_turn(url)
        try:
            r = self.session.get(url, headers=headers, timeout=self.timeout)
        except requests.exceptions.RetryError as e:
            raise FetchError(url, f"gave up after retries ({e})") from e
        except requests.RequestException as e:
            raise FetchError(url, f"request failed: {e.__class__.__name__}: {e}") from e
        if r.status_code == 304:
            return FetchResult(url, 304, b"", "", etag, last_modified)
        if r.status_code >= 400:
            raise FetchError(url, f"HTTP {r.status_code} {r.reason}", r.status_code)
        return FetchResult(
            url=r.url,
            status=r.status_code,
            data=r.content,
            content_type=r.headers.get("Content-Type", "application/octet-stream"),
            etag=r.headers.get("ETag"),
            last_modified=r.headers.get("Last-Modified"),
        )
