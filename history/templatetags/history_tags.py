"""What the release pages say about time: which commit and date a release shows, whether newer releases or
ingested commits of its distribution exist, and links to the history pages. audits' templates load these
tags (`{% load history_tags %}`), so audits never imports history."""

from __future__ import annotations

from django import template

from audits.models import Distribution, Release

from ..models import ComponentState, Snapshot
from ..querysets import newer

register = template.Library()


def _newer_snapshots(release: Release, newest: Snapshot) -> tuple[int, Snapshot | None]:
    """The distribution's snapshots newer than the release's commit (later in history when its commit was
    ingested as history, else committed later), and the newest of them."""
    own = (Snapshot.objects.filter(distribution_id=release.distribution_id, commit_id=release.commit_id)
           .values_list("seq", flat=True).first())
    if own is not None and own == newest.seq:
        return 0, None
    return newer(release.distribution_id, seq=own, after=release.commit.committed_at)


@register.inclusion_tag("history/_release_note.html")
def release_history_note(release: Release, component_name: str = ""):
    """Which commit and date a release shows, whether newer releases and ingested commits exist, and (on a
    package page, given `component_name`) a link to the component's timeline when history holds it. Without
    history this costs two queries; with it, at most six."""
    newer_releases = (Release.objects.filter(distribution_id=release.distribution_id)
                      .filter(commit__committed_at__gt=release.commit.committed_at)
                      .select_related("commit").order_by("-commit__committed_at", "-pk"))
    newest_release = newer_releases.first()
    newest = (Snapshot.objects.filter(distribution_id=release.distribution_id).select_related("commit")
              .order_by("-seq").first())
    newer_snapshots, newest_snapshot = _newer_snapshots(release, newest) if newest else (0, None)
    timeline = bool(newest and component_name and ComponentState.objects.filter(
        distribution_id=release.distribution_id, name=component_name).exists())
    return {
        "release": release,
        "commit": release.commit,
        "newer_releases": newer_releases.count() if newest_release else 0,
        "newest_release": newest_release,
        "newer_snapshots": newer_snapshots,
        "newest_snapshot": newest_snapshot,
        "has_history": newest is not None,
        "component_name": component_name if timeline else "",
    }


@register.inclusion_tag("history/_distribution_links.html")
def distribution_history_links():
    """Links to the history page of every distribution with ingested history."""
    return {"distributions": list(Distribution.objects.filter(snapshots__isnull=False).distinct().order_by("name"))}
