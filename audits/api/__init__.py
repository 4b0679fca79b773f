"""The REST API under /api/v1/: thin DRF views over the same querysets, filters, permissions and
services as the pages. base.py holds what every endpoint shares (permissions, access log, ETags)."""
