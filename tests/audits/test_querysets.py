"""ComponentQuerySet.with_newest_upstream: the one "newest upstream verification" query of pages and SBOMs."""

import datetime as dt

import pytest

from audits.models import Component, UpstreamVerification
from audits.querysets import UPSTREAM_FIELDS, newest_upstream

pytestmark = pytest.mark.django_db


def verify(component, verdict, at, **fields):
    return UpstreamVerification.objects.create(
        component=component, verdict=verdict, verified_at=dt.datetime.fromisoformat(at), **fields
    )


def test_the_newest_verification_of_each_component_is_annotated_and_none_without_one(release):
    bash, curl = release.components.get(name="bash"), release.components.get(name="curl")
    verify(bash, "drift", "2026-03-01T10:00:00+00:00", reason="old")
    verify(bash, "verified-intact", "2026-04-01T10:00:00+00:00", reason="new")
    verify(bash, "upstream-unavailable", "2026-02-01T10:00:00+00:00", reason="older")
    rows = dict(Component.objects.filter(release=release).with_newest_upstream("verdict", "reason")
                .values_list("name", "upstream_verdict"))
    assert rows["bash"] == "verified-intact" and rows["curl"] is None
    with pytest.raises(AttributeError):
        Component.objects.with_newest_upstream("verdict").get(pk=curl.pk).upstream_reason  # only the fields asked for


def test_of_two_verifications_at_the_same_time_the_later_row_is_the_newest(release):
    bash = release.components.get(name="bash")
    verify(bash, "drift", "2026-04-01T10:00:00+00:00")
    later = verify(bash, "verified-intact", "2026-04-01T10:00:00+00:00")
    assert Component.objects.with_newest_upstream("id").get(pk=bash.pk).upstream_id == later.pk


def test_newest_upstream_gives_an_unsaved_verification_with_every_page_field(release):
    bash = release.components.get(name="bash")
    stored = verify(bash, "drift", "2026-04-01T10:00:00+00:00", reason="edited", undeclared_diff="+x\n")
    with_all = Component.objects.with_newest_upstream().get(pk=bash.pk)
    upstream = newest_upstream(with_all)
    assert upstream.pk is None and upstream.component == with_all
    assert all(getattr(upstream, f) == getattr(stored, f) for f in UPSTREAM_FIELDS)
    assert newest_upstream(Component.objects.with_newest_upstream().get(name="curl", release=release)) is None
