"""A distribution's history: a snapshot per ingested commit and each component's state over time."""

from __future__ import annotations

from django.db import models

from .states import ASPECT_NAMES, Aspects

# The column of each aspect of history.states.Aspects (spec_origin has had its own column from the start).
ASPECT_COLUMNS = {name: "spec_origin" if name == "spec_origin" else f"aspect_{name}" for name in ASPECT_NAMES}


def aspect_columns(aspects: Aspects) -> dict[str, str]:
    """The aspect_* column values of a state row (spec_origin is written with the other columns)."""
    return {column: getattr(aspects, name) for name, column in ASPECT_COLUMNS.items() if name != "spec_origin"}


class Snapshot(models.Model):
    """One commit of a distribution's first-parent history, as the history ingest analysed it."""

    distribution = models.ForeignKey("audits.Distribution", on_delete=models.CASCADE, related_name="snapshots")
    commit = models.ForeignKey("audits.Commit", on_delete=models.PROTECT, related_name="snapshots")
    seq = models.PositiveIntegerField()  # position in first-parent history: 0 = the root commit
    source_url = models.CharField(max_length=2048)
    ref = models.CharField(max_length=255)
    # The full release of this commit, when one was materialised (the head of a history ingest, or on demand).
    release = models.OneToOneField("audits.Release", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="history_snapshot")
    # Counts for the timelines: components, by headline, pinned, build-customised, overlays by type, ...
    summary = models.JSONField(default=dict)
    changed = models.PositiveIntegerField(default=0)  # components whose state began or ended here
    error = models.TextField(blank=True)  # why this commit could not be analysed; its states are the previous ones
    # On the newest snapshot only, after a run: {"version": ..., "keys": {component: input key}} (history.incremental),
    # so the next run starts from them instead of loading this commit's configuration again. Null elsewhere.
    input_keys = models.JSONField(null=True, blank=True, default=None)
    ingested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["distribution", "commit"], name="unique_snapshot_commit"),
            models.UniqueConstraint(fields=["distribution", "seq"], name="unique_snapshot_seq"),
        ]
        ordering = ["distribution_id", "seq"]

    def __str__(self) -> str:
        return f"{self.distribution_id}#{self.seq} {self.commit_id}"


class ComponentState(models.Model):
    """A component as it was over a run of consecutive snapshots in which it did not change: valid from
    snapshot `first_seq` (whose commit made the change) up to, not including, `end_seq` (null: still
    current at the newest snapshot). A component removed at seq s has its last state end at s."""

    distribution = models.ForeignKey("audits.Distribution", on_delete=models.CASCADE, related_name="component_states")
    name = models.CharField(max_length=300)
    first_seq = models.PositiveIntegerField()
    end_seq = models.PositiveIntegerField(null=True, blank=True)
    digest = models.CharField(max_length=64)  # history.states.ComponentState.digest(): equal digests, equal states
    # Columns the pages filter and count on; everything else is in `data` (history.states.ComponentState.to_json()).
    headline = models.CharField(max_length=20)
    spec_origin = models.CharField(max_length=20)
    evr = models.TextField(blank=True)  # as the SBOMs publish it; blank while unresolved
    license = models.TextField(blank=True)
    overlay_count = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    # history.states.Aspects (spec_origin is the column above): what a `kind` filter of "changes since" compares
    # instead of decoding `data`; short digests, and the overlays and binaries as lists of them.
    aspect_verdict = models.CharField(max_length=16, blank=True)
    aspect_overlays = models.TextField(blank=True)
    aspect_build = models.CharField(max_length=16, blank=True)
    aspect_version = models.CharField(max_length=16, blank=True)
    aspect_license = models.CharField(max_length=16, blank=True)
    aspect_binaries = models.TextField(blank=True)
    aspect_spec = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["distribution", "name", "first_seq"], name="unique_state_start"),
        ]
        # Covering the columns "changes since" reads for every component (history.querysets._ends): the rows that
        # began or ended between two points are found and compared without reading the table (0.6x the time).
        indexes = [
            models.Index(fields=["distribution", "first_seq", "end_seq", "name", "digest", "headline"],
                         name="state_first_seq_covering"),
            models.Index(fields=["distribution", "end_seq", "first_seq", "name", "digest", "headline"],
                         name="state_end_seq_covering"),
        ]
        ordering = ["name", "first_seq"]

    def __str__(self) -> str:
        return f"{self.name} [{self.first_seq}, {self.end_seq})"


class WatchedSource(models.Model):
    """A remote ref polled on a schedule (celery beat); new commits are ingested as history."""

    source = models.CharField(max_length=2048)
    ref = models.CharField(max_length=255)
    interval_minutes = models.PositiveIntegerField(default=15)
    enabled = models.BooleanField(default=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_sha = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "ref"], name="unique_watched_ref")]
        ordering = ["source", "ref"]
