from django.db import models


class AccessAction(models.TextChoices):
    """What an access-log entry records."""

    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    START_JOB = "start-job", "Started a job"
    UPLOAD = "upload", "Uploaded"  # a third-party signature bundle (and its artifact)
    CHANGE_POLICY = "change-policy", "Changed a signing policy"  # a release's expected signer
    DECIDE = "decide", "Decided a review"  # a review's state change or comment (reviews app)
    WAIVE = "waive", "Approved, changed or revoked a waiver"  # of a policy violation (policies app)
    SIGN_OFF = "sign-off", "Signed a release off"
    EDIT_POLICY = "edit-policy", "Saved a policy version"
    WEBHOOKS = "webhooks", "Changed a webhook endpoint"  # created, disabled, deleted, or a delivery resent (feeds)
    REFUSED = "refused", "Refused"  # an API call with a known key that is revoked, expired or out of its networks
