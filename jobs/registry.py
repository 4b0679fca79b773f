"""Which task runs each kind of job: apps register their kinds here from `AppConfig.ready`.

The registry is how `jobs` queues an app's work without importing it: `enqueue_job` looks the task
up by kind, the job API offers exactly the registered kinds and validates their parameters with
the function the owning app gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


class JobParamsError(ValueError):
    """A job's parameters are unusable: `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class JobType:
    kind: str
    task: Any  # a Celery task: .delay(job_id) queues it, calling it runs it in this process
    takes_release: bool = True  # the job's parameter is {"release_id": id}
    param_fields: tuple[str, ...] = ()  # otherwise these fields, cleaned by clean_params
    clean_params: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    optional_fields: tuple[str, ...] = ()  # and these, when given


_TYPES: dict[str, JobType] = {}


def register_job_kind(kind: str, task: Any, *, takes_release: bool = True, param_fields: tuple[str, ...] = (),
                      clean_params: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                      optional_fields: tuple[str, ...] = ()) -> None:
    """Make `kind` startable: `task` runs it. Registering a kind twice with another task is a bug."""
    job_type = JobType(kind, task, takes_release, param_fields, clean_params, optional_fields)
    existing = _TYPES.setdefault(kind, job_type)
    if existing.task is not task:
        raise RuntimeError(f"job kind {kind!r} is registered twice ({existing.task!r} and {task!r})")


def job_type(kind: str) -> JobType:
    try:
        return _TYPES[kind]
    except KeyError:
        raise LookupError(f"no task is registered for job kind {kind!r}") from None


def registered_kinds() -> list[str]:
    return list(_TYPES)
