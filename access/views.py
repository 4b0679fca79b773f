"""The admins' page for API keys: list, create (the key is shown once, in the POST's answer), revoke."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import apikeys
from .models import ApiKey
from .permissions import Capabilities, api_keys_required
from .services import issue_api_key, revoke_api_key


class ApiKeyForm(forms.Form):
    name = forms.SlugField(max_length=100, help_text="Recorded in the access log with every call, e.g. servicenow-prod.")
    scopes = forms.MultipleChoiceField(
        choices=[(s, f"{s}: {apikeys.SCOPE_HELP[s]}") for s in apikeys.SCOPES], widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(required=False, label="Expires on (UTC, optional)", widget=forms.DateInput(attrs={"type": "date"}))
    allowed_networks = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Allowed source networks (optional)",
        help_text="CIDR networks or addresses, separated by commas or new lines; empty: any address.",
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if ApiKey.objects.filter(name=name).exists():
            raise forms.ValidationError("A key with this name exists; names identify keys in the access log.")
        return name

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is not None and day <= timezone.now().date():
            raise forms.ValidationError("Pick a day after today.")
        return day

    def clean_allowed_networks(self) -> list[str]:
        try:
            return apikeys.parse_networks(self.cleaned_data["allowed_networks"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


def _page(request, form: ApiKeyForm, *, new_key: str = "", status: int = 200):
    now = timezone.now()
    keys = [(key, key.state(now)) for key in ApiKey.objects.for_list()]
    return render(request, "access/api_keys.html",
                  {"can": Capabilities(request.user), "form": form, "keys": keys, "new_key": new_key}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@api_keys_required
def api_keys(request):
    if request.method == "GET":
        return _page(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    expires_at = dt.datetime.combine(data["expires_on"], dt.time.min, dt.timezone.utc) if data["expires_on"] else None
    _, secret = issue_api_key(data["name"], data["scopes"], created_by=request.user, expires_at=expires_at,
                                allowed_networks=data["allowed_networks"])
    # The key is shown in this answer only (never_cache: no-store); it is not stored anywhere.
    return _page(request, ApiKeyForm(), new_key=secret)


@require_POST
@api_keys_required
def revoke(request, pk: int):
    key = get_object_or_404(ApiKey, pk=pk)
    if revoke_api_key(key, by=request.user):
        messages.success(request, f"The key {key.name} is revoked; calls with it now get 401.")
    return redirect("access:api-keys")
