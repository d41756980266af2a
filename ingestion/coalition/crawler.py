"""Live fetching of coalition releases: walk the paginated release index and the periodic-report
(PDF) list, fetch every release through the spine's polite fetcher and keep it, byte for byte, in
the raw zone.

The manifest it writes has the shape `ingestion.fetch` gives every source, so the coalition
parsers read crawled releases the same way as files. It is the union of every release the crawl
has ever seen, each at its latest version: a release that slipped past `max_pages`, sits on an
index page that failed today, or answered with an error keeps its last good copy instead of
vanishing from the source.
"""

from __future__ import annotations

import argparse
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from ingestion.http import FetchError, FetchResult, HttpFetcher
from ingestion.lake import Lake, http_state_key, manifest_key, sha256_hex

# DoD web sites (inherentresolve.mil, defense.gov) publish a release at /Article/<id>/<slug>/;
# the periodic civilian-harm reports are PDFs, often on another host (media.defense.gov).
RELEASE_LINKS = r"/Article/\d+(?:/|$)|\.pdf(?:$|\?)"
_PAGE_TEXT = re.compile(
    r"^(?:[«‹<]+\s*)?(?:next|older|newer|prev(?:ious)?|more|first|last)(?:\s+\w+)?(?:\s*[›»>]+)?$"
    r"|^[›»«‹<>]{1,2}$|^\d{1,4}$",
    re.I,
)
_PAGE_QUERY = re.compile(r"(?:^|&)(?:page|pg|p|start|offset)=\d+", re.I)
_PAGER_CLASS = re.compile(r"pag(?:ing|er|ination)", re.I)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class CrawlFailure:
    url: str
    kind: str  # index_page | release
    reason: str
    status: int | None = None


@dataclass
class CrawlSummary:
    source: str
    pages: list[str] = field(default_factory=list)  # index pages fetched, in crawl order
    releases: list[str] = field(default_factory=list)  # release links found, in crawl order
    fetched: int = 0  # releases answered with 200
    new_objects: int = 0  # releases whose bytes (or fetch record) were new to the raw zone
    not_modified: int = 0  # releases answered with 304
    bytes: int = 0
    truncated: bool = False  # stopped at max_pages with index pages still unvisited
    failures: list[CrawlFailure] = field(default_factory=list)
    manifest: list[dict] = field(default_factory=list)


def _normal(url: str) -> str:
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def _listed_date(a) -> str | None:
    """The date the index shows beside a link (a <time datetime> in the same list item)."""
    for parent in a.parents:
        if parent.name not in {"li", "article", "tr", "div"}:
            continue
        times = parent.find_all("time", attrs={"datetime": _ISO_DATE})
        if len(times) == 1:
            return times[0]["datetime"][:10]
        if times or parent.name != "div":  # several dates: this is the listing, not the item
            return None
    return None


def _is_page_link(a, url: str) -> bool:
    rel = {r.lower() for r in (a.get("rel") or [])}
    if rel & {"next", "prev", "previous"}:
        return True
    if _PAGE_QUERY.search(urlsplit(url).query):
        return True
    if _PAGE_TEXT.match(a.get_text(" ", strip=True)):
        return True
    return any(
        _PAGER_CLASS.search(" ".join(p.get("class") or []))
        for p in a.parents
        if p.name in {"nav", "ul", "ol", "div"}
    )


def index_links(
    html: bytes, page_url: str, hosts: set[str], link_pattern: str = RELEASE_LINKS
) -> tuple[list[dict], list[str]]:
    """(release links with their listing text and date, index-page links on the given hosts)."""
    soup = BeautifulSoup(html, "lxml")
    base = soup.find("base", href=True)
    root = urljoin(page_url, base["href"]) if base else page_url
    rx = re.compile(link_pattern, re.I)
    releases, pages, seen = [], [], set()
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = _normal(urljoin(root, href))
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or url in seen:
            continue
        if rx.search(parts.path + ("?" + parts.query if parts.query else "")):
            seen.add(url)
            releases.append(
                {
                    "url": url,
                    "link_text": a.get_text(" ", strip=True),
                    "listed_date": _listed_date(a),
                }
            )
        elif parts.netloc in hosts and _is_page_link(a, url):
            seen.add(url)
            pages.append(url)
    return releases, pages


def release_name(url: str, content_type: str) -> str:
    """A file name for the manifest: the URL's file name, or `<id>-<slug>.<ext>` for articles."""
    segments = [s for s in PurePosixPath(urlsplit(url).path).parts if s not in {"/", ""}]
    if segments and PurePosixPath(segments[-1]).suffix:
        return segments[-1]
    stem = "-".join(segments[-2:]) or urlsplit(url).netloc
    ext = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ""
    return stem + (".html" if ext in {".htm", ".html"} else ext)


def _get(fetcher: HttpFetcher, url: str, state: dict, known: bool) -> FetchResult:
    st = state.get(url, {}) if known else {}
    res = fetcher.get(url, etag=st.get("etag"), last_modified=st.get("last_modified"))
    if res.not_modified and not known:  # a validator without a stored copy: ask again in full
        res = fetcher.get(url)
    return res


