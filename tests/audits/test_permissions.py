import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from access.models import AccessLog
from access.permissions import (
    ROLE_PERMISSIONS,
    can_change_signing_policy,
    can_export,
    can_start_jobs,
    can_view,
    can_view_access_log,
    permissions_of,
)
from jobs.models import Job

pytestmark = pytest.mark.django_db


def test_setup_roles_creates_the_three_groups_and_is_idempotent(roles):
    call_command("setup_roles", stdout=open("/dev/null", "w"))
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        codes = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert codes == set(names)


def test_each_role_gets_exactly_its_capabilities(outsider, auditor, release_manager, portal_admin):
    assert [can_view(outsider), can_export(outsider), can_start_jobs(outsider), can_view_access_log(outsider),
            can_change_signing_policy(outsider)] == [False, False, False, False, False]
    assert [can_view(auditor), can_export(auditor), can_start_jobs(auditor), can_view_access_log(auditor),
            can_change_signing_policy(auditor)] == [True, True, False, False, False]
    assert [can_export(release_manager), can_start_jobs(release_manager), can_view_access_log(release_manager),
            can_change_signing_policy(release_manager)] == [True, True, False, False]
    assert [can_export(portal_admin), can_start_jobs(portal_admin), can_view_access_log(portal_admin),
            can_change_signing_policy(portal_admin)] == [True, True, True, True]


def test_a_superuser_has_every_capability(django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x" * 12)
    assert can_export(boss) and can_start_jobs(boss) and can_view_access_log(boss) and can_change_signing_policy(boss)


def test_an_inactive_user_has_no_capability(make_user):
    user = make_user("gone", "admin")
    user.is_active = False
    assert not can_view(user) and not can_export(user) and permissions_of(user) == frozenset()


def test_permissions_are_read_in_one_query_and_cached(release_manager, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert can_start_jobs(release_manager)
        assert can_export(release_manager)
        assert not can_view_access_log(release_manager)


def test_an_auditor_cannot_start_an_ingest(client, auditor):
    client.force_login(auditor)
    response = client.post("/ingest/", {"source": "https://example.org/repo.git", "ref": "main"})
    assert response.status_code == 403
    assert b"release-manager role" in response.content
    assert not Job.objects.exists()


def test_a_user_without_a_role_cannot_export(client, outsider, release):
    client.force_login(outsider)
    assert client.get(f"/releases/{release.pk}/components.csv").status_code == 403


def test_only_admins_see_the_access_log(client, auditor, portal_admin):
    client.force_login(auditor)
    assert client.get("/access-log/").status_code == 403
    client.force_login(portal_admin)
    assert client.get("/access-log/").status_code == 200


def test_the_access_log_records_views_and_exports_with_the_user(client, auditor, portal_admin, release):
    client.force_login(auditor)
    client.get(f"/releases/{release.pk}/components/bash/")
    client.get(f"/releases/{release.pk}/components.csv?headline=altered")
    entries = list(AccessLog.objects.order_by("id").values_list("username", "action", "target", "path"))
    assert entries == [
        ("audrey", "view", f"component bash of release {release.pk}", f"/releases/{release.pk}/components/bash/"),
        ("audrey", "export", f"components of release {release.pk} as CSV", f"/releases/{release.pk}/components.csv?headline=altered"),
    ]
    client.force_login(portal_admin)
    page = client.get("/access-log/?user=audrey&action=export")
    assert b"components of release" in page.content and b"component bash of release" not in page.content


def test_anonymous_users_are_sent_to_sign_in_for_every_new_page(client):
    for path in ("/compare/", "/access-log/", "/jobs/status.json", "/releases/1/components.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
