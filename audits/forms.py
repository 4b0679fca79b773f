"""Forms of the auditor pages."""

from __future__ import annotations

from django import forms
from django.conf import settings

from . import gitsource


class IngestForm(forms.Form):
    """A repository and a branch, tag or commit to ingest, checked as the ingest job will check them."""

    source = forms.CharField(max_length=gitsource.MAX_SOURCE_LENGTH, label="Repository")
    ref = forms.CharField(max_length=gitsource.MAX_REF_LENGTH, label="Branch, tag or commit")
    # A `history` job (registered by the history app) instead of an `ingest` job: every commit not ingested yet.
    history = forms.BooleanField(required=False, label="Every commit of its first-parent history")

    def clean_source(self) -> str:
        try:
            return gitsource.validate_source(self.cleaned_data["source"].strip(), allow_local=settings.PEDIGREE_ALLOW_LOCAL_SOURCES)
        except gitsource.GitSourceError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_ref(self) -> str:
        try:
            return gitsource.validate_ref(self.cleaned_data["ref"].strip())
        except gitsource.GitSourceError as exc:
            raise forms.ValidationError(str(exc)) from None
