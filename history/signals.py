"""Extension points of the history app for the apps above it, and for feeds below it once wired."""

from django.dispatch import Signal

# Sent by services.ingest for each new snapshot, inside its transaction, once its rows are written:
# `snapshot=` (history.Snapshot) and `changes=`, a list of (name, before, after) sorted by name, where
# before/after are history.states.ComponentState or None (the component did not exist). A receiver's
# writes commit with the snapshot; a receiver that raises rolls that snapshot back (earlier ones stay).
# This is where change feeds (components newly diverged or back to intact, new overlays) are recorded.
snapshot_written = Signal()
