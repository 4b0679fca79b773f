"""Small helpers for the policies tests: decide every review, waive findings, a policy with one rule."""

import datetime as dt

from django.utils import timezone

from policies.models import Finding
from policies.services import waivers
from reviews.models import Review
from reviews.services import actor_of, clean_decision, decide_many

ONLY_CHECK_SKIP = '[rules.check-skip-reason]\nseverity = "medium"\n'


def decide_all(release, user, justification="checked against the Fedora spec"):
    reviews = {r.pk: r.version for r in Review.objects.filter(release=release)}
    decide_many(reviews, clean_decision("accepted", justification), actor_of(user), release_id=release.pk)


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def waive_all(release, user, days=30):
    return [waivers.approve(f, justification="accepted for this release", expires_at=in_days(days), user=user,
                            via="page") for f in Finding.objects.filter(release=release)]
