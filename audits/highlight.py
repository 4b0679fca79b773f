"""Showing a rendered spec and what changed it: a small highlighter and overlay line marks.

Pure Python except for the SafeString returned by `render_spec`: every piece of
repository text goes through `html.escape` here, the only place that builds HTML
from spec text (templates never use `|safe`).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from django.utils.safestring import SafeString, mark_safe

SECTIONS = frozenset(
    "package description prep generate_buildrequires conf build install check clean files changelog "
    "pre post preun postun pretrans posttrans preuntrans postuntrans verifyscript sourcelist patchlist "
    "triggerprein triggerin triggerun triggerpostun filetriggerin filetriggerun filetriggerpostun "
    "transfiletriggerin transfiletriggerun transfiletriggerpostun".split()
)
DIRECTIVES = frozenset(
    "if ifarch ifnarch ifos ifnos elif elifarch elifos else endif global define undefine include "
    "bcond bcond_with bcond_without".split()
)
_TAG = re.compile(
    r"^(\s*)((?:Name|Version|Release|Epoch|Summary|License|SourceLicense|URL|BugURL|VCS|Group|Vendor|Packager|"
    r"Source\d*|Patch\d*|NoSource|NoPatch|BuildRequires|BuildConflicts|Requires(?:\([^)]*\))?|Provides|Obsoletes|"
    r"Conflicts|Recommends|Suggests|Supplements|Enhances|OrderWithRequires|BuildArch|BuildArchitectures|"
    r"ExclusiveArch|ExcludeArch|ExclusiveOS|ExcludeOS|Prefix|Prefixes|BuildRoot|AutoReq|AutoProv|AutoReqProv|"
    r"DistTag|ModularityLabel|Icon)\s*:)",
    re.IGNORECASE,
)
_MACRO = re.compile(
    r"%%|%\{[^{}\n]*(?:\{[^{}\n]*\}[^{}\n]*)*\}|%\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)|%\[[^\]\n]*\]"
    r"|%[?!]*[A-Za-z_][A-Za-z0-9_]*"
)
_LEADING_WORD = re.compile(r"^%([A-Za-z_][A-Za-z0-9_]*)")
_esc = html.escape


def _macros(text: str) -> str:
    if "%" not in text:
        return _esc(text)
    out: list[str] = []
    last = 0
    for m in _MACRO.finditer(text):
        out.append(_esc(text[last : m.start()]))
        out.append(f'<span class="m">{_esc(m.group())}</span>')
        last = m.end()
    out.append(_esc(text[last:]))
    return "".join(out)


def highlight_line(line: str) -> str:
    """One spec line as escaped HTML with spans: c (comment), s (section), k (directive), t (tag), m (macro)."""
    stripped = line.lstrip()
    if stripped.startswith("#"):
        return f'<span class="c">{_esc(line)}</span>'
    if stripped.startswith("%"):
        word = _LEADING_WORD.match(stripped)
        if word and (word.group(1) in SECTIONS or word.group(1) in DIRECTIVES):
            cls = "s" if word.group(1) in SECTIONS else "k"
            head = len(line) - len(stripped) + word.end()
            return f'<span class="{cls}">{_esc(line[:head])}</span>{_macros(line[head:])}'
    if ":" in line and (tag := _TAG.match(line)):
        return f'{_esc(tag.group(1))}<span class="t">{_esc(tag.group(2))}</span>{_macros(line[tag.end():])}'
    return _macros(line)


def render_spec(text: str, marks: Mapping[int, Iterable[int]] | None = None) -> SafeString:
    """The spec as numbered, anchored lines (id="L<n>"); lines in `marks` (line -> overlay numbers) are flagged."""
    marks = marks or {}
    out: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        touched = marks.get(number)
        if touched:
            label = ", ".join(str(n) for n in touched)
            out.append(
                f'<span class="line touched" id="L{number}" title="changed by overlay {label}">'
                f'<a class="n" href="#L{number}">{number}</a><span class="ov">{label}</span>{highlight_line(line)}\n</span>'
            )
        else:
            out.append(f'<span class="line" id="L{number}"><a class="n" href="#L{number}">{number}</a>{highlight_line(line)}\n</span>')
    return mark_safe("".join(out))  # noqa: S308 - every repository string above went through html.escape


# ----------------------------------------------------------------------------- where overlays show in the spec

_BACKREF = re.compile(r"\\(\d+|g<[^>]*>)|\$\{?\d")
_MIN_NEEDLE = 4  # shorter strings would mark unrelated lines
MAX_HITS = 3


@dataclass(frozen=True)
class _Needle:
    overlay: int  # 1-based overlay number as shown on the page
    text: str
    tag: str = ""  # when set: the line must be this tag with `text` in its value


def _needles(number: int, o: Any) -> list[_Needle]:
    t = o.type
    if t in ("spec-add-tag", "spec-insert-tag", "spec-set-tag", "spec-update-tag") and o.tag and o.value:
        return [_Needle(number, o.value.strip(), o.tag.strip().lower())]
    if t in ("spec-prepend-lines", "spec-append-lines"):
        return [_Needle(number, line.strip()) for line in o.lines or [] if len(line.strip()) >= _MIN_NEEDLE]
    if t == "spec-search-replace" and o.replacement:
        literal = _BACKREF.split(o.replacement)[0]
        return [_Needle(number, part.strip()) for part in literal.split("\n") if len(part.strip()) >= _MIN_NEEDLE]
    if t == "patch-add":
        name = o.file or posixpath.basename(o.source)
        return [_Needle(number, name, "patch")] if name else []
    return []


def overlay_marks(text: str, overlays: Iterable[Any]) -> dict[int, list[int]]:
    """Spec line number -> numbers of the overlays whose added text appears there.

    Best effort: removals leave nothing to point at, a replacement with
    back-references is matched on its literal prefix only, and a needle found on
    more than MAX_HITS lines (a bare "fi" or "%endif") is too generic to mark anything.
    """
    needles = [n for i, o in enumerate(overlays, start=1) for n in _needles(i, o)]
    if not needles:
        return {}
    hits: dict[_Needle, list[int]] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        for needle in needles:
            if needle.text not in line:
                continue
            if needle.tag:
                head = line.split(":", 1)[0].strip().lower()
                if not (head == needle.tag or head.startswith(needle.tag + "(")
                        or (needle.tag == "patch" and head.startswith("patch"))):
                    continue
            hits.setdefault(needle, []).append(number)
    marks: dict[int, list[int]] = {}
    for needle, numbers in hits.items():
        if len(numbers) > MAX_HITS:
            continue
        for number in numbers:
            found = marks.setdefault(number, [])
            if needle.overlay not in found:
                found.append(needle.overlay)
    return dict(sorted(marks.items()))
