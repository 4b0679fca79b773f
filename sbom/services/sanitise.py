"""PURE PYTHON: which of the repository's values the SBOM documents can publish, and what they cannot.

Every string of `ReleaseFacts` comes from the distribution's repository: its commits, its TOML and
its rendered specs and `sources` files. The documents' schemas hold some of them to a form (CycloneDX
1.6: `idn-email`, `iri-reference`, hex digests of the algorithm's length, a version of at most 1024
characters; XML 1.0: no control characters), and one value out of form makes the whole document
invalid. `sanitise_release` is applied when the facts are loaded (generate.load_release_facts), so
the CycloneDX and the SPDX builders both get facts they can publish as they are:

- free text (summaries, licences, descriptions, commit subjects, names): control characters removed;
- an e-mail address that is not a valid address (`valid_email`): left out, the name kept;
- a digest that is not hex of its algorithm's length (`DIGEST_LENGTHS`): left out, the file kept;
- a URL that is not an absolute URL of a public host (`url_problem`): left out;
- an epoch, version or release (of the source or of a binary package) longer than MAX_VERSION, or with
  a control character, `%`, `{`, `}`, `\\` or whitespace (macro text the expander left, which no rpm
  would build): the identity is unresolved, published without a version (and a purl without one), never
  cut short or repaired; this is the last guard, whatever the ingest stored;
- a binary package whose name has any of those characters: left out, and the component's binary list
  is unresolved; a source file whose name has a control character: left out.

Nothing is dropped, shortened or changed silently: each problem is a sentence in the component's
`problems` (the release's own values: `ReleaseFacts.problems`), which both documents carry and the
job result and the package page show. Facts without a problem are returned as the same objects.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from .facts import (
    BinaryFacts,
    CommitFacts,
    ComponentFacts,
    OverlayFacts,
    ReleaseFacts,
    SourceFileFacts,
    Unresolved,
)

MAX_VERSION = 1024  # CycloneDX 1.6 `version` maxLength (JSON schema and XSD)
DIGEST_LENGTHS = {"MD5": 32, "SHA1": 40, "SHA224": 56, "SHA256": 64, "SHA384": 96, "SHA512": 128}
URL_SCHEMES = ("http", "https", "ftp", "git", "ssh")
SHOWN = 80  # characters of a value quoted in a problem

# C0 controls but tab, LF and CR; DEL and C1; lone surrogates; U+FFFE/U+FFFF (XML 1.0 holds neither)
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_HEX_RE = re.compile(r"[0-9a-fA-F]+")
# what no name, epoch, version or release rpm builds contains: unexpanded macro text, line continuations
NOT_IDENTITY_RE = re.compile(r"[%{}\\\s]")
_NON_ASCII = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"  # what an IRI may hold beyond ASCII (RFC 3987 ucschar)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"  # a DNS label (RFC 1123)
# RFC 5322 dot-atom local part, with UTF-8 as RFC 6531 allows; a domain of DNS labels. Quoted local
# parts and address literals are valid too, but are not accepted here (rare, and schemas disagree).
_ATEXT = f"[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~{_NON_ASCII}-]"
_EMAIL_RE = re.compile(rf"(?P<local>{_ATEXT}+(?:\.{_ATEXT}+)*)@{_LABEL}(?:\.{_LABEL})*")
# RFC 3986/3987: scheme://[userinfo@]host[:port]path[?query][#fragment], each part of its own characters
_PCHAR = rf"(?:[A-Za-z0-9._~!$&'()*+,;=:@{_NON_ASCII}-]|%[0-9A-Fa-f]{{2}})"
_URL_RE = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://"
    r"(?:(?:[A-Za-z0-9._~!$&'()*+,;=:-]|%[0-9A-Fa-f]{2})*@)?"
    r"(?P<host>[^/?#:@]*)(?::[0-9]{1,5})?"
    rf"(?:/{_PCHAR}*)*(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
)
_PUBLIC_HOST_RE = re.compile(rf"(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


# ----------------------------------------------------------------------------- single values


def shown(value: str) -> str:
    """A value quoted in a problem: control characters as escapes, at most SHOWN characters."""
    text = CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                          value)
    if len(text) > SHOWN:
        return f"'{text[:SHOWN]}…' ({len(value)} characters)"
    return f"'{text}'"


def valid_email(value: str) -> bool:
    """A syntactically valid address (RFC 5321/6531 dot-atom@domain) that every schema's e-mail format accepts."""
    match = _EMAIL_RE.fullmatch(value)
    return match is not None and len(match["local"]) <= 64 and len(value) <= 254


def url_problem(value: str) -> str:
    """Why `value` is not a URL the documents can link to (empty when it is): an absolute URL of
    URL_SCHEMES on a public host name, of characters a URI may hold (an IRI's non-ASCII included)."""
    if "%{" in value or "%(" in value:
        return "it has an unexpanded macro"
    match = _URL_RE.fullmatch(value)
    if match is None:
        return "it is not an absolute URL of characters a URI may hold"
    if match["scheme"].lower() not in URL_SCHEMES:
        return f"its scheme is not one of {', '.join(URL_SCHEMES)}"
    if not _PUBLIC_HOST_RE.fullmatch(match["host"]) or len(match["host"]) > 253:
        return "its host is not a public host name"
    return ""


