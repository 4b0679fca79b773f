"""The fingerprint of a component's divergence from Fedora: what a review decision is about.

PURE PYTHON (no Django; the pure-core contract in .importlinter and mypy's strict list check it).

A decision applies to the exact divergence it was made on. `divergence_document` gathers that
divergence into one JSON document and `fingerprint` digests it (SHA-256 of the canonical JSON:
sorted keys, no whitespace, UTF-8). What goes in, and why:

- ``reasons``: every classification reason as (code, text), in order. The codes say *how* the
  component diverges; the texts carry the values that make the divergence (the other Fedora
  version or snapshot it comes from, the pinned commit, the number of overlays, the rename).
  The layer a reason comes from (component, group, overlay file) is left out: moving a setting
  between files changes nothing that is built.
- ``overlays``: each overlay in order of application, as its type, its parameters exactly as
  written (audits.Overlay.parameters) and the SHA-256 of the source file it reads (blank when it
  reads none). A changed patch file changes the fingerprint even when the TOML did not change.
  Where the overlay is written (file, layer) is left out, for the same reason as above.
- ``source_files``: the `source-files` entries (file name, hash, origin, replace-upstream and its
  reason): added or replaced upstream sources.
- ``build``: the resolved build table (with/without, defines, undefines, %check skipping and its
  reason, hints, ...), the release calculation and the render options.
- ``pin``: the parts of the spec table that choose *which* spec is built other than by the
  distribution's defaults: the spec type, the local spec's path, the upstream commit pin and the
  upstream name. The upstream distribution name, version and snapshot are in the reasons when they
  differ from the defaults and left out otherwise.
- ``local_spec_sha256``: for a local spec only, the digest of the spec as the repository publishes
  it (the rendered spec: the spec written here, after its overlays). A Fedora-based component's
  rendered spec is left out: it carries Fedora's version.

What is deliberately NOT in it: the upstream package version (epoch, version, release, the rendered
spec of a Fedora-based component, the Fedora dist-git commit a snapshot resolves to). Fedora updates
it without any divergence, and a decision must survive that. Changing this list changes every
fingerprint: bump SCHEME so that stored documents say which rules made them.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SCHEME = 1
_PIN_KEYS = ("type", "path", "upstream-commit", "upstream-name")


@dataclass(frozen=True)
class OverlayFacts:
    type: str
    parameters: Mapping[str, Any]
    source_sha256: str = ""


def divergence_document(
    *,
    reasons: Iterable[tuple[str, str]],
    overlays: Iterable[OverlayFacts] = (),
    source_files: Iterable[Mapping[str, Any]] = (),
    build: Mapping[str, Any] | None = None,
    release_calculation: str = "auto",
    render_options: Mapping[str, Any] | None = None,
    spec: Mapping[str, Any] | None = None,
    local_spec_sha256: str = "",
) -> dict[str, Any]:
    """The JSON document of one component's divergence (see the module docstring for each part)."""
    spec = spec or {}
    is_local = spec.get("type") == "local"
    return {
        "scheme": SCHEME,
        "reasons": [[code, text] for code, text in reasons],
        "overlays": [
            {"type": o.type, "parameters": _plain(o.parameters), "source_sha256": o.source_sha256} for o in overlays
        ],
        "source_files": [_plain(entry) for entry in source_files],
        "build": {
            "build": _plain(build or {}),
            "release_calculation": release_calculation or "auto",
            "render_options": _plain(render_options or {}),
        },
        "pin": {key: _plain(spec[key]) for key in _PIN_KEYS if spec.get(key) not in (None, "")},
        "local_spec_sha256": local_spec_sha256 if is_local else "",
    }


def fingerprint(document: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the document's canonical JSON."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """JSON values only (dates and other scalars as text), so the digest is the same before and after storage."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What differs between two divergence documents, one plain sentence per difference (for the review
    page: "what changed since the decision"). Empty when the documents are equal."""
    found: list[str] = []
    if before.get("scheme") != after.get("scheme"):
        found.append(f"The fingerprint rules changed (scheme {before.get('scheme')} → {after.get('scheme')}).")
    old_reasons = [tuple(r) for r in before.get("reasons", [])]
    new_reasons = [tuple(r) for r in after.get("reasons", [])]
    found += [f"Reason no longer applies: {text}" for code, text in old_reasons if (code, text) not in new_reasons]
    found += [f"New reason: {text}" for code, text in new_reasons if (code, text) not in old_reasons]
    found += _overlay_changes(list(before.get("overlays", [])), list(after.get("overlays", [])))
    if before.get("source_files", []) != after.get("source_files", []):
        found.append(f"Source files changed: {_dump(before.get('source_files', []))} → {_dump(after.get('source_files', []))}")
    old_build, new_build = before.get("build", {}), after.get("build", {})
    for key in sorted(set(old_build) | set(new_build)):
        if old_build.get(key) != new_build.get(key):
            found.append(f"Build setting {key} changed: {_dump(old_build.get(key))} → {_dump(new_build.get(key))}")
    old_pin, new_pin = before.get("pin", {}), after.get("pin", {})
    for key in sorted(set(old_pin) | set(new_pin)):
        if old_pin.get(key) != new_pin.get(key):
            found.append(f"Spec {key} changed: {old_pin.get(key) or '(none)'} → {new_pin.get(key) or '(none)'}")
    if before.get("local_spec_sha256") != after.get("local_spec_sha256"):
        found.append(f"The local spec changed (SHA-256 {str(before.get('local_spec_sha256'))[:12] or '(none)'} → "
                     f"{str(after.get('local_spec_sha256'))[:12] or '(none)'}).")
    return found


def _overlay_changes(old: list[Mapping[str, Any]], new: list[Mapping[str, Any]]) -> list[str]:
    """Overlays aligned in order of application: added, removed, changed (1-based positions)."""
    matcher = difflib.SequenceMatcher(a=[_dump(o) for o in old], b=[_dump(o) for o in new], autojunk=False)
    found: list[str] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(a1 - a0, b1 - b0) if op == "replace" else 0
        for i in range(pairs):
            was, now = old[a0 + i], new[b0 + i]
            what = "its source file" if was.get("parameters") == now.get("parameters") and was.get("type") == now.get("type") else "its parameters"
            found.append(f"Overlay {b0 + i + 1} ({now.get('type')}) changed {what}: {_dump(was)} → {_dump(now)}")
        found += [f"Overlay {i + 1} ({old[i].get('type')}) removed: {_dump(old[i])}" for i in range(a0 + pairs, a1)]
        found += [f"Overlay {i + 1} ({new[i].get('type')}) added: {_dump(new[i])}" for i in range(b0 + pairs, b1)]
    return found
