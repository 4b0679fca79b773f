"""An auditor pressing "generate the evidence bundle" over and over: an unchanged bundle is not stored
again, and past the day's maximum nothing is built or stored (429)."""

import pytest
from django.urls import reverse

from access.models import AccessLog
from evidence.models import EvidenceBundle

pytestmark = pytest.mark.django_db


def generate(client, release, name: str):
    return client.post(reverse("evidence:component", args=[release.pk, name]))


def test_asking_again_for_an_unchanged_component_bundle_stores_no_copy(baseline, auditor_client):
    first = generate(auditor_client, baseline.release, "bash")
    again = [generate(auditor_client, baseline.release, "bash") for _ in range(3)]
    (bundle,) = EvidenceBundle.objects.all()
    assert {r["Location"] for r in [first, *again]} == {reverse("evidence:download", args=[bundle.pk])}
    assert AccessLog.objects.filter(target__endswith="(unchanged: the one made earlier)").count() == 3
    baseline.assert_unchanged()


def test_past_the_day_s_maximum_an_auditor_gets_429_and_nothing_is_built(baseline, auditor_client, settings,
                                                                        monkeypatch):
    settings.PEDIGREE_MAX_COMPONENT_BUNDLES_PER_DAY = 2
    assert [generate(auditor_client, baseline.release, name).status_code for name in ("bash", "curl")] == [302, 302]
    from evidence.services import bundles

    def never(*args, **kwargs):
        raise AssertionError("a bundle was built past the maximum")

    monkeypatch.setattr(bundles, "build_component_bundle", never)
    refused = generate(auditor_client, baseline.release, "zlib")
    assert refused.status_code == 429 and "2 component evidence bundles in the last 24 hours" in refused.content.decode()
    assert 86_000 < int(refused["Retry-After"]) <= 86_401
    assert EvidenceBundle.objects.count() == 2
    baseline.assert_unchanged()
