"""The names of Pedigree's roles (Django groups made by `manage.py setup_roles`; access.permissions
says what each may do). PURE PYTHON, so that settings can check a group-to-role map at start-up."""

AUDITOR = "auditor"
RELEASE_MANAGER = "release-manager"
ADMIN = "admin"
ROLES = (AUDITOR, RELEASE_MANAGER, ADMIN)
