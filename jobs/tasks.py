"""Housekeeping tasks of the jobs themselves (celery beat schedules them)."""

import datetime as dt

from celery import shared_task
from django.conf import settings

from .services import reap_stale_jobs


@shared_task
def reap_stale_jobs_task() -> int:
    return reap_stale_jobs(stale_after=dt.timedelta(seconds=settings.PEDIGREE_JOB_STALE_SECONDS))
