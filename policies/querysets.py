"""Reusable queries: a finding's waiver as of now, active waivers."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone


class WaiverQuerySet(models.QuerySet):
    def active(self, at=None):
        """Waivers in force at `at` (default now): not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())


class FindingQuerySet(models.QuerySet):
    @staticmethod
    def _waiver_of(at) -> Exists:
        """An active waiver at `at` (default now) names the outer finding."""
        from .models import Waiver

        return Exists(Waiver.objects.active(at).filter(component=OuterRef("component"), rule=OuterRef("rule"),
                                                       subject=OuterRef("subject")))

    def with_waiver(self, at=None):
        """Each finding annotated `waived` (an active waiver names it at `at`, default now)."""
        return self.annotate(waived=self._waiver_of(at))

    def open(self, at=None):
        return self.with_waiver(at).filter(waived=False)

    def counts(self, at=None) -> dict[str, int]:
        """{"open": n, "waived": n} at `at`, in one query."""
        totals = self.aggregate(total=models.Count("pk"), waived=models.Count("pk", filter=self._waiver_of(at)))
        return {"open": totals["total"] - totals["waived"], "waived": totals["waived"]}
