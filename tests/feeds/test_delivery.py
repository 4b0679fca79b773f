"""Webhook deliveries: to whom, signed how, retried when, through a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time

import pytest
from django.utils import timezone

from feeds import signatures
from feeds.models import DeliveryStatus, EventKind, WebhookDelivery, WebhookEndpoint
from feeds.services import delivery
from feeds.services.delivery import create_endpoint
from tests.feeds.conftest import job_failed_event

pytestmark = pytest.mark.django_db


def test_an_event_is_delivered_to_the_active_endpoints_subscribed_to_its_kind_only(loopback_webhooks):
    every, _ = create_endpoint("https://hooks.example.org/all", [])
    jobs, _ = create_endpoint("https://hooks.example.org/jobs", [EventKind.JOB_FAILED])
    create_endpoint("https://hooks.example.org/overlays", [EventKind.OVERLAY_ADDED])
    disabled, _ = create_endpoint("https://hooks.example.org/off", [])
    WebhookEndpoint.objects.filter(pk=disabled.pk).update(active=False)
    event = job_failed_event()
    assert set(event.deliveries.values_list("endpoint_id", flat=True)) == {every.pk, jobs.pk}
    assert set(event.deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_an_unknown_event_kind_is_refused(db):
    from feeds.services.events import record_event

    with pytest.raises(ValueError, match="unknown event kind"):
        record_event("release.deleted", title="x")


def test_a_delivery_reaches_a_loopback_receiver_signed_with_the_endpoint_secret(
        receiver, eager_tasks, django_capture_on_commit_callbacks):
    endpoint, secret = create_endpoint(receiver.url, [])
    with django_capture_on_commit_callbacks(execute=True):
        event = job_failed_event()
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    sent = WebhookDelivery.objects.get(event=event)
    assert got.headers["X-Pedigree-Event"] == "job.failed" and got.headers["X-Pedigree-Delivery"] == str(sent.pk)
    assert got.headers["Content-Type"] == "application/json"
    timestamp = got.headers["X-Pedigree-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    assert signatures.verify(secret, timestamp, got.body, got.headers["X-Pedigree-Signature"], now=time.time())
    assert not signatures.verify(endpoint.secret + "x", timestamp, got.body, got.headers["X-Pedigree-Signature"],
                                 now=time.time())
    body = json.loads(got.body)
    assert body["id"] == str(event.uuid) and body["kind"] == "job.failed" and body["title"] == "Ingest job 1 failed"
    assert body["link"] == "https://pedigree.example.org/" and body["payload"] == {"job_id": 1}
    assert (sent.status, sent.response_code, sent.attempts, sent.error) == (DeliveryStatus.DELIVERED, 204, 1, "")


def test_a_failing_receiver_is_retried_on_the_backoff_schedule_and_then_failed(receiver, settings, endpoint):
    settings.PEDIGREE_WEBHOOK_MAX_ATTEMPTS = 6
    receiver.status = 500
    event = job_failed_event()
    sent = event.deliveries.get()
    now = timezone.now()
    waits = []
    for _ in range(6):
        assert delivery.attempt_due(now) == 1
        sent.refresh_from_db()
        if sent.status == DeliveryStatus.FAILED:
            break
        assert sent.status == DeliveryStatus.RETRYING and sent.response_code == 500 and sent.error == "HTTP 500"
        waits.append((sent.next_attempt_at - now).total_seconds())
        assert delivery.attempt_due(sent.next_attempt_at - dt.timedelta(seconds=1)) == 0  # not due before its time
        now = sent.next_attempt_at
    assert waits == [60, 300, 1800, 7200, 43200]
    assert (sent.status, sent.attempts, sent.next_attempt_at) == (DeliveryStatus.FAILED, 6, None)
    assert len(receiver.requests) == 6
    assert delivery.attempt_due(now + dt.timedelta(days=30)) == 0


def test_a_retried_delivery_is_delivered_once_the_receiver_answers_2xx(receiver, endpoint):
    receiver.status = 503
    sent = job_failed_event().deliveries.get()
    delivery.attempt(sent.pk)
    receiver.status = 200
    sent.refresh_from_db()
    assert delivery.attempt(sent.pk, now=sent.next_attempt_at) == DeliveryStatus.DELIVERED
    assert len({r.headers["X-Pedigree-Delivery"] for r in receiver.requests}) == 1  # the same delivery, retried


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver, endpoint):
    receiver.status, receiver.location = 302, "http://127.0.0.1:1/elsewhere"
    sent = job_failed_event().deliveries.get()
    assert delivery.attempt(sent.pk) == DeliveryStatus.RETRYING
    sent.refresh_from_db()
    assert sent.response_code == 302 and "redirects are not followed" in sent.error and len(receiver.requests) == 1


def test_an_unreachable_receiver_is_recorded_as_an_error_and_retried(loopback_webhooks, settings):
    settings.PEDIGREE_WEBHOOK_TIMEOUT = 2
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    create_endpoint(f"http://127.0.0.1:{port}/closed", [])
    sent = job_failed_event().deliveries.get()
    assert delivery.attempt(sent.pk) == DeliveryStatus.RETRYING
    sent.refresh_from_db()
    assert sent.response_code is None and "ConnectionError" in sent.error


def test_a_delivery_taken_by_one_worker_is_not_attempted_by_another(receiver, endpoint):
    sent = job_failed_event().deliveries.get()
    now = timezone.now()
    assert delivery._claim(sent.pk, now)
    assert delivery.attempt(sent.pk, now=now) == ""  # leased: the second attempt does nothing
    assert receiver.requests == []


def test_a_delivery_to_an_endpoint_disabled_meanwhile_fails_without_a_request(receiver, endpoint):
    sent = job_failed_event().deliveries.get()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    assert delivery.attempt(sent.pk) == DeliveryStatus.FAILED
    assert receiver.requests == []


def test_without_the_loopback_setting_a_loopback_delivery_is_refused_by_the_egress_policy(receiver, endpoint,
                                                                                           settings):
    sent = job_failed_event().deliveries.get()
    settings.PEDIGREE_WEBHOOK_ALLOW_LOOPBACK = False
    assert delivery.attempt(sent.pk) == DeliveryStatus.RETRYING
    sent.refresh_from_db()
    assert "egress policy" in sent.error and "loopback" in sent.error and receiver.requests == []


def test_a_redelivery_is_a_new_delivery_of_the_same_event(receiver, endpoint):
    first = job_failed_event().deliveries.get()
    delivery.attempt(first.pk)
    again = delivery.redeliver(WebhookDelivery.objects.get(pk=first.pk))
    assert delivery.attempt(again.pk) == DeliveryStatus.DELIVERED
    bodies = [json.loads(r.body)["id"] for r in receiver.requests]
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    assert [r.headers["X-Pedigree-Delivery"] for r in receiver.requests] == [str(first.pk), str(again.pk)]
