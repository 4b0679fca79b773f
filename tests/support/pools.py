"""Watching the identity pools (audits.identity_pool) a test's code starts, and what their helpers answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from audits.identity_pool import IdentityPool


@dataclass
class PoolWatch:
    pools: list[IdentityPool] = field(default_factory=list)
    answered: int = 0  # specs a helper answered (take() gave an answer, not None)


def watch_pools(monkeypatch) -> PoolWatch:
    """Every IdentityPool started from now on, in order, and its answers (the test's monkeypatch undoes it)."""
    watch = PoolWatch()
    started, take = IdentityPool.__init__, IdentityPool.take

    def recorded(self, *args, **kwargs):
        started(self, *args, **kwargs)
        watch.pools.append(self)

    def counted(self, key):
        answer = take(self, key)
        watch.answered += answer is not None
        return answer

    monkeypatch.setattr(IdentityPool, "__init__", recorded)
    monkeypatch.setattr(IdentityPool, "take", counted)
    return watch
