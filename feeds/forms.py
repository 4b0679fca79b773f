from __future__ import annotations

from django import forms

from .models import EventKind
from .services.delivery import endpoint_url_problem


class EndpointForm(forms.Form):
    url = forms.CharField(max_length=2048, label="URL", strip=True,
                          help_text="https:// only; Pedigree POSTs signed JSON to it.")
    kinds = forms.MultipleChoiceField(choices=EventKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
                                      label="Events", help_text="None ticked: every kind.")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        problem = endpoint_url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url
