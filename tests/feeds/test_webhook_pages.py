"""The webhook pages: admins only (every other role 403, no session the sign-in page), CSRF-protected forms,
the secret shown once, disable/enable/delete, the delivery log and redelivery."""

from __future__ import annotations

import pytest
from django.test import Client

from access.models import AccessLog
from feeds.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from feeds.services.delivery import create_endpoint
from tests.feeds.conftest import job_failed_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(loopback_webhooks):
    endpoint, _ = create_endpoint("https://hooks.example.org/pedigree", [])
    event = job_failed_event()
    return endpoint, event.deliveries.get()


def _pages(hook):
    endpoint, delivery = hook
    return [("GET", "/feeds/webhooks/"), ("POST", "/feeds/webhooks/"), ("GET", f"/feeds/webhooks/{endpoint.pk}/"),
            ("POST", f"/feeds/webhooks/{endpoint.pk}/toggle/"), ("POST", f"/feeds/webhooks/{endpoint.pk}/delete/"),
            ("POST", f"/feeds/deliveries/{delivery.pk}/redeliver/")]


@pytest.mark.parametrize("role", ["outsider", "auditor", "release_manager"])
def test_every_webhook_page_refuses_every_role_but_admin(request, hook, role):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    answers = {(method, url): getattr(client, method.lower())(url, {"url": "https://x.example.org/"}).status_code
               for method, url in _pages(hook)}
    assert set(answers.values()) == {403}, answers
    assert WebhookEndpoint.objects.count() == 1 and WebhookDelivery.objects.count() == 1


def test_without_a_session_every_webhook_page_sends_to_the_sign_in_page(hook):
    for method, url in _pages(hook):
        response = getattr(Client(), method.lower())(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_every_webhook_form_refuses_a_post_without_the_csrf_token(hook, portal_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(portal_admin)
    for method, url in _pages(hook):
        if method == "POST":
            assert client.post(url, {"url": "https://x.example.org/"}).status_code == 403, url
    assert WebhookEndpoint.objects.count() == 1 and WebhookDelivery.objects.count() == 1


def test_an_admin_creates_an_endpoint_and_sees_its_secret_once(client, portal_admin, loopback_webhooks):
    client.force_login(portal_admin)
    response = client.post("/feeds/webhooks/", {"url": "https://grc.example.org/hooks", "kinds": ["job.failed",
                                                                                                  "overlay.added"]})
    endpoint = WebhookEndpoint.objects.get()
    html = response.content.decode()
    assert response.status_code == 200 and endpoint.secret in html and "no-store" in response["Cache-Control"]
    assert endpoint.kinds == ["job.failed", "overlay.added"] and endpoint.created_by == portal_admin
    assert endpoint.secret not in client.get("/feeds/webhooks/").content.decode()
    assert AccessLog.objects.filter(action="webhooks", target__contains="created webhook endpoint").exists()


def test_an_invalid_url_is_refused_with_the_reason_and_nothing_is_created(client, portal_admin):
    client.force_login(portal_admin)
    response = client.post("/feeds/webhooks/", {"url": "http://grc.example.org/hooks"})
    assert response.status_code == 400 and "https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_admin_disables_enables_and_deletes_an_endpoint(client, portal_admin, hook):
    endpoint, _ = hook
    client.force_login(portal_admin)
    client.post(f"/feeds/webhooks/{endpoint.pk}/toggle/")
    assert not WebhookEndpoint.objects.get().active
    assert job_failed_event().deliveries.count() == 0  # a disabled endpoint gets nothing
    client.post(f"/feeds/webhooks/{endpoint.pk}/toggle/")
    assert WebhookEndpoint.objects.get().active
    client.post(f"/feeds/webhooks/{endpoint.pk}/delete/")
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


def test_the_delivery_log_shows_status_code_error_and_attempts(client, portal_admin, hook):
    endpoint, delivery = hook
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.RETRYING, attempts=2,
                                                          response_code=502, error="HTTP 502 <bad gateway>")
    client.force_login(portal_admin)
    html = client.get(f"/feeds/webhooks/{endpoint.pk}/").content.decode()
    assert "Retrying" in html and "502" in html and "HTTP 502 &lt;bad gateway&gt;" in html
    assert f'action="/feeds/deliveries/{delivery.pk}/redeliver/"' in html


def test_redeliver_queues_a_new_delivery_of_the_same_event(client, portal_admin, hook, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    from feeds.tasks import deliver_webhook

    endpoint, delivery = hook
    queued = []
    monkeypatch.setattr(deliver_webhook, "delay", queued.append)
    client.force_login(portal_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/feeds/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 302
    new = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert (new.event_id, new.endpoint_id, new.status, new.attempts) == (delivery.event_id, endpoint.pk, "pending", 0)
    assert queued == [new.pk]


def test_the_admin_navigation_links_the_webhook_page_and_others_do_not(client, portal_admin, auditor):
    client.force_login(portal_admin)
    assert 'href="/feeds/webhooks/"' in client.get("/api-keys/").content.decode()
    client.force_login(auditor)
    assert 'href="/feeds/webhooks/"' not in client.get("/").content.decode()
