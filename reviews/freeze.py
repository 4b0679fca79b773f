"""The freeze extension point: an app above (policies, once a release is signed off) registers a check
that says why a release's reviews may no longer change; decisions and comments on them are then refused
with that message. Reviews never imports the app that freezes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Callable

FreezeCheck = Callable[[Iterable[int]], str]  # release ids -> why they are frozen ("" when they are not)
_checks: list[FreezeCheck] = []


def register_freeze_check(check: FreezeCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def frozen_reason(release_ids: Iterable[int]) -> str:
    ids = set(release_ids)
    return next((reason for check in _checks if (reason := check(ids))), "")
