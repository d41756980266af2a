"""Counts as the releases write them: digits with thousands commas, or English number words."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "no": 0, "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD = "|".join(sorted([*_UNITS, *_TENS, "hundred"], key=len, reverse=True))

# One number: digits (1,302) or words (three, twenty-one, one hundred and five).
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?:(?:{_WORD})(?:[\s-]+(?:and\s+)?(?:{_WORD}))*)\b)"


# The same without "a"/"an"/"single", for telling where another count starts inside a clause.
_STRICT_WORD = "|".join(
    sorted(
        [w for w in [*_UNITS, *_TENS, "hundred"] if w not in {"a", "an", "single", "no"}],
        key=len,
        reverse=True,
    )
)
NUMBER_STRICT = rf"(?:\d+|(?:{_STRICT_WORD})\b)"


def to_int(text: str | None) -> int | None:
    """'1,302' -> 1302, 'twenty-one' -> 21, 'a' -> 1; None when it is not a number."""
    if text is None:
        return None
    t = text.strip().lower().replace(",", "")
    if t.isdigit():
        return int(t)
    total, current, seen = 0, 0, False
    for w in re.split(r"[\s-]+", t):
        if w == "and":
            continue
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None
