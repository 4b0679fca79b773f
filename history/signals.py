"""Extension points of the history app (services.events connects the change feed to it)."""

from django.dispatch import Signal

# Sent by services.ingest for each new snapshot, inside its transaction, once its rows are written:
# `snapshot=` (history.Snapshot) and `changes=`, a list of (name, before, after) sorted by name, where
# before/after are history.states.ComponentState or None (the component did not exist). A receiver's
# writes commit with the snapshot; a receiver that raises rolls that snapshot back (earlier ones stay).
# history.services.events records the change feed here (components newly diverged or back to intact, new overlays).
snapshot_written = Signal()
