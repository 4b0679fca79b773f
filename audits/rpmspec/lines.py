"""rpm's classification of a spec's lines (build/parseSpec.c, 4.18): the conditionals (parseLineType) and the
section headers (isPart)."""

from __future__ import annotations

import re

PARTS = (
    "package prep generate_buildrequires conf build install check clean preun postun pretrans posttrans "
    "pre post files changelog description triggerpostun triggerprein triggerun triggerin trigger "
    "verifyscript sepolicy filetriggerin filetrigger filetriggerun filetriggerpostun transfiletriggerin "
    "transfiletrigger transfiletriggerun transfiletriggerpostun end patchlist sourcelist"
).split()
PART_SET = frozenset(PARTS)
WITH_ARGS = ("ifarch", "ifnarch", "ifos", "ifnos", "if", "elifarch", "elifos", "elif", "include")
CONDITIONALS = frozenset((*WITH_ARGS, "else", "endif"))
_PART_WORD = re.compile(r"%([A-Za-z_]+)(?=\s|$)")

# each conditional's word with where it ends after its %
_WITH_ARGS_ENDS = tuple((word, len(word) + 1) for word in WITH_ARGS)
_BARE_ENDS = tuple((word, len(word) + 1) for word in ("else", "endif"))


def line_type(line: str) -> str | None:
    """The conditional (or %include) a raw line starts with, as rpm's parseLineType."""
    s = line.lstrip()
    if not s.startswith("%") or s[1:2] not in ("i", "e"):
        return None
    for word, n in _WITH_ARGS_ENDS:
        if s.startswith(word, 1) and (len(s) == n or s[n] in " \t\r\n"):
            return word
    for word, n in _BARE_ENDS:
        if s.startswith(word, 1) and not s[n : n + 1].isalpha():
            return word
    return None


def part_of(line: str) -> str | None:
    """The section a line starts (rpm's isPart: case-insensitive, followed by a blank or the end)."""
    m = _PART_WORD.match(line)
    if m is None:
        return None
    word = m.group(1).lower()
    return word if word in PART_SET else None
