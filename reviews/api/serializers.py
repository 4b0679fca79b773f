from __future__ import annotations

from rest_framework import serializers

from ..forms import DECISION_CHOICES
from ..models import Review, ReviewEvent
from ..services.decisions import MAX_TEXT


class ReviewSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.name")
    headline = serializers.CharField(source="component.headline")
    carried_from_release = serializers.IntegerField(source="carried_from.release_id", allow_null=True, default=None)

    class Meta:
        model = Review
        fields = ("id", "release", "component", "headline", "state", "fingerprint", "version", "decided_by_name",
                  "decided_at", "justification", "ticket_url", "waived_until", "carried_from", "carried_from_release",
                  "changed_since", "closed_in", "created_at")
        read_only_fields = fields


class ReviewDetailSerializer(ReviewSerializer):
    class Meta(ReviewSerializer.Meta):
        fields = (*ReviewSerializer.Meta.fields, "divergence")
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    """A decision; the state rules are the services' (reviews.services.decisions.clean_decision)."""

    state = serializers.ChoiceField(choices=DECISION_CHOICES)
    justification = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT, default="")
    ticket_url = serializers.CharField(required=False, allow_blank=True, max_length=2048, default="")
    waived_until = serializers.DateField(required=False, allow_null=True, default=None)


class ReviewEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewEvent
        fields = ("id", "kind", "state", "text", "ticket_url", "waived_until", "actor_name", "carried_from", "at")
        read_only_fields = fields


class CommentSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT)
