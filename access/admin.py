"""Django admin: the account list gets "Sign out everywhere" (access/signin/sessions.py) as an action."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .signin.sessions import sign_out_everywhere

User = get_user_model()


@admin.action(description="Sign out everywhere (end every browser session; API keys stay)", permissions=["change"])
def sign_out_everywhere_action(modeladmin, request, queryset):
    ended = sum(sign_out_everywhere(user) for user in queryset)
    modeladmin.message_user(request, f"{queryset.count()} account(s) signed out everywhere ({ended} sessions ended).",
                            messages.SUCCESS)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PedigreeUserAdmin(UserAdmin):
    actions = [sign_out_everywhere_action]