def crawl_releases(
    index_url: str | Iterable[str],
    lake: Lake,
    *,
    source: str,
    fetcher: HttpFetcher | None = None,
    max_pages: int = 50,
    link_pattern: str = RELEASE_LINKS,
) -> CrawlSummary:
    """Walk the index pages from `index_url` (one URL or several seeds, e.g. the release index
    and the PDF report list), fetch every release link, store each in the raw zone unchanged and
    write `raw/manifests/<source>.json`. Failures are reported per URL and never stop the crawl.
    """
    seeds = [_normal(index_url)] if isinstance(index_url, str) else [_normal(u) for u in index_url]
    if not seeds:
        raise ValueError("crawl_releases: no index URL given")
    fetcher = fetcher or HttpFetcher()
    hosts = {urlsplit(u).netloc for u in seeds}
    summary = CrawlSummary(source)
    state_key = http_state_key(source)
    state = lake.read_json(state_key) if lake.exists(state_key) else {}
    mkey = manifest_key(source)
    previous = {d["location"]: d for d in (lake.read_json(mkey) if lake.exists(mkey) else [])}

    # 1. The index: breadth first, each URL and each page body once, only on the seeds' hosts.
    queue, queued, bodies, found = list(seeds), set(seeds), set(), {}
    while queue:
        if len(summary.pages) >= max_pages:
            summary.truncated = True
            break
        page = queue.pop(0)
        summary.pages.append(page)
        try:
            res = fetcher.get(page)
        except FetchError as e:
            summary.failures.append(CrawlFailure(page, "index_page", e.reason, e.status))
            continue
        if page in seeds:  # a seed that redirects (http -> https, a new host) moves its site
            hosts.add(urlsplit(res.url).netloc)
        digest = sha256_hex(res.data)
        if digest in bodies:  # the same page under a second address (?Page=1 and the bare URL)
            continue
        bodies.add(digest)
        releases, pages = index_links(res.data, res.url or page, hosts, link_pattern)
        for link in releases:
            found.setdefault(link["url"], link | {"index_page": page})
        for p in pages:
            if p not in queued:
                queued.add(p)
                queue.append(p)
    summary.releases = list(found)

    # 2. The releases: conditional GET against the state kept in the lake.
    manifest: dict[str, dict] = {}
    for url, link in found.items():
        try:
            res = _get(fetcher, url, state, known=url in previous)
        except FetchError as e:
            summary.failures.append(CrawlFailure(url, "release", e.reason, e.status))
            continue
        if res.not_modified and url not in previous:
            reason = "304 Not Modified without a stored copy, even when asked unconditionally"
            summary.failures.append(CrawlFailure(url, "release", reason, 304))
            continue
        if res.not_modified:
            summary.not_modified += 1
            manifest[url] = previous[url]
            continue
        meta = {"url": url, "index_page": link["index_page"], "link_text": link["link_text"]}
        if link["listed_date"]:
            meta["listed_date"] = link["listed_date"]
        sha, wrote = lake.store_raw(
            res.data,
            source=source,
            location=url,
            content_type=res.content_type,
            extra={"crawl": meta},
        )
        summary.fetched += 1
        summary.new_objects += wrote
        summary.bytes += len(res.data)
        state[url] = {"etag": res.etag, "last_modified": res.last_modified}
        manifest[url] = {
            "sha256": sha,
            "name": release_name(url, res.content_type),
            "location": url,
            "content_type": res.content_type,
            "bytes": len(res.data),
            "metadata": meta,
        }

    # 3. Keep what earlier crawls saw and this one could not reach.
    for url, entry in previous.items():
        manifest.setdefault(url, entry)
    summary.manifest = list(manifest.values())
    lake.write_json(state_key, state)
    if summary.manifest:
        lake.write_json(mkey, summary.manifest)
    return summary


def main(argv: list[str] | None = None) -> int:
    """`python -m ingestion.coalition.crawler URL [URL ...] --source NAME` into the settings' lake."""
    from ingestion.lake import open_lake
    from ingestion.settings import Settings

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("index_url", nargs="+")
    ap.add_argument("--source", required=True)
    ap.add_argument("--max-pages", type=int, default=50)
    ap.add_argument("--link-pattern", default=RELEASE_LINKS)
    args = ap.parse_args(argv)
    settings = Settings.from_env()
    fetcher = HttpFetcher(timeout=settings.http_timeout, min_interval=settings.http_min_interval)
    s = crawl_releases(
        args.index_url,
        open_lake(settings),
        source=args.source,
        fetcher=fetcher,
        max_pages=args.max_pages,
        link_pattern=args.link_pattern,
    )
    print(
        f"{s.source}: {len(s.pages)} index pages, {len(s.releases)} releases, {s.fetched} "
        f"fetched ({s.new_objects} new), {s.not_modified} unchanged, {len(s.failures)} failed"
        + (", stopped at --max-pages" if s.truncated else "")
    )
    for f in s.failures:
        print(f"  failed {f.kind} {f.url}: {f.reason}")
    return 1 if not s.manifest else 0


if __name__ == "__main__":
    raise SystemExit(main())
