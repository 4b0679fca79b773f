"""Go RE2 regular expressions in Python, as azldev's overlays write them.

azldev is written in Go, so the ``regex`` of its spec-search-replace and file-search-replace
overlays (and of its resolver filters) is Go ``regexp`` syntax, i.e. RE2: linear-time, no
backreferences or lookaround, ASCII ``\\d \\w \\s``, ``$`` only at the very end. Python's
engines read the same text differently, so `translate_re2` rewrites a pattern into ``regex``
syntax with RE2's meaning (or refuses it as RE2 would), and `Re2Pattern` runs it under a time
budget, since ``regex`` backtracks where RE2 cannot blow up.

Pure Python, no Django.
"""

from __future__ import annotations

import re
import time

import regex

__all__ = ["RegexError", "RegexTimeout", "Re2Pattern", "translate_re2"]


class RegexError(ValueError):
    """A pattern azldev (Go regexp, RE2 syntax) would reject, or one we cannot emulate."""


class RegexTimeout(Exception):
    """A match ran past its time budget (RE2 is linear-time; the regex module backtracks)."""

    def __init__(self, seconds: float):
        super().__init__(f"regex timed out after {seconds:.1f} s")
        self.seconds = seconds


_RE2_ESCAPE_LETTERS = set("afntrvxAbBzdDsSwWpPQEC")
_QUANTIFIER_END = re.compile(r"[*+?]|\{\d+(?:,\d*)?\}")


def translate_re2(pattern: str) -> str:
    """Rewrite a Go/RE2 pattern into ``regex``-module syntax with the same meaning.

    Differences handled: RE2's ``$`` without ``(?m)`` matches only at the very end
    (Python's also before a final newline) -> ``\\Z``; ``\\z`` -> ``\\Z``;
    ``\\Q...\\E`` literals; octal escapes; inline flags ``(?i)`` apply to the rest
    of the enclosing group (rewritten as scoped groups). Rejected like RE2 does:
    lookaround, backreferences, atomic groups, possessive quantifiers, conditionals,
    comments, ``\\Z``/``\\G``/``\\K``..., the ``x`` flag, repeat counts over 1000.
    Rejected because Python cannot express it: the ``U`` (ungreedy) flag.
    ``\\d \\w \\s \\b`` and POSIX ``[[:alpha:]]`` classes are ASCII in RE2 and are
    rewritten as explicit ASCII ranges; ``\\pL``-style classes stay Unicode.
    """
    out: list[str] = []
    multiline = [False]  # per open group: is (?m) in force
    closers = [0]  # per open group: scoped flag groups to close at its end / at "|"
    reopen: list[list[str]] = [[]]  # flag groups to reopen after "|"
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise RegexError("trailing backslash at end of expression")
            d = pattern[i + 1]
            if d == "Q":
                end = pattern.find("\\E", i + 2)
                literal = pattern[i + 2 : end if end >= 0 else n]
                out.append(regex.escape(literal))
                i = end + 2 if end >= 0 else n
                continue
            if d.isdigit():
                m = re.match(r"[0-7]{1,3}", pattern[i + 1 :])
                digits = m.group() if m else ""
                if d in "89" or (d != "0" and len(digits) < 2):
                    raise RegexError(f"invalid escape sequence \\{d} (RE2 has no backreferences)")
                out.append(f"\\x{{{int(digits, 8):x}}}")
                i += 1 + len(digits)
                continue
            if d.isalpha() and d not in _RE2_ESCAPE_LETTERS:
                raise RegexError(f"invalid escape sequence \\{d} (not RE2 syntax)")
            if d == "C":
                raise RegexError("\\C (any byte) is not supported")
            if d.lower() in _PERL:
                out.append(f"[{'^' if d.isupper() else ''}{_PERL[d.lower()]}]")
            elif d in "bB":
                out.append(f"(?a:\\{d})")  # ASCII word boundary, as in RE2
            else:
                out.append("\\Z" if d == "z" else pattern[i : i + 2])
            i += 2
            if d in "pP" and i < n and pattern[i] == "{":
                close = pattern.find("}", i)
                if close < 0:
                    raise RegexError("unterminated \\p{...}")
                out.append(pattern[i : close + 1])
                i = close + 1
            elif d == "x" and i < n and pattern[i] == "{":
                close = pattern.find("}", i)
                out.append(pattern[i : close + 1])
                i = close + 1
            continue
        if c == "[":
            i = _copy_class(pattern, i, out)
            continue
        if c == "(":
            if pattern.startswith("(?", i):
                i = _group_with_flags(pattern, i, out, multiline, closers, reopen)
            else:
                out.append("(")
                multiline.append(multiline[-1])
                closers.append(0)
                reopen.append([])
                i += 1
            continue
        if c == ")":
            out.append(")" * closers[-1])
            if len(closers) > 1:
                multiline.pop()
                closers.pop()
                reopen.pop()
            out.append(")")
            i += 1
            continue
        if c == "|":
            out.append(")" * closers[-1] + "|" + "".join(reopen[-1]))
            i += 1
            continue
        if c == "$":
            out.append("$" if multiline[-1] else r"\Z")
            i += 1
            continue
        if pattern.startswith("{,", i):  # not a repeat in RE2 (Python would read {0,n})
            out.append("\\{")
            i += 1
            continue
        m = _QUANTIFIER_END.match(pattern, i)
        if m is not None:
            for number in re.findall(r"\d+", m.group()):
                if int(number) > 1000:
                    raise RegexError(f"invalid repeat count {m.group()} (RE2 allows at most 1000)")
            out.append(m.group())
            i = m.end()
            if i < n and pattern[i] == "?":
                out.append("?")
                i += 1
            _reject_possessive(pattern, i)
            continue
        out.append(c)
        i += 1
    out.append(")" * closers[0])
    return "".join(out)


