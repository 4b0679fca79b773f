"""The macro file a spec writes from its ``%install``: ``macros.dist`` of ``<distribution>-release``.

``%dist`` (``.azl4``) is no file of the repository: azurelinux-release's ``%install`` writes
``%{_rpmconfigdir}/macros.d/macros.dist`` with ``cat >> ... << EOF``. rpm expands the
section with the spec's own macros before the shell runs it, so the file holds the
here-document after that expansion (``%%`` becoming ``%``). We reproduce exactly that
much, and no more: the spec's unconditional, non-parametric ``%define``/``%global``s, rpm's
base macros, ``%%``; a line that needs anything else (a macro we cannot expand, shell
``$``/backquote substitution in an unquoted here-document) is left out and reported.
"""

from __future__ import annotations

import re

from audits.azldev.macros import expand_macros

from . import rpmbase
from .macroformat import parse_definition

__all__ = ["generated_macro_file"]

_HEREDOC_RE = re.compile(
    r"""^\s*cat\s+>>?\s*(?P<target>\S+)\s*<<-?\s*(?P<quote>['"]?)(?P<delimiter>\w+)(?P=quote)\s*$"""
)
_DEFINE_RE = re.compile(r"^\s*%(?:define|global)\s")
_CONDITIONAL_OPEN_RE = re.compile(r"^\s*%if(?:arch|narch|os|nos)?\b")
_CONDITIONAL_CLOSE_RE = re.compile(r"^\s*%endif\b")


def _heredocs(lines: list[str], file_name: str) -> list[tuple[int, bool, list[str]]]:
    """(line index, delimiter quoted, body lines) of each here-document written to ``file_name``."""
    found = []
    i = 0
    while i < len(lines):
        m = _HEREDOC_RE.match(lines[i])
        i += 1
        if m is None or not m.group("target").endswith("/" + file_name):
            continue
        start, body = i - 1, []
        while i < len(lines) and lines[i].strip() != m.group("delimiter"):
            body.append(lines[i])
            i += 1
        found.append((start, bool(m.group("quote")), body))
    return found


def _definitions_before(lines: list[str], stop: int, arch: str) -> dict[str, str]:
    """rpm's macros plus the spec's definitions outside any %if, from the top to line ``stop``."""
    table = dict(rpmbase.core_macros(arch)) | dict(rpmbase.platform_macros(arch))
    depth = 0
    for line in lines[:stop]:
        if _CONDITIONAL_OPEN_RE.match(line):
            depth += 1
        elif _CONDITIONAL_CLOSE_RE.match(line):
            depth = max(depth - 1, 0)
        elif depth == 0 and _DEFINE_RE.match(line):
            definition = parse_definition(line.strip()[1:].split(None, 1)[-1], "")
            if definition is not None and definition.options is None:
                table[definition.name] = definition.body
    return table


def generated_macro_file(spec_text: str, file_name: str, arch: str) -> tuple[str, list[str]]:
    """The text ``file_name`` gets from the spec's here-documents, and one sentence per line left out."""
    lines = spec_text.splitlines()
    out: list[str] = []
    problems: list[str] = []
    documents = _heredocs(lines, file_name)
    if not documents:
        problems.append(f"no here-document writes {file_name}.")
    for start, quoted, body in documents:
        table = _definitions_before(lines, start, arch)
        for offset, line in enumerate(body, start + 2):
            expanded, unexpanded = expand_macros(line, table)
            if unexpanded:
                problems.append(f"line {offset} of {file_name} needs {', '.join(unexpanded)}, left out.")
            elif not quoted and ("$" in expanded or "`" in expanded or "\\" in expanded):
                problems.append(f"line {offset} of {file_name} would go through shell substitution, left out.")
            else:
                out.append(expanded)
    return "\n".join(out) + "\n", problems