def identity_problem(value: str) -> str:
    """Why a name, epoch, version or release cannot be published (empty when it can)."""
    if len(value) > MAX_VERSION:
        return f"it is longer than the {MAX_VERSION} characters a CycloneDX 1.6 version may have"
    if CONTROL_RE.search(value):
        return "it has control characters"
    if NOT_IDENTITY_RE.search(value):
        return "it has unexpanded macro text (%, {, }, \\ or whitespace)"
    return ""


def digest_problem(algorithm: str, digest: str) -> str:
    """Why a digest cannot be published (empty when it can): hex of DIGEST_LENGTHS[algorithm] digits."""
    length = DIGEST_LENGTHS.get(algorithm.upper().replace("-", ""))
    if length is None:
        return f"its algorithm {shown(algorithm)} is not one of {', '.join(DIGEST_LENGTHS)}"
    if len(digest) != length or _HEX_RE.fullmatch(digest) is None:
        return f"it is not {length} hexadecimal digits, as {algorithm.upper()} has"
    return ""


# ----------------------------------------------------------------------------- facts


class _Problems:
    """The problems of one component (or the release), in order, each once."""

    def __init__(self) -> None:
        self.items: dict[str, None] = {}

    def add(self, text: str) -> None:
        self.items[text] = None

    def text(self, what: str, value: str) -> str:
        """`value` without control characters (the removal noted)."""
        if not CONTROL_RE.search(value):
            return value
        self.add(f"{what} {shown(value)}: control characters removed")
        return CONTROL_RE.sub("", value)

    def texts(self, obj, what: str, names: tuple[str, ...]) -> dict[str, str]:
        """The fields of `obj` in `names` that had control characters, without them."""
        return {name: self.text(f"{what}{name.replace('_', ' ')}", getattr(obj, name)) for name in names
                if CONTROL_RE.search(getattr(obj, name))}

    def url(self, what: str, value: str) -> str:
        """`value` when it is a URL the documents can link to, else "" (noted)."""
        why = url_problem(value) if value else ""
        if why:
            self.add(f"{what} {shown(value)} is left out: {why}")
            return ""
        return value


COMPONENT_TEXTS = ("headline", "verdict", "spec_origin", "spec_type", "upstream_distro", "upstream_version",
                   "upstream_snapshot", "upstream_name", "upstream_commit", "dist_git_branch", "defined_in", "license",
                   "summary", "check_skip_reason")
OVERLAY_TEXTS = ("type", "description", "tag", "category", "upstream_status", "defined_in")
COMMIT_TEXTS = ("author_name", "committer_name", "subject")
RELEASE_TEXTS = ("distribution", "distribution_description", "version", "release_ver", "upstream_distro",
                 "upstream_version", "ref")


def sanitise_release(release: ReleaseFacts) -> ReleaseFacts:
    """The release with every component sanitised (see the module docstring); the same object when clean."""
    problems = _Problems()
    changes: dict = problems.texts(release, "release ", RELEASE_TEXTS)
    if release.source_url.startswith("https://"):  # the documents link only to an https repository
        source_url = problems.url("the repository URL", release.source_url)
        if source_url != release.source_url:
            changes["source_url"] = source_url
    commits: dict[int, tuple[CommitFacts, tuple[str, ...]]] = {}  # a commit is shared by many components
    components = tuple(sanitise_component(release, c, commits) for c in release.components)
    if any(new is not old for new, old in zip(components, release.components)):
        changes["components"] = components
    if not changes:
        return release
    return replace(release, **changes, problems=tuple(problems.items))


def sanitise_component(release: ReleaseFacts, component: ComponentFacts,
                       commits: dict[int, tuple[CommitFacts, tuple[str, ...]]] | None = None) -> ComponentFacts:
    """One component's facts as the documents can publish them, its problems listed; the same object when clean."""
    problems = _Problems()
    changes: dict = problems.texts(component, "", COMPONENT_TEXTS)
    if any(CONTROL_RE.search(code) for code in component.reasons):
        changes["reasons"] = tuple(problems.text("reason code", code) for code in component.reasons)
    for name, what in (("url", "homepage (spec URL)"), ("dist_git_url", "dist-git URL")):
        value = problems.url(what, getattr(component, name))
        if value != getattr(component, name):
            changes[name] = value
    _each(changes, "overlays", component.overlays, lambda o: _overlay(o, problems))
    _each(changes, "source_files", component.source_files, lambda s: _source_file(s, problems))
    unresolved: list[Unresolved] = []
    _each(changes, "binaries", component.binaries, lambda b: _binary(b, problems, unresolved))
    config, rendered = component.config_commit, component.rendered_commit
    same = config is not None and rendered is not None and config.sha == rendered.sha
    for name, facts, what in (("config_commit", config, "configuration and the rendered spec" if same else "configuration"),
                              ("rendered_commit", None if same else rendered, "rendered spec")):
        if facts is not None:
            clean = _commit(facts, what, problems, {} if commits is None else commits)
            if clean is not facts:
                changes[name] = clean
                if same:
                    changes["rendered_commit"] = _commit(rendered, what, _Problems(), {} if commits is None else commits)
    unresolved += _identity(component, problems)
    if unresolved:
        changes.update(identity_complete=False, identity_unresolved=(*component.identity_unresolved, *unresolved))
        if any(u.field in ("epoch", "version", "release") for u in unresolved):
            changes.update(epoch="", version="", release="")  # never published, not even for the ancestor
    if not changes:
        return component
    return replace(component, **changes, problems=tuple(problems.items))


