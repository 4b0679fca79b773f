"""Who may do what, and the record of it: roles and permissions, API keys, the access log, the
sign-in requirement, and the REST plumbing that enforces them for every app's API (`access.api`);
the egress policy of every outbound connection (`egress.py`, pure Python, with `egress_settings.py`
building it from settings), here because sign-in (OpenID Connect) connects out too and this is the
lowest layer: git clones (audits) and Sigstore (signing) import it from above.

The lowest layer of the project: it imports Django and DRF only, never another app of the
project (its models refer to audits.Release by a lazy foreign key, not an import).
"""
