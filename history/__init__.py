"""History: every commit of a distribution's first-parent history, ingested incrementally, with
point-in-time views, timelines and "changes since" (docs/history.md).

Design. A full `audits.Release` stores every row of one commit (pages, SBOMs, evidence, reviews read
it). History does not copy a release per commit: each commit becomes a `Snapshot` (its commit, its
position in first-parent history, summary counts), and each component's state is stored once per run
of consecutive snapshots in which it did not change (`ComponentState`, a temporal table: valid from
`first_seq` up to, not including, `end_seq`). A commit that changes two components costs two state
rows. The head of a history ingest is also materialised as a full release, and any snapshot can be.

Owns: Snapshot, ComponentState, WatchedSource; the component state and its digest (`states.py`, PURE
PYTHON); the incremental analysis of a commit (`incremental.py`, PURE PYTHON); the history ingest, its
job and the watch (`services/`, `tasks.py`); the distribution history page, point-in-time selector,
snapshot page, component timeline and "changes since" (views, exports, API).
May import: Django, DRF, `access`, `jobs`, `audits`, `feeds`. Above it: reviews, policies, vex, sbom,
evidence, signing.
"""
