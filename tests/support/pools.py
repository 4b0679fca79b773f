"""Watching the identity pools (audits.identity_pool) a test's code starts."""

from __future__ import annotations

from audits.identity_pool import IdentityPool


def record_pools(monkeypatch) -> list[IdentityPool]:
    """Every IdentityPool started from now on, in order (the test's monkeypatch undoes it)."""
    pools: list[IdentityPool] = []
    started = IdentityPool.__init__

    def recorded(self, *args, **kwargs):
        started(self, *args, **kwargs)
        pools.append(self)

    monkeypatch.setattr(IdentityPool, "__init__", recorded)
    return pools
