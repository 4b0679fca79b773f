"""The human-readable report of a bundle: report.html (a Django template) and report.pdf (evidence.pdf),
with the same facts as the bundle's JSON files."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from audits.models import Release

from .. import GENERATOR_NAME, __version__
from ..pdf import Section, render_pdf
from ..zipwriter import BundleFile
from .loading import ComponentData


def upstream_label(data: ComponentData) -> str:
    return data.upstream["verdict"] if data.upstream else "not verified"


def _component_sections(data: ComponentData, config_files: list[dict]) -> list[Section]:
    row = data.row
    sections = [
        Section("Verdict", (f"Classification: {row['headline']}.", row["verdict"],
                            f"Upstream verification: {upstream_label(data)}.")),
    ]
    if data.reasons:
        sections.append(Section("Reasons", header=("Reason", "Explanation", "Where"),
                                rows=tuple((r["code"], r["text"], r["source"]) for r in data.reasons), widths=(0.2, 0.55, 0.25)))
    if data.overlays:
        sections.append(Section("Overlays", header=("#", "Type", "Description", "In the rendered spec"),
                                rows=tuple((str(o["position"] + 1), o["type"], o["description"],
                                            f"{o['presence'] or 'not checked'} {o['presence_reason']}".strip())
                                           for o in data.overlays), widths=(0.06, 0.2, 0.44, 0.3)))
    sections.append(Section("Configuration files", header=("Repository path", "SHA-256"),
                            rows=tuple((c["path"], c["sha256"]) for c in config_files), widths=(0.45, 0.55)))
    if data.spec:
        sections.append(Section("Rendered spec", (f"{data.spec['path']}, {data.spec['size']} bytes, SHA-256 {data.spec['sha256']}.",)))
    if data.upstream:
        up = data.upstream
        sections.append(Section("Upstream verification", (
            f"Verdict {up['verdict']} on {up['verified_at']:%Y-%m-%d %H:%M} UTC against {up['dist_git_url']} "
            f"at {up['upstream_commit'] or 'unknown commit'}.", up["reason"])))
    if data.history:
        sections.append(Section("Git history", header=("Commit", "Date", "Author", "Subject", "Touched"),
                                rows=tuple((h["commit__sha"][:12], f"{h['commit__committed_at']:%Y-%m-%d}",
                                            h["commit__author_name"], h["commit__subject"], h["touched"]) for h in data.history),
                                widths=(0.14, 0.12, 0.18, 0.44, 0.12)))
    if data.inconsistencies:
        sections.append(Section("Inconsistencies", header=("Kind", "Path", "Detail"),
                                rows=tuple((i["kind"], i["path"], i["detail"]) for i in data.inconsistencies),
                                widths=(0.2, 0.3, 0.5)))
    return sections


def report_subtitle(release: Release, requested_by: str, requested_at: dt.datetime) -> str:
    return (f"{release.distribution.name} {release.version}, commit {release.commit.sha} "
            f"({release.commit.committed_at:%Y-%m-%d %H:%M} UTC). Requested by {requested_by or 'the system'} "
            f"on {requested_at.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC. {GENERATOR_NAME} {__version__}.")


def report_files(html: str, pdf: bytes, what: str) -> list[BundleFile]:
    return [
        BundleFile("report.html", html.encode("utf-8"), "report-html", f"Human-readable report of {what}", "text/html; charset=utf-8"),
        BundleFile("report.pdf", pdf, "report-pdf", "The same report as PDF, for auditors", "application/pdf"),
    ]


def component_html(release: Release, data: ComponentData, config_files: list[dict], *, subtitle: str,
                   sbom: BundleFile | None, notes: list[str]) -> str:
    return render_to_string("evidence/component_report.html", {
        "release": release, "c": data, "config_files": config_files, "subtitle": subtitle, "sbom": sbom, "notes": notes,
    })


def component_pdf(data: ComponentData, config_files: list[dict], *, subtitle: str) -> bytes:
    return render_pdf(f"Evidence: {data.name}", subtitle, _component_sections(data, config_files))


def release_html(release: Release, components: list[ComponentData], *, summary: dict, inconsistencies: list[dict],
                 findings: list[list[str]], subtitle: str, notes: list[str], sboms: list[BundleFile]) -> str:
    return render_to_string("evidence/release_report.html", {
        "release": release, "components": components, "summary": summary, "inconsistencies": inconsistencies,
        "findings": findings, "subtitle": subtitle, "notes": notes, "sboms": sboms,
    })


def release_pdf(release: Release, components: list[ComponentData], *, summary: dict, findings: list[list[str]],
                inconsistencies: list[dict], subtitle: str, extra: tuple[Section, ...] = ()) -> bytes:
    """`extra`: sections other apps' evidence adds (the decisions, evidence.services.decisions)."""
    return render_pdf(f"Evidence: {release.distribution.name} {release.version}", subtitle,
                      _release_sections(release, components, summary, findings, inconsistencies) + list(extra))


def _release_sections(release: Release, components: list[ComponentData], summary: dict, findings: list[list[str]],
                      inconsistencies: list[dict]) -> list[Section]:
    counts = release.summary.get("by_headline", {})
    not_intact = [c for c in components if c.row["headline"] != "intact"]
    return [
        Section("Summary", (
            f"{len(components)} components: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + ".",
            "Upstream verification: " + ", ".join(f"{n} {k}" for k, n in summary["by_upstream_verdict"].items()) + ".",
            "Every component's evidence is in components/<name>/ of this bundle; intact components are listed "
            "in report.html and release/summary.json.",
        )),
        Section("Findings (NIST SP 800-53 Rev. 5)", ("From oscal/assessment-results.json.",),
                ("Control", "Status", "Component", "Finding"),
                tuple((r[1], r[3], r[4], r[7]) for r in findings), (0.1, 0.14, 0.2, 0.56)),
        Section("Components that are not Fedora-intact", (), ("Component", "Classification", "Upstream", "Verdict"),
                tuple((c.name, c.row["headline"], upstream_label(c), c.row["verdict"]) for c in not_intact),
                (0.2, 0.14, 0.14, 0.52)),
        Section("Inconsistencies", (), ("Kind", "Component", "Detail"),
                tuple((i["kind"], i["component__name"] or "", i["detail"]) for i in inconsistencies), (0.2, 0.2, 0.6)),
    ]
