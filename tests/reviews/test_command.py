import io
import json

import pytest
from django.core.management import call_command

from reviews.models import Review

pytestmark = pytest.mark.django_db


def test_the_reviews_command_prints_the_totals_as_json(first_release, accept):
    accept(Review.objects.get(release=first_release, component__name="bash"))
    out = io.StringIO()
    call_command("reviews", str(first_release.pk), "--json", stdout=out)
    totals = json.loads(out.getvalue())
    assert {k: totals[k] for k in ("divergent", "pending", "accepted", "rejected", "waived", "carried_forward")} == {
        "divergent": 3, "pending": 2, "accepted": 1, "rejected": 0, "waived": 0, "carried_forward": 0}


def test_sync_reviews_creates_the_reviews_of_an_older_release(first_release):
    Review.objects.filter(release=first_release).delete()
    out = io.StringIO()
    call_command("sync_reviews", str(first_release.pk), stdout=out)
    assert json.loads(out.getvalue())["created"] == 3
