"""Webhook delivery tasks: one attempt per task, and a periodic sweep of the attempts that are due
(retries, and deliveries whose message the broker lost or refused). The database holds the schedule
(WebhookDelivery.next_attempt_at), not the broker: no ETA message waits hours in a queue."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from .services import delivery

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> str:
    """One attempt of one delivery (nothing when another worker holds it, or it is not due)."""
    return delivery.attempt(delivery_id)


@shared_task(ignore_result=True)
def deliver_due_webhooks() -> int:
    """celery beat, every PEDIGREE_WEBHOOK_SWEEP_SECONDS: one attempt of every delivery that is due."""
    return delivery.attempt_due()


def queue_deliveries(delivery_ids: list[int]) -> None:
    """Queue a delivery task per id once the current transaction commits. A broker outage is logged:
    the rows are due, and the sweep sends them."""

    def publish() -> None:
        for delivery_id in delivery_ids:
            try:
                deliver_webhook.delay(delivery_id)
            except Exception:  # kombu or redis errors: the sweep picks the rows up
                logger.warning("webhook delivery %s could not be queued; the sweep will send it", delivery_id,
                               exc_info=True)
                return

    transaction.on_commit(publish)
