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
    def with_waiver(self, at=None):
        """Each finding annotated `waived` (an active waiver names it at `at`, default now)."""
        from .models import Waiver

        matching = Waiver.objects.active(at).filter(component=OuterRef("component"), rule=OuterRef("rule"),
                                                    subject=OuterRef("subject"))
        return self.annotate(waived=Exists(matching))

    def open(self, at=None):
        return self.with_waiver(at).filter(waived=False)

    def counts(self, at=None) -> dict[str, int]:
        """{"open": n, "waived": n} at `at` (two counts: an aggregate filtered on the EXISTS is not portable)."""
        at = at or timezone.now()
        total = self.count()
        waived = self.with_waiver(at).filter(waived=True).count()
        return {"open": total - waived, "waived": waived}
