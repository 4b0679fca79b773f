"""The admins' API-key page: create (shown once), revoke, and nobody else may use it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from access.apikeys import hash_key
from access.models import ApiKey

from .conftest import bearer


@pytest.fixture
def admin_client(client, portal_admin):
    client.force_login(portal_admin)
    return client


def _create(client, **fields):
    data = {"name": "grc-sync", "scopes": ["read", "export"], "expires_on": "", "allowed_networks": "", **fields}
    return client.post("/api-keys/", data)


def test_an_admin_creates_a_key_that_is_shown_once_and_stored_hashed(admin_client, portal_admin):
    response = _create(admin_client, allowed_networks="127.0.0.0/8, 10.0.0.0/8")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = re.search(r"pdg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", response.content.decode()).group(0)
    key = ApiKey.objects.get(name="grc-sync")
    assert key.digest == hash_key(secret) and key.scopes == ["read", "export"] and key.created_by == portal_admin
    assert key.allowed_networks == ["10.0.0.0/8", "127.0.0.0/8"]
    assert secret not in admin_client.get("/api-keys/").content.decode()
    assert bearer(secret).get("/api/v1/releases/").status_code == 200


def test_a_bad_network_is_refused_with_the_form(admin_client):
    response = _create(admin_client, allowed_networks="10.0.0.0/33")
    assert response.status_code == 400 and "10.0.0.0/33" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_an_expiry_in_the_past_is_refused(admin_client):
    assert _create(admin_client, expires_on="2020-01-01").status_code == 400


def test_key_names_are_unique(admin_client):
    _create(admin_client)
    assert _create(admin_client).status_code == 400 and ApiKey.objects.count() == 1


def test_an_admin_revokes_a_key_and_it_stops_working(admin_client, portal_admin):
    secret = re.search(r"pdg_\w{8}_[\w-]{43}", _create(admin_client).content.decode()).group(0)
    key = ApiKey.objects.get()
    response = admin_client.post(f"/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == portal_admin
    assert bearer(secret).get("/api/v1/releases/").status_code == 401
    assert "revoked" in admin_client.get("/api-keys/").content.decode()


@pytest.mark.parametrize("role_user", ["auditor", "release_manager", "outsider"])
def test_only_admins_may_manage_keys(request, role_user):
    client = Client()
    client.force_login(request.getfixturevalue(role_user))
    assert client.get("/api-keys/").status_code == 403
    assert client.post("/api-keys/", {"name": "x", "scopes": ["read"]}).status_code == 403
    assert not ApiKey.objects.exists()


def test_the_key_page_escapes_names(admin_client, make_key):
    make_key("read", name="<script>x</script>")
    assert "<script>x</script>" not in admin_client.get("/api-keys/").content.decode()


def test_admins_see_the_api_keys_link(admin_client):
    assert 'href="/api-keys/"' in admin_client.get("/").content.decode()
