"""The source registry: which documents to fetch, from where, and which parser reads them."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingestion.settings import PROJECT_ROOT, Settings

FAMILIES = {"coalition", "ngo", "observatory", "news"}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    name: str
    family: str
    location: str  # file://..., https://..., s3://...
    parsers: tuple[str, ...]  # "module:function"; empty = not yet parsed
    pattern: str = "*"
    description: str = ""
    urls: tuple[str, ...] = ()
    status: str = "parsed"  # parsed | not_yet_parsed
    owner: str = "team:data-engineering"
    crawler: str | None = None  # "module:function" that walks index pages instead of one fetch
    metadata: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def scheme(self) -> str:
        return self.location.split("://", 1)[0]

    @property
    def is_parsed(self) -> bool:
        return bool(self.parsers) and self.status == "parsed"

    def crawler_function(self):
        if not self.crawler:
            return None
        return _load(self.name, self.crawler)

    def parser_functions(self):
        return [_load(self.name, ref) for ref in self.parsers]


def _load(source: str, ref: str):
    mod, _, fn = ref.partition(":")
    try:
        return getattr(importlib.import_module(mod), fn)
    except (ImportError, AttributeError) as e:
        raise RegistryError(f"source {source}: {ref} cannot be loaded: {e}") from e


@dataclass(frozen=True)
class Registry:
    name: str
    path: Path
    sources: tuple[Source, ...]

    def get(self, name: str) -> Source:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)


def _expand(value: str, settings: Settings) -> str:
    return value.replace("{project}", str(PROJECT_ROOT)).replace("{shared}", str(settings.shared))


def load_registry(settings: Settings, path: Path | None = None) -> Registry:
    path = path or settings.registry_path
    if not path.exists():
        raise RegistryError(
            f"source registry not found: {path} (CIVCAS_SOURCES={settings.sources})"
        )
    doc = yaml.safe_load(path.read_text()) or {}
    sources, seen = [], set()
    for i, raw in enumerate(doc.get("sources") or []):
        where = f"{path.name} source #{i + 1}"
        for key in ("name", "family", "location"):
            if not raw.get(key):
                raise RegistryError(f"{where}: missing {key!r}")
        name = raw["name"]
        if not NAME_RE.match(name):
            raise RegistryError(f"{where}: name {name!r} must be lower_snake_case")
        if name in seen:
            raise RegistryError(f"{where}: duplicate source name {name!r}")
        seen.add(name)
        if raw["family"] not in FAMILIES:
            raise RegistryError(f"{where}: family {raw['family']!r} not one of {sorted(FAMILIES)}")
        location = _expand(raw["location"], settings)
        if location.split("://", 1)[0] not in {"file", "https", "http", "s3"}:
            raise RegistryError(f"{where}: location must be file://, https:// or s3://")
        parsers = raw.get("parser") or []
        if isinstance(parsers, str):
            parsers = [parsers]
        status = raw.get("status") or ("parsed" if parsers else "not_yet_parsed")
        if status not in {"parsed", "not_yet_parsed"}:
            raise RegistryError(f"{where}: status {status!r} not parsed|not_yet_parsed")
        sources.append(
            Source(
                name=name,
                family=raw["family"],
                location=location,
                parsers=tuple(parsers),
                pattern=raw.get("pattern", "*"),
                description=raw.get("description", ""),
                urls=tuple(_expand(u, settings) for u in raw.get("urls", [])),
                status=status,
                owner=raw.get("owner", "team:data-engineering"),
                crawler=raw.get("crawler"),
                metadata=raw.get("metadata") or {},
            )
        )
    if not sources:
        raise RegistryError(f"{path}: no sources")
    return Registry(name=doc.get("registry", path.stem), path=path, sources=tuple(sources))
