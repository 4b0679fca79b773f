"""Evaluation after ingest, policy versions, waivers and their expiry, the sign-off's preconditions."""

import datetime as dt

import pytest
from django.utils import timezone

from policies.models import Finding, PolicyVersion, SignOff, WaiverEvent
from policies.rules import PolicyError
from policies.services import policy, signoff, waivers
from policies.services.evaluation import evaluate_all, evaluate_release
from tests.policies.builders import ONLY_CHECK_SKIP, decide_all, in_days, waive_all

pytestmark = pytest.mark.django_db


def test_a_new_release_is_evaluated_against_the_default_policy_at_ingest(release):
    (finding,) = Finding.objects.filter(release=release).select_related("component", "policy_version")
    assert (finding.component.name, finding.rule, finding.severity) == ("bash", "upstream-version", "high")
    assert finding.message == "comes from fedora rawhide, the release from fedora 43"
    assert finding.policy_version.number == 1 and finding.policy_version.created_via == "default"


def test_an_invalid_policy_is_refused_and_nothing_changes(release, portal_admin):
    with pytest.raises(PolicyError, match="line 2: rules.pin-age.severity"):
        policy.save_policy('[rules.pin-age]\nseverity = "urgent"\nmax-days = 3\n', user=portal_admin, via="page")
    assert PolicyVersion.objects.count() == 1 and Finding.objects.filter(release=release).count() == 1


def test_a_saved_policy_is_a_new_version_and_re_evaluation_replaces_the_findings(two_releases, portal_admin):
    _, second = two_releases
    version = policy.save_policy(ONLY_CHECK_SKIP, user=portal_admin, via="page", comment="only %check")
    evaluate_all(version)
    assert list(PolicyVersion.objects.values_list("number", flat=True)) == [2, 1]
    assert not Finding.objects.filter(rule="upstream-version").exists()
    # newpkg's group skips %check with a reason: no finding under this rule either
    assert not Finding.objects.filter(release=second).exists()


def test_a_policy_saved_on_an_older_version_is_refused_as_stale(db, portal_admin):
    policy.current_version()
    policy.save_policy(ONLY_CHECK_SKIP, user=portal_admin, via="page", based_on=1)
    with pytest.raises(policy.StalePolicy, match="at version 2, not 1"):
        policy.save_policy(ONLY_CHECK_SKIP, user=portal_admin, via="page", based_on=1)


def test_a_waiver_waives_its_finding_until_it_expires(release, release_manager):
    (waiver,) = waive_all(release, release_manager, days=10)
    findings = Finding.objects.filter(release=release)
    assert findings.counts() == {"open": 0, "waived": 1}
    assert findings.counts(at=waiver.expires_at + dt.timedelta(seconds=1)) == {"open": 1, "waived": 0}


def test_an_expired_waiver_is_a_violation_again_now(release, release_manager):
    (waiver,) = waive_all(release, release_manager)
    type(waiver).objects.filter(pk=waiver.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert Finding.objects.filter(release=release).counts() == {"open": 1, "waived": 0}
    assert signoff.blockers(release)[-1] == "1 policy violation without a waiver"


def test_a_waiver_survives_re_evaluation(release, release_manager):
    waive_all(release, release_manager)
    evaluate_release(release)
    assert Finding.objects.filter(release=release).counts() == {"open": 0, "waived": 1}


def test_changing_and_revoking_a_waiver_keeps_every_step_in_its_history(release, release_manager):
    (waiver,) = waive_all(release, release_manager)
    waiver = waivers.change(waiver, justification="until the rebase", expires_at=in_days(5), user=release_manager,
                            via="page", revision=1)
    waivers.revoke(waiver, user=release_manager, via="api key grc", revision=2)
    events = list(WaiverEvent.objects.filter(waiver=waiver).values_list("action", "justification", "via"))
    assert events == [("approved", "accepted for this release", "page"), ("changed", "until the rebase", "page"),
                      ("revoked", "until the rebase", "api key grc")]
    assert Finding.objects.filter(release=release).counts() == {"open": 1, "waived": 0}


def test_a_change_based_on_an_older_revision_is_refused(release, release_manager):
    (waiver,) = waive_all(release, release_manager)
    waivers.change(waiver, justification="b", expires_at=in_days(5), user=release_manager, via="page", revision=1)
    with pytest.raises(waivers.StaleWaiver):
        waivers.change(waiver, justification="c", expires_at=in_days(5), user=release_manager, via="page", revision=1)


def test_a_waiver_needs_a_justification_and_a_future_expiry(release, release_manager):
    finding = Finding.objects.get(release=release)
    with pytest.raises(waivers.WaiverError, match="justification"):
        waivers.approve(finding, justification=" ", expires_at=in_days(1), user=release_manager, via="page")
    with pytest.raises(waivers.WaiverError, match="future"):
        waivers.approve(finding, justification="x", expires_at=in_days(-1), user=release_manager, via="page")


def test_sign_off_is_refused_while_reviews_are_pending_and_violations_open(release, release_manager):
    assert signoff.blockers(release) == ["not every review is decided", "1 policy violation without a waiver"]
    with pytest.raises(signoff.SignOffError, match="not every review is decided"):
        signoff.sign_off(release, user=release_manager, via="page")
    assert not SignOff.objects.exists()


def test_sign_off_is_possible_once_every_review_is_decided_and_every_violation_waived(release, auditor,
                                                                                    release_manager):
    decide_all(release, auditor)
    assert signoff.blockers(release) == ["1 policy violation without a waiver"]
    waive_all(release, release_manager)
    assert signoff.blockers(release) == []
