"""The egress policy (access.egress) built from Django settings, in this one place.

PEDIGREE_EGRESS_ALLOW: CIDR networks and host names that may be reached although internal
(default: none). PEDIGREE_DIST_GIT_HOSTS: hosts that a repository's `dist-git-base-uri` may name
(default: src.fedoraproject.org). Read at each call, so a changed setting applies at once.
"""

from __future__ import annotations

from django.conf import settings

from .egress import EgressPolicy


def current_policy() -> EgressPolicy:
    return EgressPolicy.from_lists(settings.PEDIGREE_EGRESS_ALLOW, settings.PEDIGREE_DIST_GIT_HOSTS)
