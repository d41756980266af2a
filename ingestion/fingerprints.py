"""Stable digests: a row's id from its parts, and a hash of the files a result was made from.

Both must give the same value in every process and on every machine (Python's `hash()` does
not), so that ids stay put and an unchanged input is recognised as unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def row_id(*parts: object) -> str:
    """sha1 of the parts joined by the unit separator; None counts as empty."""
    return hashlib.sha1(
        "\x1f".join("" if p is None else str(p) for p in parts).encode()
    ).hexdigest()


def tree_hash(root: Path, suffixes: Iterable[str], skip: Iterable[str] = ()) -> str:
    """sha256 over the relative paths and bytes of the files under `root` with these suffixes,
    leaving out any path through a folder named in `skip`."""
    suffixes, skip = set(suffixes), set(skip)
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.suffix in suffixes and p.is_file() and not skip & set(rel.parts[:-1]):
            h.update(str(rel).encode())
            h.update(p.read_bytes())
    return h.hexdigest()
