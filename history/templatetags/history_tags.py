"""What the release pages say about time: which commit and date a release shows, whether newer releases or
ingested commits of its distribution exist, and links to the history pages. audits' templates load these
tags (`{% load history_tags %}`), so audits never imports history."""

from __future__ import annotations

from django import template

from audits.models import Distribution, Release

from ..models import ComponentState, Snapshot
from ..querysets import newer

register = template.Library()


def _newer_snapshots(release: Release) -> tuple[int, Snapshot | None]:
    """The distribution's snapshots newer than the release's commit (later in history when its commit was
    ingested as history, else committed later), and the newest of them."""
    own = (Snapshot.objects.filter(distribution_id=release.distribution_id, commit_id=release.commit_id)
           .values_list("seq", flat=True).first())
    return newer(release.distribution_id, seq=own, after=release.commit.committed_at)


@register.inclusion_tag("history/_release_note.html")
def release_history_note(release: Release):
    """Which commit and date a release shows, and whether newer releases and ingested commits exist."""
    newer_releases = (Release.objects.filter(distribution_id=release.distribution_id)
                      .filter(commit__committed_at__gt=release.commit.committed_at)
                      .select_related("commit").order_by("-commit__committed_at", "-pk"))
    count = newer_releases.count()
    newer_snapshots, newest_snapshot = _newer_snapshots(release)
    has_history = newer_snapshots > 0 or Snapshot.objects.filter(distribution_id=release.distribution_id).exists()
    return {
        "release": release,
        "commit": release.commit,
        "newer_releases": count,
        "newest_release": newer_releases.first() if count else None,
        "newer_snapshots": newer_snapshots,
        "newest_snapshot": newest_snapshot,
        "has_history": has_history,
    }


@register.inclusion_tag("history/_component_link.html")
def component_timeline_link(release: Release, name: str):
    """A link to the component's timeline when history holds it."""
    known = ComponentState.objects.filter(distribution_id=release.distribution_id, name=name).exists()
    return {"distribution": release.distribution, "name": name, "known": known}


@register.inclusion_tag("history/_distribution_links.html")
def distribution_history_links():
    """Links to the history page of every distribution with ingested history."""
    return {"distributions": list(Distribution.objects.filter(snapshots__isnull=False).distinct().order_by("name"))}
