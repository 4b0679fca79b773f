from django.urls import path, re_path

from . import views

app_name = "policies"
urlpatterns = [
    path("policy/", views.policy_page, name="policy"),
    path("policy/save/", views.save_policy, name="save"),
    path("policy/v<id:number>.toml", views.policy_version_text, name="version"),
    path("releases/<id:pk>/policy/", views.release_policy, name="release"),
    re_path(r"^releases/(?P<pk>[0-9]{1,18})/policy/findings\.(?P<fmt>csv|xlsx)$", views.export_findings,
            name="findings-export"),
    path("releases/<id:pk>/policy/findings/<id:finding>/waive/", views.approve_waiver, name="waive"),
    path("releases/<id:pk>/policy/waivers/<id:waiver>/revoke/", views.revoke_waiver, name="revoke"),
    path("releases/<id:pk>/sign-off/", views.sign_off, name="sign-off"),
    re_path(r"^releases/(?P<pk>[0-9]{1,18})/sign-off/(?P<part>document|statement|bundle)$", views.sign_off_file,
            name="sign-off-file"),
]
