"""The policies API: optimistic concurrency on the policy file and waivers (428, 412), validation with
line and field, findings filters, the sign-off answers."""

import pytest

from access.models import AccessLog
from policies.models import PolicyVersion, Waiver
from tests.api.conftest import bearer, make_key  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

POLICY = "/api/v1/policy/"
VALID = '[rules.check-skip-reason]\nseverity = "low"\n'


@pytest.fixture
def admin_api(make_key):
    _, secret = make_key("read", "policy")
    return bearer(secret)


@pytest.fixture
def waiver_api(make_key):
    _, secret = make_key("read", "waivers")
    return bearer(secret)


def test_the_policy_answers_with_its_version_as_etag(admin_api, release):
    response = admin_api.get(POLICY)
    assert response.status_code == 200 and response["ETag"] == '"policy-v1"'
    assert response.json()["number"] == 1 and "[rules.pin-age]" in response.json()["text"]


def test_saving_the_policy_without_if_match_is_428_and_nothing_is_saved(admin_api, release):
    admin_api.get(POLICY)
    response = admin_api.put(POLICY, {"text": VALID}, content_type="application/json")
    assert response.status_code == 428 and PolicyVersion.objects.count() == 1


def test_saving_the_policy_on_a_stale_version_is_412(admin_api, release):
    admin_api.get(POLICY)
    assert admin_api.put(POLICY, {"text": VALID}, content_type="application/json",
                         headers={"If-Match": '"policy-v1"'}).status_code == 201
    response = admin_api.put(POLICY, {"text": VALID}, content_type="application/json",
                             headers={"If-Match": '"policy-v1"'})
    assert response.status_code == 412 and PolicyVersion.objects.count() == 2


def test_an_invalid_policy_is_400_with_line_and_field(admin_api, release):
    admin_api.get(POLICY)
    response = admin_api.put(POLICY, {"text": '[rules.pin-age]\nseverity = "low"\n'}, content_type="application/json",
                             headers={"If-Match": '"policy-v1"'})
    assert response.status_code == 400
    assert "line 1: rules.pin-age.max-days: is required" in str(response.json())
    assert PolicyVersion.objects.count() == 1


def test_a_saved_policy_re_evaluates_the_releases_and_is_in_the_access_log(admin_api, release):
    admin_api.get(POLICY)
    response = admin_api.put(POLICY, {"text": VALID, "comment": "relax"}, content_type="application/json",
                             headers={"If-Match": '"policy-v1"'})
    assert response.status_code == 201 and response["ETag"] == '"policy-v2"'
    assert admin_api.get(f"/api/v1/releases/{release.pk}/findings/").json()["results"] == []
    assert AccessLog.objects.filter(action="edit-policy", target__contains="saved policy version 2").exists()


def test_findings_filter_by_rule_severity_and_status(waiver_api, release):
    url = f"/api/v1/releases/{release.pk}/findings/"
    (finding,) = waiver_api.get(url + "?rule=upstream-version&severity=high&status=open").json()["results"]
    assert finding["component"] == "bash" and finding["waived"] is False
    assert waiver_api.get(url + "?severity=low").json()["results"] == []
    assert waiver_api.get(url + "?severity=urgent").status_code == 400


def _waive(api, release):
    finding = api.get(f"/api/v1/releases/{release.pk}/findings/").json()["results"][0]
    return api.post(f"/api/v1/releases/{release.pk}/waivers/", {
        "finding": finding["id"], "justification": "rawhide until GA", "expires_at": "2999-01-01T00:00:00Z"},
        content_type="application/json")


def test_a_waiver_made_through_the_api_has_an_etag_and_waives_its_finding(waiver_api, release):
    response = _waive(waiver_api, release)
    assert response.status_code == 201
    waiver = Waiver.objects.get()
    assert response["ETag"] == f'"waiver-{waiver.pk}-r1"' and waiver.events.get().via.startswith("api key")
    findings = waiver_api.get(f"/api/v1/releases/{release.pk}/findings/?status=waived").json()["results"]
    assert len(findings) == 1
    assert AccessLog.objects.filter(action="waive", target__contains=f"approved waiver {waiver.pk}").exists()


def test_changing_a_waiver_needs_if_match_and_a_stale_one_is_412(waiver_api, release):
    _waive(waiver_api, release)
    waiver = Waiver.objects.get()
    url = f"/api/v1/releases/{release.pk}/waivers/{waiver.pk}/"
    body = {"justification": "longer", "expires_at": "2999-02-01T00:00:00Z"}
    assert waiver_api.patch(url, body, content_type="application/json").status_code == 428
    etag = waiver_api.get(url)["ETag"]
    assert waiver_api.patch(url, body, content_type="application/json", headers={"If-Match": etag}).status_code == 200
    assert waiver_api.patch(url, body, content_type="application/json", headers={"If-Match": etag}).status_code == 412
    assert waiver_api.post(url + "revoke/", headers={"If-Match": etag}).status_code == 412
    assert Waiver.objects.get().revision == 2 and Waiver.objects.get().revoked_at is None


def test_the_sign_off_says_what_blocks_it_and_a_refused_sign_off_is_409(make_key, release):
    _, secret = make_key("read", "sign-off")
    api = bearer(secret)
    url = f"/api/v1/releases/{release.pk}/sign-off/"
    state = api.get(url).json()
    assert state["signed_off"] is False
    assert state["blockers"] == ["not every review is decided", "1 policy violation without a waiver"]
    response = api.post(url)
    assert response.status_code == 409 and "not every review is decided" in response.json()["detail"]
