"""Session lifetimes (idle, absolute), sign out everywhere, and API keys beside browser sessions."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from access.models import UserSession
from access.services import issue_api_key
from access.signin.sessions import LAST_SEEN, SIGNED_IN_AT
from tests.support.users import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in_client(user) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def shift(client, **seconds_ago) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def test_a_session_idle_for_longer_than_the_idle_lifetime_ends(auditor, settings):
    settings.PEDIGREE_SESSION_IDLE_SECONDS = 600
    client = signed_in_client(auditor)
    shift(client, **{LAST_SEEN: 599})
    assert client.get("/").status_code == 200  # and this request counts as activity
    shift(client, **{LAST_SEEN: 601})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    page = client.get(response["Location"]).content.decode()
    assert "Your session ended after a time without activity" in page
    assert client.get("/").status_code == 302


def test_activity_moves_the_idle_deadline(auditor, settings):
    settings.PEDIGREE_SESSION_IDLE_SECONDS = 600
    client = signed_in_client(auditor)
    shift(client, **{LAST_SEEN: 500})
    assert client.get("/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5
    assert client.session.get_expiry_age() == 600


def test_a_session_older_than_the_absolute_lifetime_ends_however_active(auditor, settings):
    settings.PEDIGREE_SESSION_ABSOLUTE_SECONDS = 3600
    client = signed_in_client(auditor)
    shift(client, **{SIGNED_IN_AT: 3601, LAST_SEEN: 1})
    response = client.get("/")
    assert response.status_code == 302
    assert "Your session reached its longest allowed lifetime" in client.get(response["Location"]).content.decode()


def test_sign_out_everywhere_ends_every_session_of_the_user_and_no_other(auditor, release_manager, portal_admin):
    laptop, phone = signed_in_client(auditor), Client()
    phone.force_login(auditor)
    bystander = signed_in_client(release_manager)
    _key, secret = issue_api_key("grc", ["read"], created_by=portal_admin)
    assert UserSession.objects.filter(user=auditor).count() == 2
    admin = signed_in_client(portal_admin)
    page = admin.get("/accounts/sessions/")
    assert page.status_code == 200 and f"Sign {auditor.username} out everywhere" in page.content.decode()
    response = admin.post(f"/accounts/sessions/{auditor.pk}/end/", follow=True)
    assert f"{auditor.username} is signed out everywhere (2 sessions ended). API keys are not affected." in response.content.decode()
    for client in (laptop, phone):
        assert client.get("/").status_code == 302
    assert bystander.get("/").status_code == 200 and admin.get("/").status_code == 200
    api = Client().get("/api/v1/releases/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200
    assert signed_in_client(auditor).get("/").status_code == 200  # and the user can sign in again


def test_sessions_from_before_the_record_are_found_too(auditor, portal_admin):
    client = signed_in_client(auditor)
    UserSession.objects.all().delete()  # as if signed in before the upgrade
    admin = signed_in_client(portal_admin)
    admin.post(f"/accounts/sessions/{auditor.pk}/end/")
    assert client.get("/").status_code == 302


def test_only_admins_see_the_sessions_page(auditor, release_manager):
    client = signed_in_client(release_manager)
    assert client.get("/accounts/sessions/").status_code == 403
    assert client.post(f"/accounts/sessions/{auditor.pk}/end/").status_code == 403


def test_browser_sign_in_and_out_leave_api_keys_alone(auditor, portal_admin):
    _key, secret = issue_api_key("grc", ["read"], created_by=portal_admin)
    client = signed_in_client(portal_admin)
    client.post("/accounts/logout/")
    assert Client().get("/api/v1/releases/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_the_django_admin_action_signs_users_out_everywhere(auditor, release_manager):
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD)
    victim, bystander = signed_in_client(auditor), signed_in_client(release_manager)
    admin = signed_in_client(superuser)
    response = admin.post("/admin/auth/user/", {"action": "sign_out_everywhere_action", "_selected_action": [auditor.pk]},
                          follow=True)
    assert "1 account(s) signed out everywhere (1 sessions ended)." in response.content.decode()
    assert victim.get("/").status_code == 302 and bystander.get("/").status_code == 200
