"""The policy pages and forms: who may do what (every page and form against every role), the editor's
errors, waivers and the sign-off through the pages, the panels, the findings export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from access.models import AccessLog
from policies.models import Finding, PolicyVersion, Waiver
from tests.api.conftest import findings_of, small_release  # noqa: F401  (fixture)
from tests.policies.builders import ONLY_CHECK_SKIP, decide_all

pytestmark = pytest.mark.django_db

# (method, url name, args from the release and its finding/waiver, the roles allowed)
EVERYONE = {"auditor", "release-manager", "admin"}
MANAGERS = {"release-manager", "admin"}
FORMS = [
    ("get", "policies:policy", lambda o: [], EVERYONE),
    ("get", "policies:version", lambda o: [1], EVERYONE),
    ("post", "policies:save", lambda o: [], {"admin"}),
    ("get", "policies:release", lambda o: [o["release"].pk], EVERYONE),
    ("get", "policies:findings-export", lambda o: [o["release"].pk, "csv"], EVERYONE),
    ("post", "policies:waive", lambda o: [o["release"].pk, o["finding"].pk], MANAGERS),
    ("post", "policies:revoke", lambda o: [o["release"].pk, o["waiver"].pk], MANAGERS),
    ("post", "policies:sign-off", lambda o: [o["release"].pk], MANAGERS),
]


@pytest.fixture
def objects(small_release, portal_admin):
    """A release written directly (no ingest: the matrix has many cases) with an open and a waived finding."""
    finding, waiver = findings_of(small_release, small_release.components.get(), portal_admin)
    return {"release": small_release, "finding": finding, "waiver": waiver}


USER_OF_ROLE = {"outsider": "outsider", "auditor": "auditor", "release-manager": "release_manager",
                "admin": "portal_admin"}  # role -> the conftest fixture of a user holding only it


@pytest.mark.parametrize("role", list(USER_OF_ROLE))
@pytest.mark.parametrize(("method", "name", "args", "allowed"), FORMS, ids=[f"{m} {n}" for m, n, _, _ in FORMS])
def test_every_policy_page_and_form_is_open_to_its_roles_only(client, objects, request, role, method, name, args,
                                                              allowed):
    client.force_login(request.getfixturevalue(USER_OF_ROLE[role]))
    response = getattr(client, method)(reverse(name, args=args(objects)))
    assert (response.status_code != 403) == (role in allowed), response.status_code


@pytest.mark.parametrize(("method", "name", "args", "allowed"), FORMS, ids=[f"{m} {n}" for m, n, _, _ in FORMS])
def test_anonymous_users_are_sent_to_sign_in(client, objects, method, name, args, allowed):
    response = getattr(client, method)(reverse(name, args=args(objects)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_admin_saves_a_policy_version_and_releases_are_re_evaluated(client, portal_admin, release):
    client.force_login(portal_admin)
    response = client.post(reverse("policies:save"), {"text": ONLY_CHECK_SKIP, "comment": "c", "based_on": 1})
    assert response.status_code == 302 and PolicyVersion.objects.count() == 2
    assert not Finding.objects.filter(release=release).exists()
    assert AccessLog.objects.filter(action="edit-policy", username="ada").exists()


def test_an_invalid_policy_shows_each_problem_with_its_line_and_nothing_is_saved(client, portal_admin, release):
    client.force_login(portal_admin)
    response = client.post(reverse("policies:save"), {"text": '[rules.pin-age]\nseverity = "x"\n', "based_on": 1})
    page = response.content.decode()
    assert response.status_code == 400
    assert "line 2: rules.pin-age.severity: must be one of low, medium, high, critical, not &#x27;x&#x27;" in page
    assert "line 1: rules.pin-age.max-days: is required" in page
    assert PolicyVersion.objects.count() == 1


def test_a_release_manager_waives_a_finding_from_the_results_page(client, release_manager, release):
    client.force_login(release_manager)
    finding = Finding.objects.get(release=release)
    client.post(reverse("policies:waive", args=[release.pk, finding.pk]),
                {"justification": "rawhide until GA", "expires_on": "2999-01-01"})
    assert Waiver.objects.get().approved_by == release_manager
    page = client.get(reverse("policies:release", args=[release.pk]) + "?status=waived").content.decode()
    assert "rawhide until GA" in page and "comes from fedora rawhide" in page
    assert AccessLog.objects.filter(action="waive", username="manny").exists()


def test_the_results_page_filters_by_rule_and_severity(auditor_client, release):
    url = reverse("policies:release", args=[release.pk])
    assert "comes from fedora rawhide" in auditor_client.get(url + "?rule=upstream-version&severity=high").content.decode()
    assert "comes from fedora rawhide" not in auditor_client.get(url + "?severity=low").content.decode()


def test_the_sign_off_button_shows_what_blocks_it(client, release_manager, auditor, release):
    client.force_login(release_manager)
    page = client.get(reverse("policies:release", args=[release.pk])).content.decode()
    assert "not every review is decided" in page and "Sign the release off</button>" not in page
    decide_all(release, auditor)
    Finding.objects.filter(release=release).delete()
    page = client.get(reverse("policies:release", args=[release.pk])).content.decode()
    assert "Sign the release off</button>" in page


def test_the_dashboard_and_the_package_page_show_the_findings(auditor_client, release):
    dashboard = auditor_client.get(reverse("audits:release-detail", args=[release.pk])).content.decode()
    assert "<strong>1</strong> open policy violation," in dashboard and "Not signed off." in dashboard
    package = auditor_client.get(reverse("audits:component-detail", args=[release.pk, "bash"])).content.decode()
    assert 'id="findings"' in package and "comes from fedora rawhide, the release from fedora 43" in package


def test_the_findings_export_as_xlsx_has_one_row_per_finding(auditor_client, release):
    response = auditor_client.get(reverse("policies:findings-export", args=[release.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                     else response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("component", "rule", "severity", "subject", "message", "status", "policy_version")
    assert rows[1][:3] == ("bash", "upstream-version", "high") and rows[1][5] == "open"


def test_the_review_queue_filters_by_policy_rule(auditor_client, release):
    from reviews.models import Review

    rule = "upstream-version"
    reviewed = set(Review.objects.filter(release=release).values_list("component__name", flat=True))
    expected = set(Finding.objects.filter(release=release, rule=rule).values_list("component__name", flat=True)) & reviewed
    response = auditor_client.get(reverse("reviews:queue", args=[release.pk]) + f"?rule={rule}")
    shown = {review.component.name for review in response.context["reviews"]}
    assert expected and shown == expected and shown < reviewed
    assert f'<option value="{rule}" selected>' in response.content.decode()
