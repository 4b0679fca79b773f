"""PURE PYTHON: epoch-version-release of a rendered spec, the dist tag, and package URLs.

RPM macros are expanded only where the value is known without running rpm:

- ``%{?dist}`` / ``%{dist}`` -> the distro's dist tag (`dist_tag`: Azure Linux "4.0" -> ".azl4");
- ``%autorelease [-b N] [-p] [-e X] [-s Y] [-n]`` -> what rpmautospec's generated macro prints,
  from `RenderedSpec.autorelease_number` (the header's ``release_number``);
- other macros of the spec's own ``%global``/``%define`` lines, by re-parsing the spec with
  ``dist`` and ``autorelease`` predefined (only when the Release value uses such macros).

Whatever is still a macro afterwards stays in the value literally and is named in
`Evr.unexpanded`; nothing is guessed.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from packageurl import PackageURL

from audits.azldev.specfile import expand_macros, parse_spec

# dist tag prefixes of the distributions whose convention is known ("azl" + major release)
DIST_PREFIXES = {"azurelinux": "azl"}
_MACRO_NAME_RE = re.compile(r"%\{?[?!]*([A-Za-z_][A-Za-z0-9_]*)")
_AUTORELEASE_RE = re.compile(r"^\s*%(?:autorelease|\{autorelease\})(?:\s+(.*))?$", re.S)
_SIMPLE_MACROS = frozenset({"dist", "autorelease", "nil"})


def dist_tag(distribution: str, release_ver: str) -> str | None:
    """``.azl4`` for Azure Linux "4.0"; None when the distribution's convention is unknown."""
    prefix = DIST_PREFIXES.get(distribution)
    major = release_ver.split(".", 1)[0].strip()
    if not prefix or not major.isdigit():
        return None
    return f".{prefix}{major}"


@dataclass(frozen=True, slots=True)
class Evr:
    epoch: str
    version: str
    release: str
    unexpanded: tuple[str, ...]  # macro names left literally in version or release, or a reason

    @property
    def complete(self) -> bool:
        return not self.unexpanded

    @property
    def vr(self) -> str:
        return f"{self.version}-{self.release}" if self.release else self.version

    @property
    def evr(self) -> str:
        """``E:V-R`` (epoch only when set), as rpm prints it with ``%{evr}``."""
        return f"{self.epoch}:{self.vr}" if self.epoch else self.vr


def _autorelease(args: str, number: int | None, dist: str | None) -> tuple[str, set[str]]:
    """What rpmautospec's ``%autorelease`` prints for these options."""
    left: set[str] = set()
    try:
        words = shlex.split(args or "")
    except ValueError:
        return "%autorelease " + args, {"autorelease"}
    opts: dict[str, str | bool] = {}
    i = 0
    while i < len(words):
        word = words[i]
        if len(word) >= 2 and word[0] == "-" and word[1] in "bes":
            value = word[2:] or (words[i + 1] if i + 1 < len(words) else "")
            i += 1 if word[2:] else 2
            opts[word[1]] = value
        elif word in ("-p", "-n"):
            opts[word[1]] = True
            i += 1
        else:
            return "%autorelease " + args, {"autorelease"}
    if number is None:
        return "%autorelease" + (" " + args if args else ""), {"autorelease"}
    try:
        base = int(str(opts.get("b", "1")))
    except ValueError:
        return "%autorelease " + args, {"autorelease"}
    out = ("0." if opts.get("p") else "") + str(number + base - 1)
    for key in ("e", "s"):
        if key in opts:
            value, names = expand_macros(str(opts[key]), {"dist": dist} if dist is not None else {})
            left.update(names)
            out += "." + value
    if not opts.get("n"):
        if dist is None:
            out += "%{?dist}"
            left.add("dist")
        else:
            out += dist
    return out, left


def _names(value: str) -> set[str]:
    return set(_MACRO_NAME_RE.findall(value))


def compute_evr(
    *,
    epoch: str,
    version: str,
    release_tag: str,
    autorelease_number: int | None,
    dist: str | None,
    spec_text: str | None = None,
) -> Evr:
    """The full EVR of a rendered spec; see the module docstring for what is expanded."""
    left: set[str] = set()
    if "%" in version:
        left.update(_names(version) or {"version"})
    if "%" in epoch:
        left.update(_names(epoch) or {"epoch"})
    match = _AUTORELEASE_RE.match(release_tag)
    if match:
        release, names = _autorelease(match.group(1) or "", autorelease_number, dist)
        left.update(names)
    elif "%" not in release_tag:
        release = release_tag.strip()
    else:
        macros: dict[str, str] = {}
        if dist is not None:
            macros["dist"] = dist
        if autorelease_number is not None:
            macros["autorelease"] = _autorelease("", autorelease_number, dist)[0]
        if _names(release_tag) <= _SIMPLE_MACROS or spec_text is None:
            release, names = expand_macros(release_tag, macros)
            # conditional forms of macros we do not know (%{?x}) vanish without a report; say so
            unknown = _names(release_tag) - _SIMPLE_MACROS - set(macros)
            left.update(names, unknown)
            if dist is None and "dist" in _names(release_tag):
                left.add("dist")
        else:
            # The spec's own %global/%define lines are needed: parse it again with the two
            # macros rpm would know predefined (spec definitions still override them).
            prelude = "".join(f"%global {k} {v}\n" for k, v in macros.items())
            parsed = parse_spec(prelude + spec_text)
            release = (parsed.release_expanded or release_tag).strip()
            if "%" in release:
                left.update(_names(release) or {"release"})
            if dist is None and "dist" in _names(release_tag):
                left.add("dist")
            if autorelease_number is None and "autorelease" in _names(release_tag):
                left.add("autorelease")
    return Evr(epoch.strip(), version.strip(), release, tuple(sorted(left)))


def rpm_purl(namespace: str, name: str, evr: Evr | None, qualifiers: dict[str, str]) -> PackageURL:
    """``pkg:rpm/<namespace>/<name>@<version>-<release>?<qualifiers>`` (purl spec, type rpm).

    The epoch goes into the ``epoch`` qualifier, as the purl spec asks for rpm.
    """
    quals = {k: v for k, v in qualifiers.items() if v}
    version = None
    if evr is not None and evr.version:
        version = evr.vr
        if evr.epoch:
            quals["epoch"] = evr.epoch
    return PackageURL(type="rpm", namespace=namespace, name=name, version=version, qualifiers=quals)


def needs_spec_text(release_tag: str) -> bool:
    """True when the Release value uses macros only the spec's own definitions can expand."""
    if "%" not in release_tag or _AUTORELEASE_RE.match(release_tag):
        return False
    return not _names(release_tag) <= _SIMPLE_MACROS
