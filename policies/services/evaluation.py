"""Evaluate a release against the policy: read its facts in a few bulk queries, run the pure rule engine,
replace its findings. A signed-off release is never re-evaluated (its findings are part of what was signed)."""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction
from django.db.models import Prefetch

from audits.models import BinaryPackage, Component, Overlay, Release

from .. import rules
from ..models import Finding, PolicyVersion, SignOff
from .policy import current_version, parsed


def _when(value: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _pin(component: Component, release: Release) -> tuple[str, dt.datetime | None]:
    """The component's own pin and when it dates from. A commit pin (`upstream-commit`) dates from the
    commit that last changed the component's configuration (the dist-git commit's own date is not
    known offline), so the age is a lower bound; a snapshot of its own dates from that snapshot."""
    if component.upstream_commit:
        committed = component.config_commit.committed_at if component.config_commit else None
        return component.upstream_commit, committed
    snapshot = _when(component.upstream_snapshot) if component.upstream_snapshot else None
    if snapshot is not None and snapshot != release.snapshot:
        return f"snapshot {component.upstream_snapshot}", snapshot
    return "", None


def component_facts(component: Component, release: Release) -> rules.ComponentFacts:
    pin, pinned_at = _pin(component, release)
    # The License texts as stated; the rule parses them as the license inventory does (audits.licenses).
    licenses = [component.license, *(p.license for p in component.binary_packages.all())]
    return rules.ComponentFacts(
        name=component.name,
        overlays=tuple(
            rules.OverlayFacts(position=o.position, type=o.type, description=o.description, category=o.category,
                               bugs=tuple(b for b in o.bugs if b),
                               text=json.dumps(o.parameters, sort_keys=True, ensure_ascii=False))
            for o in component.overlays.all()),
        check_skipped=component.check_skipped, check_skip_reason=component.check_skip_reason,
        pin=pin, pinned_at=pinned_at,
        upstream_distro=component.upstream_distro, upstream_version=component.upstream_version,
        licenses=tuple(dict.fromkeys(lic for lic in licenses if lic.strip())),
    )


def release_facts(release: Release) -> rules.ReleaseFacts:
    components = (
        Component.objects.filter(release=release).select_related("config_commit")
        .only("name", "release_id", "upstream_commit", "upstream_snapshot", "check_skipped", "check_skip_reason",
              "upstream_distro", "upstream_version", "license", "config_commit__committed_at")
        .prefetch_related(
            Prefetch("overlays", Overlay.objects.only("component_id", "position", "type", "description", "category",
                                                      "bugs", "parameters")),
            Prefetch("binary_packages", BinaryPackage.objects.only("component_id", "license")))
    )
    return rules.ReleaseFacts(commit_date=release.commit.committed_at, upstream_distro=release.upstream_distro,
                              upstream_version=release.upstream_version,
                              components=tuple(component_facts(c, release) for c in components))


def evaluate_release(release: Release, version: PolicyVersion | None = None) -> dict:
    """Replace the release's findings by the violations of `version` (default: the policy in force)."""
    if SignOff.objects.filter(release=release).exists():
        return {"release_id": release.pk, "skipped": "signed off"}
    version = version or current_version()
    violations = rules.evaluate(parsed(version), release_facts(release))
    ids = dict(Component.objects.filter(release=release).values_list("name", "pk"))
    with transaction.atomic():
        Finding.objects.filter(release=release).delete()
        Finding.objects.bulk_create(
            [Finding(release=release, component_id=ids[v.component], policy_version=version, rule=v.rule,
                     severity=v.severity, subject=v.subject[:300], message=v.message) for v in violations],
            batch_size=1000)
    return {"release_id": release.pk, "policy_version": version.number, "findings": len(violations)}


def evaluate_all(version: PolicyVersion) -> list[dict]:
    """After a policy change: every release that is not signed off, against `version`."""
    releases = Release.objects.filter(sign_off__isnull=True).select_related("commit")
    return [evaluate_release(release, version) for release in releases]


def evaluate_written_release(sender, release: Release, **kwargs) -> None:
    """Receiver of audits.signals.release_written."""
    evaluate_release(release)


def queue_rule_choices(release: Release) -> list[tuple[str, str]]:
    """The rules with findings in the release, for the review queue's policy-rule filter (reviews.queue_filters)."""
    names = Finding.objects.filter(release=release).order_by("rule").values_list("rule", flat=True).distinct()
    return [(name, rules.RULES[name].title if name in rules.RULES else name) for name in names]


def queue_rule_components(release: Release, rule: str):
    """The ids of the release's components with a finding of `rule`, waived or not."""
    return Finding.objects.filter(release=release, rule=rule).values("component_id")
