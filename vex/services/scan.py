"""The CVE scan of a release: its stored overlays (and the headers of the patches they add, read from
the repository at the release commit) through vex.cves, stored as one `VexScan` with its findings.

Patch files are not stored by the ingest, only their repository path and SHA-256; the scan fetches
the repository once (the same egress policy and limits as the ingest) and reads only the added
patches whose content still has the ingested digest. When the repository cannot be fetched, the
scan keeps every other finding and says in `patch_note` why the headers were not read.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.db import transaction

from access.egress_settings import current_policy
from audits import gitsource, gittree
from audits.azldev.tree import TreeError
from audits.models import ConfigFile, Overlay, Release

from ..cves import PATCH_SUFFIXES, Finding, OverlayInput, discover
from ..models import CveFinding, VexScan

logger = logging.getLogger(__name__)

_FIELDS = ("position", "type", "description", "category", "bugs", "tag", "value", "section", "regex", "replacement",
           "lines", "file", "source", "source_path", "defined_in")


def _input(row: dict) -> OverlayInput:
    lines = row["lines"] if isinstance(row["lines"], list) else []
    return OverlayInput(**{
        **{k: row[k] for k in _FIELDS},
        "bugs": tuple(b for b in row["bugs"] if isinstance(b, str)),
        "lines": tuple(str(line) for line in lines),
    })


def is_added_patch(overlay: OverlayInput) -> bool:
    return bool(overlay.source_path) and (
        overlay.type == "patch-add" or overlay.source_path.lower().endswith(PATCH_SUFFIXES))


def read_patches(release: Release, wanted: dict[str, str]) -> tuple[dict[str, str], str]:
    """{path: text} of the wanted patch files ({path: ingested sha256}) at the release commit, and a note
    saying which could not be read and why (blank when all were)."""
    if not wanted:
        return {}, ""
    texts: dict[str, str] = {}
    problems: list[str] = []
    try:
        with gitsource.fetch(release.source_url, release.commit.sha, allow_local=settings.PEDIGREE_ALLOW_LOCAL_SOURCES,
                             timeout=settings.PEDIGREE_GIT_TIMEOUT, egress=current_policy()) as checkout, \
                gittree.GitTree(checkout.git_dir, checkout.commit.sha,
                                max_file_bytes=settings.PEDIGREE_MAX_FILE_BYTES) as tree:
            entries = tree.entries()
            present = sorted(p for p in wanted if p in entries)
            problems.extend(f"{p}: not in the repository" for p in sorted(set(wanted) - set(present)))
            for path, data in tree.read_many(present):
                if wanted[path] and hashlib.sha256(data).hexdigest() != wanted[path]:
                    problems.append(f"{path}: its content differs from the ingested one")
                    continue
                texts[path] = data.decode("utf-8", "replace")
    except (gitsource.GitSourceError, gitsource.GitTransientError, TreeError) as exc:
        logger.warning("VEX scan of release %s: patch headers not read: %s", release.pk, exc)
        return {}, f"the headers of {len(wanted)} added patch file(s) were not read: {exc}"
    return texts, "; ".join(problems)


def scan_release(release: Release, *, read_patch_files: bool = True) -> VexScan:
    """Scan the release's overlays and store the findings, replacing any earlier scan."""
    rows = list(Overlay.objects.filter(component__release=release).order_by("component__name", "position")
                .values("id", "component_id", "component__name", "source_sha256", *_FIELDS))
    inputs = [(row, _input(row)) for row in rows]
    wanted = {o.source_path: row["source_sha256"] for row, o in inputs if is_added_patch(o)}
    patch_texts, note = read_patches(release, wanted) if read_patch_files else ({}, "patch files were not read")
    paths = {row["defined_in"] for row in rows}
    config_texts = dict(ConfigFile.objects.filter(release=release, path__in=paths).values_list("path", "blob__text"))
    findings: list[tuple[dict, Finding]] = []
    for row, overlay in inputs:
        found = discover(row["component__name"], [overlay], config_texts=config_texts, patch_texts=patch_texts)
        findings.extend((row, f) for f in found)
    with transaction.atomic():
        VexScan.objects.filter(release=release).delete()
        scan = VexScan.objects.create(release=release, patches_read=len(patch_texts), patch_note=note)
        CveFinding.objects.bulk_create([
            CveFinding(scan=scan, component_id=row["component_id"], overlay_id=row["id"], cve=f.cve, origin=f.origin,
                       action=f.action, file=f.file, line=f.line, text=f.text, not_built_reason=f.not_built_reason)
            for row, f in findings
        ], batch_size=1000)
    return scan
