"""The whole chain through a real Celery worker: a job fails in the worker, its job.failed event queues a
delivery, and the worker POSTs it, signed, to a receiver on 127.0.0.1."""

from __future__ import annotations

import json
import time

import pytest

from feeds import signatures
from feeds.models import DeliveryStatus, WebhookDelivery
from feeds.services.delivery import create_endpoint
from jobs.choices import JobKind
from jobs.services import enqueue_job
from tests.feeds.receiver import start_receiver
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_job_failing_in_a_worker_is_delivered_by_the_worker_to_a_loopback_receiver(tmp_path, settings):
    settings.PEDIGREE_WEBHOOK_ALLOW_LOOPBACK = True
    receiver, server = start_receiver()
    log = tmp_path / "worker.log"
    try:
        _, secret = create_endpoint(receiver.url, ["job.failed"])
        with celery_worker(log, PEDIGREE_ALLOW_LOCAL_SOURCES="false", PEDIGREE_WEBHOOK_ALLOW_LOOPBACK="true"):
            job = enqueue_job(JobKind.INGEST, {"source": str(tmp_path), "ref": "main"})  # refused: a local path
            sent = wait_for(lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).first(),
                            timeout=120, what="the delivery of job.failed", log_path=log)
    finally:
        server.shutdown()
        server.server_close()
    [got] = receiver.requests
    assert got.headers["X-Pedigree-Delivery"] == str(sent.pk)
    assert signatures.verify(secret, got.headers["X-Pedigree-Timestamp"], got.body, got.headers["X-Pedigree-Signature"],
                             now=time.time())
    body = json.loads(got.body)
    assert body["kind"] == "job.failed" and body["payload"]["job_id"] == job.pk
    assert "PEDIGREE_ALLOW_LOCAL_SOURCES" in body["payload"]["error"]
