"""The three quality measures of the extractor (issue 5), callable from tests and a CLI.

python -m ingestion.claims.evaluate [--shared PATH]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

from ingestion.claims.extract import extract, find_numerals
from ingestion.claims.lexicon import load
from ingestion.documents import normalise, parse_published

PROJECT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    return Path(os.environ.get("CIVCAS_SHARED", PROJECT.parent / "shared"))


def _score_module(shared: Path):
    spec = importlib.util.spec_from_file_location(
        "score_claims", shared / "tools" / "score_claims.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seed_claims(shared: Path | None = None) -> list[dict]:
    shared = shared or shared_dir()
    seeds = shared / "seeds"
    out = []
    for m in json.loads((seeds / "metadata.json").read_text(encoding="utf-8")):
        text = (seeds / m["file"]).read_text(encoding="utf-8")
        published, precision = parse_published(m.get("published"))
        out += extract(
            text,
            doc_id=m["doc_id"],
            language=m.get("language"),
            published=published,
            published_precision=precision,
        )
    return out


def seeds_score(shared: Path | None = None) -> dict:
    """score_claims.py on the five seeds: detection P/R/F1 and per-field accuracy."""
    shared = shared or shared_dir()
    mod = _score_module(shared)
    gold = mod.load(str(shared / "seeds" / "gold_claims.jsonl"))
    return mod.score(gold, seed_claims(shared))


def fakes_rows(path: Path):
    with open(path, "rb") as fh:
        from ingestion.documents import decode

        text = decode(fh.read())
    yield from csv.DictReader(io.StringIO(text))


def fakes_text(row: dict) -> str:
    return row["article_content"]


def _has(claims: list[dict], victims: set[str], n: int) -> bool:
    return any(
        c["measure"] == "killed"
        and c["victims"] in victims
        and n in (c["count_low"], c["count_high"])
        for c in claims
    )


def fakes_score(shared: Path | None = None) -> dict:
    """Share of annotated FA-KES articles with a killed claim of exactly the annotated count."""
    path = (shared or shared_dir()) / "corpus" / "news" / "fakes_dev.csv"
    tallies = {k: [0, 0] for k in ("civilians", "children", "women")}
    missed: list[str] = []
    for row in fakes_rows(path):
        published, _ = parse_published(row.get("date"))
        claims = extract(
            fakes_text(row), doc_id=f"fakes-{row['unit_id']}", language="en", published=published
        )
        for key, victims in (
            ("civilians", {"civilians", "people"}),
            ("children", {"children"}),
            ("women", {"women"}),
        ):
            n = int(float(row.get(f"nb_{key}") or 0))
            if n > 0:
                tallies[key][1] += 1
                if _has(claims, victims, n):
                    tallies[key][0] += 1
                elif key == "civilians":
                    missed.append(row["unit_id"])
    return {
        k: {"hit": h, "of": t, "rate": round(h / t, 3) if t else None}
        for k, (h, t) in tallies.items()
    } | {"missed_civilians": missed}


def airwars_docs(path: Path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def airwars_language(doc: dict) -> str | None:
    """The text's own language: Airwars' tag names the source, and scraped pages mix scripts."""
    from ingestion.documents import detect_language

    return detect_language(doc.get("text") or "") or doc.get("language")


def _num(v) -> int | None:
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return None


def figure_meets(text: str, language: str | None, lo: int, hi: int) -> bool:
    """Whether any number in the text, whatever it counts, meets lo..hi.

    The ceiling of the Airwars measure: a text whose numbers all miss the incident's bounds
    (a sign-in page, victims named one by one, another event's tally) cannot be scored a hit
    by any extractor. Digits are read bare; number words, singular nouns, duals and vague
    quantities through the language's lexicon.
    """
    norm, _ = normalise(text)
    bounds = [(int(d), int(d)) for d in re.findall(r"\d{1,6}", norm)]
    try:
        lex = load(language or "en")
    except KeyError:
        lex = None
    if lex is not None:
        bounds += [(n.low, n.high) for n in find_numerals(norm.lower(), lex)]
    return any(
        _meets({"count_low": a, "count_high": b}, lo, hi)
        for a, b in bounds
        if (a, b) != (None, None)
    )


def airwars_score(shared: Path | None = None) -> dict:
    """Per language: texts of one incident with deaths whose killed claims meet its min..max.

    `ceiling`: the share of those texts that hold a number inside the incident's bounds, or
    where the extractor's own reading (a range, an open bound) meets them. It is the ceiling of
    reading the figures the texts give; an open bound built on a smaller number ("more than
    three" for an incident of 12) could still meet the bounds without one.
    """
    path = (shared or shared_dir()) / "corpus" / "news" / "airwars_source_texts_dev.jsonl"
    hit: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    reachable: dict[str, int] = defaultdict(int)
    for doc in airwars_docs(path):
        inc = doc.get("linked_incidents") or []
        if len(inc) != 1:
            continue
        lo, hi = _num(inc[0].get("civilian_deaths_min")), _num(inc[0].get("civilian_deaths_max"))
        if not hi or hi <= 0:
            continue
        lo = lo if lo is not None else hi
        text, language = doc.get("text") or "", airwars_language(doc)
        claims = extract(text, doc_id=doc["source_id"], language=language, published=None)
        lang = doc.get("language") or "und"
        total[lang] += 1
        found = any(c["measure"] == "killed" and _meets(c, lo, hi) for c in claims)
        hit[lang] += found
        reachable[lang] += found or figure_meets(text, language, lo, hi)
    return {
        lang: {
            "hit": hit[lang],
            "of": n,
            "rate": round(hit[lang] / n, 3),
            "ceiling": round(reachable[lang] / n, 3),
        }
        for lang, n in sorted(total.items())
    }


def _meets(c: dict, lo: int, hi: int) -> bool:
    a = c["count_low"] if c["count_low"] is not None else c["count_high"]
    b = c["count_high"] if c["count_high"] is not None else 10**9
    return a is not None and a <= hi and b >= lo


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=None)
    args = ap.parse_args(argv)
    s = seeds_score(args.shared)
    print(
        json.dumps(
            {
                "seeds": {k: s[k] for k in ("precision", "recall", "f1")}
                | {f: v["accuracy"] for f, v in s["fields"].items()}
            },
            indent=1,
        )
    )
    f = fakes_score(args.shared)
    f.pop("missed_civilians")
    print(json.dumps({"fakes": f}, indent=1))
    print(json.dumps({"airwars": airwars_score(args.shared)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
