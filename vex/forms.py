from __future__ import annotations

from django import forms


class AdvisoryUploadForm(forms.Form):
    file = forms.FileField(help_text="An OSV (JSON) or CSAF 2.0 (JSON) advisory file.")

    @classmethod
    def refused(cls, field: str, message: str) -> AdvisoryUploadForm:
        """A form that shows only why the upload was refused while it was read (access.uploads)."""
        form = cls(data={}, files={})
        form.errors.clear()
        form.add_error(field if field in form.fields else None, message)
        return form
