"""Auditor pages: thin views over querysets, filters and services, one module per family of pages.

  releases.py      the release list with the ingest form, the release dashboard, the ingest and upstream buttons
  components.py    the package table (its filters and sorting), its CSV/XLSX export, the package page
  images.py        the image page (packages, closure, verdicts) and its CSV/XLSX export
  compare.py       the comparison of two releases and its CSV
  access_log.py    the access log
  common.py        what every page and job button shares, other apps' too: render_page, queue_job, start_release_job

Every page needs a signed-in user (access.middleware) and a role: what a user may read and do is decided in
access.permissions, applied here as decorators. Pages and exports that show release data are recorded in the access
log (access.accesslog). audits.urls imports the modules; this package exports nothing itself.
"""
