from __future__ import annotations

from django.db import models


class ApiKeyQuerySet(models.QuerySet):
    def for_list(self) -> "ApiKeyQuerySet":
        return self.select_related("created_by", "revoked_by").defer("digest")