def _each(changes: dict, name: str, items: tuple, clean: Callable) -> None:
    """Clean each item (None: left out); the new tuple goes into `changes` when anything changed."""
    cleaned = [clean(item) for item in items]
    if any(new is not old for new, old in zip(cleaned, items)):
        changes[name] = tuple(item for item in cleaned if item is not None)


def _overlay(overlay: OverlayFacts, problems: _Problems) -> OverlayFacts:
    what = f"overlay {overlay.position} "
    changes: dict = problems.texts(overlay, what, OVERLAY_TEXTS)
    for name, kind in (("commits", "commit URL"), ("bugs", "bug URL")):
        urls = tuple(u for u in (problems.url(f"{what}{kind}", url) for url in getattr(overlay, name)) if u)
        if urls != getattr(overlay, name):
            changes[name] = urls
    return replace(overlay, **changes) if changes else overlay


def _source_file(source: SourceFileFacts, problems: _Problems) -> SourceFileFacts | None:
    what = f"source file {shown(source.filename)} ({source.origin.replace('-', ' ')})"
    if CONTROL_RE.search(source.filename):
        problems.add(f"{what} is left out: its name has control characters")
        return None
    changes = {}
    why = digest_problem(source.algorithm, source.digest)
    if why:
        problems.add(f"{what}: its {shown(source.algorithm)} digest {shown(source.digest)} is left out: {why}")
        changes["digest"] = ""
    url = problems.url(f"{what}: the download URL", source.url)
    if url != source.url:
        changes["url"] = url
    return replace(source, **changes) if changes else source


def _binary(binary: BinaryFacts, problems: _Problems, unresolved: list[Unresolved]) -> BinaryFacts | None:
    why = identity_problem(binary.name)
    if why:
        problems.add(f"binary package {shown(binary.name)} is left out: its name {why.removeprefix('it ')}")
        unresolved.append(Unresolved("packages", f"the binary package name {shown(binary.name)} {why.removeprefix('it ')}"))
        return None
    changes: dict = problems.texts(binary, f"binary package {binary.name} ", ("channel", "channel_source", "license"))
    bad = [(name, why) for name in ("epoch", "version", "release")
           if (why := identity_problem(getattr(binary, name)))]
    if bad:
        text = "; ".join(f"its {name} {shown(getattr(binary, name))} {why.removeprefix('it ')}" for name, why in bad)
        problems.add(f"binary package {binary.name} is published without a version of its own: {text}")
        unresolved.append(Unresolved(f"package:{binary.name}", text))
        changes.update(epoch="", version="", release="")
    return replace(binary, **changes) if changes else binary


def _commit(facts: CommitFacts, what: str, problems: _Problems,
            seen: dict[int, tuple[CommitFacts, tuple[str, ...]]]) -> CommitFacts:
    """The commit's facts without invalid e-mails or control characters; worked out once per commit."""
    if id(facts) not in seen:
        found = _Problems()
        changes: dict = found.texts(facts, "", COMMIT_TEXTS)
        for role in ("author", "committer"):
            email = getattr(facts, f"{role}_email")
            if email and not valid_email(email):
                found.add(f"the {role} e-mail {shown(email)} is left out, the name kept: it is not a valid e-mail address")
                changes[f"{role}_email"] = ""
        seen[id(facts)] = (replace(facts, **changes) if changes else facts, tuple(found.items))
    clean, found_problems = seen[id(facts)]
    for text in found_problems:
        problems.add(f"the last commit of the {what}, {facts.sha[:12]}: {text}")
    return clean


def _identity(component: ComponentFacts, problems: _Problems) -> list[Unresolved]:
    """The source package's epoch, version and release that cannot be published, unresolved (noted);
    an identity already unresolved is not published anyway."""
    found: list[Unresolved] = []
    if not component.identity_complete:
        return found
    for name in ("epoch", "version", "release"):
        value = getattr(component, name)
        why = identity_problem(value)
        if why:
            problems.add(f"the {name} {shown(value)} is published as unresolved, without a version: {why}")
            found.append(Unresolved(name, f"the {name} {why.removeprefix('it ')}"))
    return found
