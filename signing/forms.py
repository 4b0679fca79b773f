"""Forms of the signing pages: a third-party bundle upload and a release's identity policy."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .models import SigningPolicy


def _limited(upload, limit: int, what: str):
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(f"The {what} is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}.")
    return upload


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(help_text="The Sigstore bundle (.sigstore.json).")
    artifact = forms.FileField(required=False, help_text="The signed file, or leave empty and give its SHA-256.")
    sha256 = forms.CharField(required=False, max_length=71, label="SHA-256", help_text="64 hex digits (sha256: prefix allowed).")
    artifact_name = forms.CharField(required=False, max_length=300, help_text="Defaults to the artifact's file name.")

    @classmethod
    def refused(cls, field: str, message: str) -> BundleUploadForm:
        """A form that shows only why the upload was refused while it was read (access.uploads)."""
        form = cls(data={}, files={})
        form.errors.clear()
        form.add_error(field if field in form.fields else None, message)
        return form

    def clean_bundle(self):
        return _limited(self.cleaned_data.get("bundle"), settings.PEDIGREE_MAX_BUNDLE_BYTES, "bundle")

    def clean_artifact(self):
        return _limited(self.cleaned_data.get("artifact"), settings.PEDIGREE_MAX_SIGNED_ARTIFACT_BYTES, "artifact")

    def clean(self):
        data = super().clean()
        artifact = data.get("artifact")
        if artifact is None and not data.get("sha256"):
            raise forms.ValidationError("Give the signed file or its SHA-256 digest.")
        name = (data.get("artifact_name") or (artifact.name if artifact else "")).strip()
        if not name:
            raise forms.ValidationError("Name the signed artifact.")
        data["artifact_name"] = name.replace("/", "_")
        return data


class SigningPolicyForm(forms.ModelForm):
    class Meta:
        model = SigningPolicy
        fields = ["identity", "issuer"]
        labels = {"identity": "Expected signer identity", "issuer": "Expected OIDC issuer"}
