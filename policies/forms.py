"""The policy editor, the waiver form and the findings filters (pages)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from .rules import RULES, SEVERITIES


class PolicyForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}), strip=False)
    comment = forms.CharField(max_length=500, required=False)
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class WaiverForm(forms.Form):
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="The waiver ends at the "
                                 "start of this day (UTC); from then on the finding is a violation again.")

    def clean_expires_on(self) -> dt.date:
        value = self.cleaned_data["expires_on"]
        if value <= timezone.now().date():
            raise forms.ValidationError("The expiry must be after today.")
        return value

    @property
    def expires_at(self) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["expires_on"], dt.time.min, tzinfo=dt.timezone.utc)


class FindingFilter(forms.Form):
    rule = forms.ChoiceField(choices=[("", "any")] + [(name, name) for name in RULES], required=False)
    severity = forms.ChoiceField(choices=[("", "any")] + [(s, s) for s in SEVERITIES], required=False)
    status = forms.ChoiceField(choices=[("", "any"), ("open", "open"), ("waived", "waived")], required=False)

    def apply(self, findings):
        """`findings` (annotated with_waiver) narrowed by the valid filters."""
        if not self.is_valid():
            return findings
        data = self.cleaned_data
        if data["rule"]:
            findings = findings.filter(rule=data["rule"])
        if data["severity"]:
            findings = findings.filter(severity=data["severity"])
        if data["status"]:
            findings = findings.filter(waived=data["status"] == "waived")
        return findings
