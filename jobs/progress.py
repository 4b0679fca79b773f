"""How a job's work reports progress, without knowing about jobs: a plain callable.

Services take a `Progress` and call it with (done, total, stage); `run_job` hands them one
that writes the Job row, management commands and tests may pass their own or none.
"""

from __future__ import annotations

from typing import Callable

Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, stage: str) -> None:
    """A Progress for callers that do not watch (management commands, tests)."""
