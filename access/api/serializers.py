from rest_framework import serializers

from ..models import AccessLog


class AccessLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessLog
        fields = ("id", "at", "username", "api_key_name", "action", "target", "path", "release", "repeats", "last_at")
