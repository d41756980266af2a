"""Decode PHP `serialize()` output left in exports by WordPress (`a:1:{i:0;s:20:"...";}`).

No PHP library is installed, and only scalars and arrays ever appear, so a small decoder that
follows the format's byte lengths (not a regex) is enough.
"""

from __future__ import annotations


class PhpSerialError(ValueError):
    pass


def loads(text: str):
    """PHP-serialised text -> Python (arrays become dicts, or lists when keyed 0..n-1)."""
    data = text.encode("utf-8")
    value, pos = _read(data, 0)
    if pos != len(data):
        raise PhpSerialError(f"trailing data after position {pos} in {text!r}")
    return value


def is_serialised(text: str | None) -> bool:
    return bool(text) and len(text) > 3 and text[1] == ":" and text[0] in "aisbdN"


def _until(data: bytes, pos: int, stop: bytes) -> tuple[bytes, int]:
    end = data.find(stop, pos)
    if end < 0:
        raise PhpSerialError(f"expected {stop!r} after position {pos}")
    return data[pos:end], end + 1


def _read(data: bytes, pos: int):
    kind = data[pos : pos + 1]
    if kind == b"N":
        return None, pos + 2
    if data[pos + 1 : pos + 2] != b":":
        raise PhpSerialError(f"bad token at position {pos}")
    pos += 2
    if kind == b"i":
        raw, pos = _until(data, pos, b";")
        return int(raw), pos
    if kind == b"d":
        raw, pos = _until(data, pos, b";")
        return float(raw), pos
    if kind == b"b":
        raw, pos = _until(data, pos, b";")
        return raw == b"1", pos
    if kind == b"s":
        raw, pos = _until(data, pos, b":")
        n = int(raw)
        if data[pos : pos + 1] != b'"' or data[pos + 1 + n : pos + 3 + n] != b'";':
            raise PhpSerialError(f"string length {n} does not match at position {pos}")
        return data[pos + 1 : pos + 1 + n].decode("utf-8"), pos + 3 + n
    if kind == b"a":
        raw, pos = _until(data, pos, b":")
        n = int(raw)
        if data[pos : pos + 1] != b"{":
            raise PhpSerialError(f"expected '{{' at position {pos}")
        pos += 1
        out = {}
        for _ in range(n):
            key, pos = _read(data, pos)
            out[key], pos = _read(data, pos)
        if data[pos : pos + 1] != b"}":
            raise PhpSerialError(f"expected '}}' at position {pos}")
        if list(out) == list(range(n)):
            return list(out.values()), pos + 1
        return out, pos + 1
    raise PhpSerialError(f"unknown type {kind!r} at position {pos - 2}")
