"""Releases and their components: ingesting a distribution's git repository, classifying every
component (Fedora-intact or how it diverges), upstream verification against Fedora dist-git, the
auditor pages and the release API.

Owns: Distribution, Commit, Release, Component and everything ingested with it (overlays, build
settings, sources, rendered specs, binary packages, history, inconsistencies), UpstreamVerification;
the ingest and upstream jobs (tasks.py, registered with `jobs` in `AuditsConfig.ready`); the pages
(views/), filters, exports and the release API (api/).
May import: Django, `access` and `jobs`. Nothing above (sbom, evidence, signing) is imported here.

PURE PYTHON, no Django imports (the import contract in .importlinter checks it): `azldev/` (the
azldev configuration loader, resolution, classification, the overlay engine, spec parsing and
verification), `gitsource.py` (validating sources, fetching), `githistory.py` and `gittree.py` (reading
history and files), `analysis.py` (one release's analysis), `links.py` and `charts.py`. Outbound
connections follow the egress policy of `access.egress`.
"""
