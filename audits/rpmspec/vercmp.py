"""rpm's version ordering (rpmvercmp) and EVR comparison, written from rpm's documented algorithm."""

from __future__ import annotations


def _segments(text: str, i: int) -> int:
    while i < len(text) and not text[i].isalnum() and text[i] not in "~^":
        i += 1
    return i


def _run(text: str, i: int, digits: bool) -> int:
    while i < len(text) and (("0" <= text[i] <= "9") if digits else (text[i].isascii() and text[i].isalpha())):
        i += 1
    return i


def rpmvercmp(a: str, b: str) -> int:
    """-1, 0 or 1 as rpm orders two version (or release) strings: `~` sorts before anything, `^` after
    the base version, digits after letters, numbers numerically."""
    if a == b:
        return 0
    i = j = 0
    while i < len(a) or j < len(b):
        i, j = _segments(a, i), _segments(b, j)
        x, y = a[i : i + 1], b[j : j + 1]
        if x == "~" or y == "~":
            if x != "~":
                return 1
            if y != "~":
                return -1
            i, j = i + 1, j + 1
            continue
        if x == "^" or y == "^":
            if not x:
                return -1
            if not y:
                return 1
            if x != "^":
                return 1
            if y != "^":
                return -1
            i, j = i + 1, j + 1
            continue
        if not (x and y):
            break
        numeric = "0" <= x <= "9"
        i_end, j_end = _run(a, i, numeric), _run(b, j, numeric)
        if j_end == j:
            return 1 if numeric else -1
        one, two = a[i:i_end], b[j:j_end]
        if numeric:
            one, two = one.lstrip("0"), two.lstrip("0")
            if len(one) != len(two):
                return 1 if len(one) > len(two) else -1
        if one != two:
            return 1 if one > two else -1
        i, j = i_end, j_end
    if i >= len(a) and j >= len(b):
        return 0
    return -1 if i >= len(a) else 1


def split_evr(evr: str) -> tuple[str | None, str, str | None]:
    """(epoch, version, release) as rpm's parseEVR splits them; missing parts are None."""
    k = 0
    while k < len(evr) and "0" <= evr[k] <= "9":
        k += 1
    epoch: str | None = None
    rest = evr
    if evr[k : k + 1] == ":":
        epoch, rest = evr[:k] or "0", evr[k + 1 :]
    version, dash, release = rest.rpartition("-")
    if not dash:
        return epoch, rest, None
    return epoch, version, release


def _compare_optional(a: str | None, b: str | None) -> int:
    if a is None or b is None:
        return (a is not None) - (b is not None)
    return rpmvercmp(a, b)


def compare_evr(a: str, b: str) -> int:
    """rpm's rpmverCmp: epochs (missing = 0), then versions, then releases (a missing one is lower)."""
    ea, va, ra = split_evr(a)
    eb, vb, rb = split_evr(b)
    return _compare_optional(ea or "0", eb or "0") or _compare_optional(va, vb) or _compare_optional(ra, rb)
