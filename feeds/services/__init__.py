"""Feeds services: recording events (events.py), what a new release changed (releases.py), webhook
endpoints and deliveries (webhooks.py)."""