def _reject_possessive(pattern: str, i: int) -> None:
    if i < len(pattern) and pattern[i] in "*+" and i > 0 and pattern[i - 1] in "*+?}":
        raise RegexError(f"invalid nested repetition operator at offset {i} (RE2 has no possessive quantifiers)")


# RE2's Perl and POSIX classes are ASCII-only (Unicode needs \\p{...}).
_PERL = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ", "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}  # fmt: skip


def _copy_class(pattern: str, i: int, out: list[str]) -> int:
    """Translate a [...] class; returns the index after it. Perl/POSIX classes become
    ASCII ranges; their negations (\\D, [:^alpha:]) become extra alternatives."""
    j = i + 1
    negated = j < len(pattern) and pattern[j] == "^"
    j += negated
    items: list[str] = []
    negatives: list[str] = []
    first = True
    while j < len(pattern):
        c = pattern[j]
        if c == "]" and not first:
            break
        first = False
        if c == "\\":
            if j + 1 >= len(pattern):
                raise RegexError("trailing backslash at end of expression")
            d = pattern[j + 1]
            if d.lower() in _PERL:
                (negatives if d.isupper() else items).append(_PERL[d.lower()])
                j += 2
            elif d in "pP" and j + 2 < len(pattern) and pattern[j + 2] == "{":
                close = pattern.find("}", j)
                items.append(pattern[j : close + 1])
                j = close + 1
            else:
                items.append(pattern[j : j + 2])
                j += 2
            continue
        if pattern.startswith("[:", j):
            close = pattern.find(":]", j + 2)
            name = pattern[j + 2 : close] if close >= 0 else ""
            bare = name.lstrip("^")
            if bare in _POSIX:
                (negatives if name.startswith("^") else items).append(_POSIX[bare])
                j = close + 2
                continue
            if close >= 0:
                raise RegexError(f"invalid character class range [:{name}:]")
        items.append("\\[" if c == "[" else c)
        j += 1
    else:
        raise RegexError("missing closing ]")
    body = "".join(items)
    if not negatives:
        out.append(f"[{'^' if negated else ''}{body}]")
    elif not negated:  # a char in body, or outside any negated class
        out.append("(?:" + "|".join(([f"[{body}]"] if body else []) + [f"[^{n}]" for n in negatives]) + ")")
    else:  # not in body, and inside every negated class
        checks = ([f"(?![{body}])"] if body else []) + [f"(?=[{n}])" for n in negatives[:-1]]
        out.append("(?:" + "".join(checks) + f"[{negatives[-1]}])")
    return j + 1


def _group_with_flags(
    pattern: str, i: int, out: list[str], multiline: list[bool], closers: list[int], reopen: list[list[str]]
) -> int:
    rest = pattern[i + 2 :]
    if rest.startswith(("P<", "<")) and not rest.startswith(("<=", "<!")):
        close = pattern.find(">", i)
        out.append(pattern[i : close + 1])
        multiline.append(multiline[-1])
        closers.append(0)
        reopen.append([])
        return close + 1
    m = re.match(r"([A-Za-z]*)(?:-([A-Za-z]*))?([:)])", rest)
    if m is None:
        raise RegexError(
            f"unsupported group syntax {pattern[i:i + 4]!r} (RE2 has no lookaround, atomic groups or conditionals)"
        )
    on, off, kind = m.group(1), m.group(2) or "", m.group(3)
    bad = set(on + off) - set("imsU")
    if bad:
        raise RegexError(f"invalid or unsupported flag {''.join(sorted(bad))!r} in {pattern[i:i + m.end() + 2]!r}")
    if "U" in on + off:
        raise RegexError("the U (ungreedy) flag cannot be emulated")
    if not on and not off and kind == ")":
        raise RegexError("missing flags in (?)")
    state = multiline[-1]
    state = True if "m" in on else False if "m" in off else state
    flags = on + (f"-{off}" if off else "")
    end = i + 2 + m.end()
    if kind == ":":
        out.append(f"(?{flags}:")
        multiline.append(state)
        closers.append(0)
        reopen.append([])
    else:  # (?flags) sets flags for the rest of the enclosing group
        out.append(f"(?{flags}:")
        multiline[-1] = state
        closers[-1] += 1
        reopen[-1].append(f"(?{flags}:")
    return end


class Re2Pattern:
    """A Go regexp compiled with the ``regex`` module under a shared time budget."""

    def __init__(self, source: str, *, timeout: float = 1.0, deadline: float | None = None):
        self.source = source
        self.timeout = timeout
        self.deadline = deadline if deadline is not None else time.monotonic() + timeout
        try:
            self.compiled = regex.compile(translate_re2(source))
        except regex.error as exc:
            raise RegexError(f"invalid regex {source!r}: {exc}") from None

    def _budget(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RegexTimeout(self.timeout)
        return left

    def search(self, text: str, pos: int = 0) -> regex.Match[str] | None:
        try:
            return self.compiled.search(text, pos, timeout=self._budget())
        except TimeoutError:
            raise RegexTimeout(self.timeout) from None

    def replace_all_literal(self, text: str, replacement: str) -> str:
        """Go's ReplaceAllLiteralString: no ``$1`` expansion, and an empty match right
        after the previous match is not replaced; always advance at least one character."""
        out: list[str] = []
        last = pos = 0
        n = len(text)
        while pos <= n:
            m = self.search(text, pos)
            if m is None:
                break
            start, end = m.span()
            out.append(text[last:start])
            if end > last or start == 0:
                out.append(replacement)
            last = end
            pos = pos + 1 if pos + 1 > end else end
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)
