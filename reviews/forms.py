"""The decision and comment forms of the review pages (they work without JavaScript)."""

from __future__ import annotations

from django import forms

from .choices import DECIDED_STATES, ReviewState
from .services.decisions import MAX_TEXT

DECISION_CHOICES = [(s.value, s.label) for s in ReviewState if s in DECIDED_STATES]


class DecisionForm(forms.Form):
    """One decision. The services apply the state rules (clean_decision); `version` is the review's version
    when the form was shown, so that a decision made meanwhile by someone else is not overwritten."""

    state = forms.ChoiceField(choices=DECISION_CHOICES, widget=forms.RadioSelect, label="Decision")
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=MAX_TEXT,
                                    label="Justification (accepted) or reason (rejected)")
    ticket_url = forms.CharField(required=False, max_length=2048, label="Ticket URL (rejected, optional)")
    waived_until = forms.DateField(required=False, label="Waived until (waived)",
                                   widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_000_000_000)


class BulkDecisionForm(DecisionForm):
    """The same decision for every review selected in the queue (the checkboxes "review" = "<id>:<version>",
    read by services.decisions.parse_versions)."""

    version = None


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT, label="Comment")
