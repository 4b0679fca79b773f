"""Is a component Fedora-intact, and if not, why?

`intact` means exactly: the component's resolved configuration equals what a
bare component resolves to (the distro default plus project defaults): upstream
spec from the default distro version and snapshot, no commit pin, no rename, no
overlays, no build options (group-inherited ones included), no source-file
overrides, default release calculation and render options. Every difference is
a named reason; the headline is the reason with the highest precedence.
Publish channels are routing, not build input, and do not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .loader import Project, merge_config
from .resolve import COMPONENT_LAYER, ResolvedComponent

INTACT = "intact"
ALTERED = "altered"
BUILD_CUSTOMISED = "build-customised"
PINNED = "pinned"
LOCAL = "local"

# Highest first: a spec written here says more than a Fedora spec changed by
# overlays, which says more than an unchanged Fedora spec from another point in
# Fedora's history, which says more than an unchanged spec built differently.
HEADLINE_PRECEDENCE = (LOCAL, ALTERED, PINNED, BUILD_CUSTOMISED, INTACT)
HEADLINE_LABELS = {
    INTACT: "Fedora-intact",
    ALTERED: "Altered",
    PINNED: "Pinned",
    BUILD_CUSTOMISED: "Build-customised",
    LOCAL: "Local",
}

REASON_HEADLINES = {
    "local-spec": LOCAL,
    "overlays": ALTERED,
    "source-files": ALTERED,
    "upstream-commit-pin": PINNED,
    "other-upstream-version": PINNED,
    "other-upstream-distro": PINNED,
    "other-snapshot": PINNED,
    "upstream-rename": PINNED,
    "check-skipped": BUILD_CUSTOMISED,
    "build-with": BUILD_CUSTOMISED,
    "build-without": BUILD_CUSTOMISED,
    "build-defines": BUILD_CUSTOMISED,
    "build-undefines": BUILD_CUSTOMISED,
    "upstream-provenance-macros": BUILD_CUSTOMISED,
    "expected-build-failure": BUILD_CUSTOMISED,
    "build-hints": BUILD_CUSTOMISED,
    "release-calculation": BUILD_CUSTOMISED,
    "render-options": BUILD_CUSTOMISED,
}

@dataclass(frozen=True)
class Reason:
    code: str
    text: str  # plain words for auditors
    source: str  # the layer(s) that caused it: "component", "group:<name>", "overlay-file", ...

    @property
    def headline(self) -> str:
        return REASON_HEADLINES[self.code]


@dataclass(frozen=True)
class Classification:
    headline: str
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def default_config(project: Project) -> dict[str, Any]:
    """What a bare component resolves to: the baseline for `intact`."""
    name, version = project.default_distro
    distro_default = project.distro_version(name, version).get("default-component-config", {})
    merged = merge_config({}, distro_default)
    return merge_config(merged, project.default_component_config)


def classify(component: ResolvedComponent, baseline: dict[str, Any]) -> Classification:
    reasons = [*_spec_reasons(component, baseline), *_content_reasons(component), *_build_reasons(component, baseline)]
    if not reasons:
        return Classification(INTACT, ())
    headline = min((r.headline for r in reasons), key=HEADLINE_PRECEDENCE.index)
    return Classification(headline, tuple(reasons))


def _source(component: ResolvedComponent, key: str) -> str:
    label = component.provenance.get(key, "")
    if not label:
        # a table: report the layers that set any of its keys
        labels = sorted({v for k, v in component.provenance.items() if k.startswith(key + ".")})
        label = "+".join(labels)
    return label or "component"


def _spec_reasons(component: ResolvedComponent, baseline: dict[str, Any]) -> list[Reason]:
    spec = component.config.get("spec", {})
    base_spec = baseline.get("spec", {})
    reasons: list[Reason] = []
    if spec.get("type") == "local":
        reasons.append(Reason("local-spec", f"The spec is written in this repository ({spec.get('path', '')}), not taken from Fedora.", _source(component, "spec.type")))
        return reasons
    ref, base_ref = spec.get("upstream-distro", {}), base_spec.get("upstream-distro", {})
    upstream_label = f"{ref.get('name', '')} {ref.get('version', '')}".strip()
    base_label = f"{base_ref.get('name', '')} {base_ref.get('version', '')}".strip()
    if spec.get("upstream-commit"):
        reasons.append(Reason(
            "upstream-commit-pin",
            f"The spec is pinned to {upstream_label} dist-git commit {spec['upstream-commit']} instead of the snapshot.",
            _source(component, "spec.upstream-commit"),
        ))
    if ref.get("name") != base_ref.get("name"):
        reasons.append(Reason("other-upstream-distro", f"The spec comes from {upstream_label} instead of {base_label}.", _source(component, "spec.upstream-distro.name")))
    elif ref.get("version") != base_ref.get("version"):
        reasons.append(Reason("other-upstream-version", f"The spec comes from {upstream_label} instead of {base_label}.", _source(component, "spec.upstream-distro.version")))
    if ref.get("snapshot") != base_ref.get("snapshot"):
        source = _source(component, "spec.upstream-distro.snapshot")
        # Today's azldev schema refuses a snapshot on a component; earlier azldev took it (the corpus's commits
        # 95-423 pin java-21/25-openjdk, lilv, python-jaraco-context so): it is honoured as written, and said.
        own = (" It is set on the component itself, which the current azldev schema no longer allows (only on a distro"
               " or a group's default-component-config).") if source == COMPONENT_LAYER else ""
        reasons.append(Reason(
            "other-snapshot",
            f"The upstream snapshot is {ref.get('snapshot') or 'not set (latest)'} instead of {base_ref.get('snapshot') or 'not set'}.{own}",
            source,
        ))
    upstream_name = spec.get("upstream-name")
    if upstream_name and upstream_name != component.name:
        reasons.append(Reason("upstream-rename", f"Built from the Fedora package {upstream_name!r} under the name {component.name!r}.", _source(component, "spec.upstream-name")))
    return reasons


def _content_reasons(component: ResolvedComponent) -> list[Reason]:
    reasons: list[Reason] = []
    if component.overlays:
        n = len(component.overlays)
        layers = "+".join(sorted({o.layer for o in component.overlays}))
        reasons.append(Reason("overlays", f"{n} overlay{'s' if n != 1 else ''} change{'s' if n == 1 else ''} the spec or its sources.", layers))
    sources = component.config.get("source-files", [])
    if sources:
        replaced = sum(1 for s in sources if s.get("replace-upstream"))
        detail = f" ({replaced} replac{'es' if replaced == 1 else 'e'} an upstream file)" if replaced else ""
        reasons.append(Reason("source-files", f"{len(sources)} source file{'s are' if len(sources) != 1 else ' is'} added{detail}.", _source(component, "source-files")))
    return reasons


def _build_reasons(component: ResolvedComponent, baseline: dict[str, Any]) -> list[Reason]:
    build = component.config.get("build", {})
    base_build = baseline.get("build", {})
    reasons: list[Reason] = []

    def differs(key: str) -> bool:
        return bool(build.get(key)) and build.get(key) != base_build.get(key)

    check = build.get("check", {})
    if check.get("skip") and check != base_build.get("check"):
        reasons.append(Reason("check-skipped", f"%check is skipped: {check.get('skip_reason', '')}", _source(component, "build.check.skip")))
    for key, code, words in (
        ("with", "build-with", "Built with"),
        ("without", "build-without", "Built without"),
        ("undefines", "build-undefines", "Macros undefined:"),
    ):
        if differs(key):
            reasons.append(Reason(code, f"{words} {', '.join(build[key])}.", _source(component, f"build.{key}")))
    if differs("defines"):
        pairs = ", ".join(f"{k}={v}" for k, v in sorted(build["defines"].items()))
        reasons.append(Reason("build-defines", f"Macros defined: {pairs}.", _source(component, "build.defines")))
    if differs("emit-upstream-provenance"):
        reasons.append(Reason("upstream-provenance-macros", "Fedora provenance macros are injected into the build.", _source(component, "build.emit-upstream-provenance")))
    failure = build.get("failure", {})
    if failure.get("expected") and failure != base_build.get("failure"):
        reasons.append(Reason("expected-build-failure", f"The build is expected to fail: {failure.get('expected-reason', '')}", _source(component, "build.failure.expected")))
    if build.get("hints", {}).get("expensive") and build.get("hints") != base_build.get("hints"):
        reasons.append(Reason("build-hints", "Marked as an expensive build (scheduling hint only).", _source(component, "build.hints.expensive")))
    calculation = component.config.get("release", {}).get("calculation") or "auto"
    base_calculation = baseline.get("release", {}).get("calculation") or "auto"
    if calculation != base_calculation:
        reasons.append(Reason("release-calculation", f"Release numbering is {calculation!r} instead of {base_calculation!r}.", _source(component, "release.calculation")))
    render = component.config.get("render", {})
    if render.get("skip-file-filter") and render != baseline.get("render"):
        reasons.append(Reason("render-options", "Rendering keeps every dist-git file (file filter skipped).", _source(component, "render.skip-file-filter")))
    return reasons
