"""Belligerent text as monitors write it -> the claim contract's perpetrator codes.

The mapping is data (`belligerents.yaml`) so a new spelling is a one-line change. Names with
no contract code map to `unknown` and are reported (warning); text never seen before raises,
so drift is caught at the parser instead of being silently counted as unknown.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

BELLIGERENTS_FILE = Path(__file__).with_name("belligerents.yaml")


class UnknownBelligerent(ValueError):
    """Belligerent text with no entry in belligerents.yaml."""


@cache
def _data() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    doc = yaml.safe_load(BELLIGERENTS_FILE.read_text(encoding="utf-8"))
    names = {code: v["name"] for code, v in doc["belligerents"].items()}
    alias = {}
    for code, v in doc["belligerents"].items():
        for a in [code, v["name"], *v.get("aliases", [])]:
            alias[_norm(a)] = code
    loose = frozenset(_norm(a) for a in doc.get("no_contract_code", []))
    return names, alias, loose


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", str(s)).strip().lower()


BELLIGERENTS: dict[str, str] = dict(_data()[0])


def belligerent_code(raw: str) -> tuple[str, bool]:
    """(code, exact): exact is False when the name has no contract code and became 'unknown'."""
    names, alias, loose = _data()
    n = _norm(raw)
    if n in alias:
        return alias[n], True
    if n in loose:
        return "unknown", False
    raise UnknownBelligerent(f"belligerent {raw!r} not in {BELLIGERENTS_FILE.name}")


def split_belligerents(raw: str | None) -> list[str]:
    """The names in a comma/semicolon/newline-separated belligerent field, trimmed."""
    if raw is None:
        return []
    return [p.strip() for p in re.split(r"[,;\n|]", str(raw)) if p.strip()]


def belligerent_codes(raw: str | None) -> list[str]:
    """Distinct codes, in order of appearance, for a belligerent field ('' or None -> [])."""
    out: list[str] = []
    for part in split_belligerents(raw):
        code, _ = belligerent_code(part)
        if code not in out:
            out.append(code)
    return out


def unmapped_names(raw: str | None) -> list[str]:
    """Names in the field that have no contract code (published as 'unknown')."""
    return [p for p in split_belligerents(raw) if not belligerent_code(p)[1]]
