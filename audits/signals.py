"""Extension points of the audits app for the apps above it (they connect; audits never imports them)."""

from django.dispatch import Signal

# Sent by services.ingest.write_release with `release=` once every row of a new release is written,
# still inside the ingest's transaction: a receiver's writes commit with the release, and a receiver
# that raises rolls the whole ingest back (reviews.apps connects the creation of reviews).
release_written = Signal()
