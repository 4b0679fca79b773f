"""Every setting, read from the environment in one place.

With no environment at all Pedigree runs embedded: SQLite and a filesystem Celery
broker under `var/`. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY
(or SECRET_KEY_FILE) and ALLOWED_HOSTS. Bad values fail loudly at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


VAR_DIR = Path(env_str("PEDIGREE_VAR_DIR", str(BASE_DIR / "var")))
DEBUG = env_bool("DEBUG", False)
EMBEDDED = not env_str("DATABASE_URL")

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not EMBEDDED:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DATABASE_URL is set")
    # Embedded mode: a per-installation key kept under var/.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if EMBEDDED or DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served locally, no CDN
    # Layers, lowest first (docs/architecture.md; .importlinter states them, tests/test_architecture.py enforces them).
    "access",
    "jobs",
    "audits",
    "feeds",
    "history",
    "reviews",
    "policies",
    "vex",
    "sbom",
    "evidence",
    "signing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "access.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "access.signin.sessions.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "access.middleware.LoginRequiredMiddleware",
    "access.middleware.NoRoleMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if EMBEDDED:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("PEDIGREE_SQLITE_PATH", str(VAR_DIR / "pedigree.sqlite3")),
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
            # A file, not memory, so that a Celery worker process can share the test database.
            "TEST": {"NAME": str(VAR_DIR / "test-pedigree.sqlite3")},
        }
    }
else:
    # Health checks: a persistent connection broken by a database restart is replaced, not reused.
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
                                                  conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...)")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Whitenoise serves static files from gunicorn: in production only what `collectstatic` wrote
# to STATIC_ROOT (compressed copies included); embedded mode serves straight from static/.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = EMBEDDED or DEBUG
LOGIN_URL = "login"
# The cache holds the sign-in throttle's and the API rate limit's counters, shared by every web
# process on every machine: a database table (`manage.py createcachetable`) without another
# service, or Redis with CACHE_URL (redis://...).
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pedigree_cache"}
}
PEDIGREE_LOGIN_MAX_FAILURES = env_int("PEDIGREE_LOGIN_MAX_FAILURES", 5)
PEDIGREE_LOGIN_LOCKOUT_SECONDS = env_int("PEDIGREE_LOGIN_LOCKOUT_SECONDS", 900)
# Failed sign-ins from one address, whatever the user names, before every attempt from it is refused
# (password spraying); counted over the same lockout window.
PEDIGREE_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("PEDIGREE_LOGIN_MAX_FAILURES_PER_ADDRESS", 50)
LOGIN_REDIRECT_URL = "/"

# Sign-in methods (docs/authentication.md). Local accounts first (break-glass admins sign in without the
# directory), then the LDAP directory; OpenID Connect users are signed in by its callback view.
AUTHENTICATION_BACKENDS = [
    "access.signin.backends.LocalBackend",
    "access.signin.ldap.DirectoryBackend",
    "access.signin.backends.OIDCBackend",
]
# Who may sign in with a local password: "*" every local account, or the listed names (break-glass
# admins), or nobody when empty.
PEDIGREE_LOCAL_SIGNIN_USERS = env_list("PEDIGREE_LOCAL_SIGNIN_USERS", ["*"])
# Connections to the OpenID Connect provider and the LDAP directory give up after this many seconds.
PEDIGREE_SIGNIN_TIMEOUT = env_int("PEDIGREE_SIGNIN_TIMEOUT", 10)
# OpenID Connect: on when the issuer and client id are set. The issuer's discovery document
# ({issuer}/.well-known/openid-configuration) must name this issuer; https:// only (http:// on loopback).
PEDIGREE_OIDC_ISSUER = env_str("PEDIGREE_OIDC_ISSUER", "")
PEDIGREE_OIDC_CLIENT_ID = env_str("PEDIGREE_OIDC_CLIENT_ID", "")
PEDIGREE_OIDC_CLIENT_SECRET = env_secret("PEDIGREE_OIDC_CLIENT_SECRET")
PEDIGREE_OIDC_SCOPES = env_list("PEDIGREE_OIDC_SCOPES", ["openid", "profile", "email"])
PEDIGREE_OIDC_USERNAME_CLAIM = env_str("PEDIGREE_OIDC_USERNAME_CLAIM", "preferred_username")
PEDIGREE_OIDC_GROUPS_CLAIM = env_str("PEDIGREE_OIDC_GROUPS_CLAIM", "groups")
PEDIGREE_OIDC_NAME = env_str("PEDIGREE_OIDC_NAME", "single sign-on")
# LDAP: on when the server URI is set (ldaps://host or ldap://host with PEDIGREE_LDAP_START_TLS).
PEDIGREE_LDAP_SERVER_URI = env_str("PEDIGREE_LDAP_SERVER_URI", "")
PEDIGREE_LDAP_START_TLS = env_bool("PEDIGREE_LDAP_START_TLS", False)
PEDIGREE_LDAP_CA_FILE = env_str("PEDIGREE_LDAP_CA_FILE", "")
PEDIGREE_LDAP_BIND_DN = env_str("PEDIGREE_LDAP_BIND_DN", "")
PEDIGREE_LDAP_BIND_PASSWORD = env_secret("PEDIGREE_LDAP_BIND_PASSWORD")
PEDIGREE_LDAP_USER_SEARCH_BASE = env_str("PEDIGREE_LDAP_USER_SEARCH_BASE", "")
PEDIGREE_LDAP_USER_FILTER = env_str("PEDIGREE_LDAP_USER_FILTER", "(uid=%(user)s)")
PEDIGREE_LDAP_GROUP_SEARCH_BASE = env_str("PEDIGREE_LDAP_GROUP_SEARCH_BASE", "")
PEDIGREE_LDAP_GROUP_FILTER = env_str("PEDIGREE_LDAP_GROUP_FILTER", "(objectClass=groupOfNames)")
PEDIGREE_LDAP_GROUP_TYPE = env_str("PEDIGREE_LDAP_GROUP_TYPE", "nestedGroupOfNames")
# Browser sessions: ended after this long without a request, and this long after sign-in whatever the
# activity. API keys are not sessions.
PEDIGREE_SESSION_IDLE_SECONDS = env_int("PEDIGREE_SESSION_IDLE_SECONDS", 2 * 3600)
PEDIGREE_SESSION_ABSOLUTE_SECONDS = env_int("PEDIGREE_SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_COOKIE_AGE = PEDIGREE_SESSION_ABSOLUTE_SECONDS


def _check_signin_settings() -> tuple[dict, dict]:
    """The group-to-role maps, parsed; bad sign-in settings fail at start-up."""
    from access.signin.rolemap import (
        parse_role_map,  # pure Python: no Django, safe to import here
    )

    group_types = ("groupOfNames", "nestedGroupOfNames", "groupOfUniqueNames", "nestedGroupOfUniqueNames",
                   "activeDirectory", "nestedActiveDirectory", "posixGroup")
    try:
        oidc_map = parse_role_map(env_str("PEDIGREE_OIDC_ROLE_MAP", ""), "PEDIGREE_OIDC_ROLE_MAP")
        ldap_map = parse_role_map(env_str("PEDIGREE_LDAP_ROLE_MAP", ""), "PEDIGREE_LDAP_ROLE_MAP", dn=True)
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    if PEDIGREE_OIDC_ISSUER and "openid" not in PEDIGREE_OIDC_SCOPES:
        raise ImproperlyConfigured("PEDIGREE_OIDC_SCOPES must include openid")
    if PEDIGREE_OIDC_ISSUER and not PEDIGREE_OIDC_ISSUER.startswith(("https://", "http://127.", "http://localhost", "http://[::1]")):
        raise ImproperlyConfigured("PEDIGREE_OIDC_ISSUER must be an https:// URL")
    if PEDIGREE_LDAP_GROUP_TYPE not in group_types:
        raise ImproperlyConfigured(f"PEDIGREE_LDAP_GROUP_TYPE must be one of {', '.join(group_types)}")
    if PEDIGREE_LDAP_SERVER_URI and not PEDIGREE_LDAP_SERVER_URI.startswith(("ldap://", "ldaps://")):
        raise ImproperlyConfigured("PEDIGREE_LDAP_SERVER_URI must be an ldaps:// or ldap:// URI")
    if PEDIGREE_LDAP_SERVER_URI and not (PEDIGREE_LDAP_USER_SEARCH_BASE and PEDIGREE_LDAP_GROUP_SEARCH_BASE):
        raise ImproperlyConfigured("PEDIGREE_LDAP_USER_SEARCH_BASE and PEDIGREE_LDAP_GROUP_SEARCH_BASE must be set "
                                   "with PEDIGREE_LDAP_SERVER_URI")
    if min(PEDIGREE_SESSION_IDLE_SECONDS, PEDIGREE_SESSION_ABSOLUTE_SECONDS, PEDIGREE_SIGNIN_TIMEOUT) <= 0:
        raise ImproperlyConfigured("session lifetimes and PEDIGREE_SIGNIN_TIMEOUT must be positive")
    return oidc_map, ldap_map


# Provider group (OIDC: as the groups claim names it; LDAP: the group's DN) -> Pedigree role(s), JSON.
PEDIGREE_OIDC_ROLE_MAP, PEDIGREE_LDAP_ROLE_MAP = _check_signin_settings()
# Denied API calls by one caller to one target within this many seconds are one access-log row with a
# repeat count (0: a row per call).
PEDIGREE_ACCESS_LOG_REPEAT_SECONDS = env_int("PEDIGREE_ACCESS_LOG_REPEAT_SECONDS", 60)

# Security headers and cookies: secure unless explicitly relaxed for local HTTP.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not (EMBEDDED or DEBUG))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: the broker is a filesystem queue under var/ when nothing is configured.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "broker"
    for _sub in ("in", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "in"),
        "data_folder_out": str(_queue_dir / "in"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 3600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 3300)
CELERY_TASK_IGNORE_RESULT = True  # job state lives in the Job table
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing a job's message survives a broker blip of about two seconds; past that, enqueue_job
# fails the job row and the page says jobs cannot be queued (a web request must not hang).
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 4, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_CONNECTION_TIMEOUT = 4
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "pedigree")
# Two kinds of work scale apart: repository jobs (ingest, upstream verification: git and the
# network) and artifact jobs (SBOM, signing, evidence: CPU). Each worker consumes its queue plus
# the default queue (housekeeping such as the reaper); see docs/deployment.md.
PEDIGREE_INGEST_QUEUE = env_str("PEDIGREE_INGEST_QUEUE", "ingest")
PEDIGREE_ARTIFACT_QUEUE = env_str("PEDIGREE_ARTIFACT_QUEUE", "artifacts")
CELERY_TASK_ROUTES = {
    "audits.tasks.run_ingest_job": {"queue": PEDIGREE_INGEST_QUEUE},
    "audits.tasks.run_upstream_verification_job": {"queue": PEDIGREE_INGEST_QUEUE},
    "history.tasks.run_history_job": {"queue": PEDIGREE_INGEST_QUEUE},
    "sbom.tasks.*": {"queue": PEDIGREE_ARTIFACT_QUEUE},  # SBOM generation
    "evidence.tasks.*": {"queue": PEDIGREE_ARTIFACT_QUEUE},  # evidence bundles
    "signing.tasks.*": {"queue": PEDIGREE_ARTIFACT_QUEUE},  # signing, signature verification
}

# Job limits. A running job whose heartbeat is older than PEDIGREE_JOB_STALE_SECONDS
# is failed by the reaper (scheduled below for celery beat; `manage.py reap_jobs` by hand).
PEDIGREE_INGEST_TIME_LIMIT = env_int("PEDIGREE_INGEST_TIME_LIMIT", 1800)
# An ingest expands the specs it has not met before in this many helper processes (audits.identity_pool):
# by default one per CPU the process may use, at most 8 (a container's CPU quota is not seen: set it there);
# 0 or 1 expands them in the ingest's own process.
_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
PEDIGREE_EXPANSION_PROCESSES = env_int("PEDIGREE_EXPANSION_PROCESSES", min(_cpus, 8))
# A history ingest analyses every new commit, then materialises the head (the corpus's 492 commits: minutes).
PEDIGREE_HISTORY_TIME_LIMIT = env_int("PEDIGREE_HISTORY_TIME_LIMIT", 4 * 3600)
# One clone per package: a whole release against src.fedoraproject.org takes hours, not the
# ingest's half hour. The heartbeat and the reaper still catch a dead worker.
PEDIGREE_UPSTREAM_TIME_LIMIT = env_int("PEDIGREE_UPSTREAM_TIME_LIMIT", 12 * 3600)
# Without a network every clone fails: the upstream job stops after this many consecutive
# network failures (a successful fetch resets the count) instead of trying every package.
PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES = env_int("PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES", 5)
if PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES < 1:
    raise ImproperlyConfigured("PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES must be at least 1")
PEDIGREE_JOB_HEARTBEAT_SECONDS = env_int("PEDIGREE_JOB_HEARTBEAT_SECONDS", 30)
PEDIGREE_JOB_STALE_SECONDS = env_int("PEDIGREE_JOB_STALE_SECONDS", 300)
# Bearer token for /healthz/jobs (queue depth, job ages); unset: only signed-in admins see it.
PEDIGREE_MONITORING_TOKEN = env_secret("PEDIGREE_MONITORING_TOKEN")
CELERY_BEAT_SCHEDULE = {
    "reap-stale-jobs": {"task": "jobs.tasks.reap_stale_jobs_task", "schedule": 60.0},
}
# The watch (history.WatchedSource, `manage.py watch`): how often beat looks for watched refs that are due
# (each has its own interval); 0 turns the watch off.
PEDIGREE_WATCH_POLL_SECONDS = env_int("PEDIGREE_WATCH_POLL_SECONDS", 60)
if PEDIGREE_WATCH_POLL_SECONDS > 0:
    CELERY_BEAT_SCHEDULE["poll-watched-sources"] = {
        "task": "history.tasks.poll_watched_sources_task", "schedule": float(PEDIGREE_WATCH_POLL_SECONDS)}
# Scheduled re-verification: every N hours, celery beat queues an upstream verification of each
# distribution's newest release (0: never; a run fetches every package's dist-git repository).
PEDIGREE_REVERIFY_HOURS = env_int("PEDIGREE_REVERIFY_HOURS", 0)
if PEDIGREE_REVERIFY_HOURS > 0:
    CELERY_BEAT_SCHEDULE["reverify-upstream"] = {
        "task": "audits.tasks.reverify_upstream_task", "schedule": PEDIGREE_REVERIFY_HOURS * 3600.0,
    }

# Change feeds and webhooks (docs/feeds.md). PEDIGREE_BASE_URL: the portal's address as readers reach it
# (https://pedigree.example.org), for the absolute links of webhook bodies (the Atom feed uses the request's).
PEDIGREE_BASE_URL = env_str("PEDIGREE_BASE_URL", "")
# A webhook delivery is attempted this many times in all (retries 1 min, 5 min, 30 min, 2 h, 12 h apart,
# then 12 h) before it is failed; each POST gives up after PEDIGREE_WEBHOOK_TIMEOUT seconds.
PEDIGREE_WEBHOOK_MAX_ATTEMPTS = env_int("PEDIGREE_WEBHOOK_MAX_ATTEMPTS", 6)
PEDIGREE_WEBHOOK_TIMEOUT = env_int("PEDIGREE_WEBHOOK_TIMEOUT", 10)
# celery beat sends the deliveries that are due (retries, and any whose message was lost) this often.
PEDIGREE_WEBHOOK_SWEEP_SECONDS = env_int("PEDIGREE_WEBHOOK_SWEEP_SECONDS", 60)
# Endpoints on loopback addresses (http:// too): for tests and a receiver on the same machine only.
PEDIGREE_WEBHOOK_ALLOW_LOOPBACK = env_bool("PEDIGREE_WEBHOOK_ALLOW_LOOPBACK", False)
# Past this many components changed one way by one release, one event lists them all instead.
PEDIGREE_FEED_MAX_COMPONENT_EVENTS = env_int("PEDIGREE_FEED_MAX_COMPONENT_EVENTS", 100)
PEDIGREE_FEED_PAGE_SIZE = env_int("PEDIGREE_FEED_PAGE_SIZE", 50)
if PEDIGREE_WEBHOOK_MAX_ATTEMPTS < 1 or PEDIGREE_WEBHOOK_TIMEOUT < 1 or PEDIGREE_FEED_PAGE_SIZE < 1:
    raise ImproperlyConfigured("PEDIGREE_WEBHOOK_MAX_ATTEMPTS, PEDIGREE_WEBHOOK_TIMEOUT and PEDIGREE_FEED_PAGE_SIZE "
                               "must be at least 1")
if PEDIGREE_WEBHOOK_SWEEP_SECONDS > 0:
    CELERY_BEAT_SCHEDULE["deliver-webhooks"] = {
        "task": "feeds.tasks.deliver_due_webhooks", "schedule": float(PEDIGREE_WEBHOOK_SWEEP_SECONDS),
    }

# Sigstore signing and verification (docs/signing.md). The trust configuration is a ClientTrustConfig
# JSON file (public-good Sigstore when blank); verification uses PEDIGREE_SIGSTORE_TRUSTED_ROOT when
# set, else that file's trusted root, else the public-good root shipped with the pinned sigstore.
# The identity token is a value or a file re-read at each signing (projected tokens rotate).
PEDIGREE_SIGSTORE_TRUST_CONFIG = env_str("PEDIGREE_SIGSTORE_TRUST_CONFIG", "")
PEDIGREE_SIGSTORE_TRUSTED_ROOT = env_str("PEDIGREE_SIGSTORE_TRUSTED_ROOT", "")
PEDIGREE_SIGSTORE_IDENTITY_TOKEN = env_str("PEDIGREE_SIGSTORE_IDENTITY_TOKEN", "")
PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE = env_str("PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE", "")
PEDIGREE_SIGSTORE_AMBIENT_CREDENTIALS = env_bool("PEDIGREE_SIGSTORE_AMBIENT_CREDENTIALS", False)
# The signer every bundle must carry unless a release sets its own policy.
PEDIGREE_SIGSTORE_IDENTITY = env_str("PEDIGREE_SIGSTORE_IDENTITY", "")
PEDIGREE_SIGSTORE_OIDC_ISSUER = env_str("PEDIGREE_SIGSTORE_OIDC_ISSUER", "")
PEDIGREE_SIGN_AFTER_SBOM = env_bool("PEDIGREE_SIGN_AFTER_SBOM", False)
PEDIGREE_SIGN_AFTER_EVIDENCE = env_bool("PEDIGREE_SIGN_AFTER_EVIDENCE", False)
PEDIGREE_REVERIFY_SECONDS = env_int("PEDIGREE_REVERIFY_SECONDS", 86400)  # 0: no scheduled re-verification
PEDIGREE_MAX_BUNDLE_BYTES = env_int("PEDIGREE_MAX_BUNDLE_BYTES", 1024 * 1024)
PEDIGREE_MAX_SIGNED_ARTIFACT_BYTES = env_int("PEDIGREE_MAX_SIGNED_ARTIFACT_BYTES", 64 * 1024 * 1024)
# Component evidence bundles one user may store in any 24 hours (the package page's button); a request
# whose evidence is unchanged gets that user's bundle from the last 24 hours again. 0: no limit.
PEDIGREE_MAX_COMPONENT_BUNDLES_PER_DAY = env_int("PEDIGREE_MAX_COMPONENT_BUNDLES_PER_DAY", 50)
if PEDIGREE_REVERIFY_SECONDS > 0:
    CELERY_BEAT_SCHEDULE["reverify-signatures"] = {
        "task": "signing.tasks.schedule_reverification", "schedule": float(PEDIGREE_REVERIFY_SECONDS),
    }

# Ingestion limits and policy.
PEDIGREE_ALLOW_LOCAL_SOURCES = env_bool("PEDIGREE_ALLOW_LOCAL_SOURCES", False)
PEDIGREE_MAX_FILE_BYTES = env_int("PEDIGREE_MAX_FILE_BYTES", 16 * 1024 * 1024)
PEDIGREE_GIT_TIMEOUT = env_int("PEDIGREE_GIT_TIMEOUT", 900)
# Bare mirrors the history ingest keeps between runs (one per source; a new commit is a `git fetch`, not a
# clone); empty: a temporary clone per run, as a single-commit ingest always makes.
PEDIGREE_GIT_MIRROR_DIR = env_str("PEDIGREE_GIT_MIRROR_DIR", str(VAR_DIR / "git-mirrors"))
PEDIGREE_DEFAULT_SOURCE = env_str("PEDIGREE_DEFAULT_SOURCE", "https://github.com/microsoft/azurelinux.git")
PEDIGREE_DEFAULT_REF = env_str("PEDIGREE_DEFAULT_REF", "tomls/base/main")
# Queue the SBOM job of a release as soon as its ingest job has created it.
PEDIGREE_SBOM_AFTER_INGEST = env_bool("PEDIGREE_SBOM_AFTER_INGEST", False)
# Assemble the release CycloneDX JSON from the per-component parts cached by earlier generations
# (sbom.SbomPart; sbom/services/cyclonedx_parts.py): byte-identical, much faster for the next commit.
PEDIGREE_SBOM_PARTS = env_bool("PEDIGREE_SBOM_PARTS", True)
# Upstream verification fetches each package's Fedora dist-git repository from the distro's
# `dist-git-base-uri` template; this template ($pkg = package name) replaces it when set,
# for a mirror or, with PEDIGREE_ALLOW_LOCAL_SOURCES, local repositories (file:///srv/rpms/$pkg.git).
PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI = env_str("PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI", "")
if PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI and "$pkg" not in PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI:
    raise ImproperlyConfigured("PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI must contain $pkg (the package name)")

# Outbound connections (access/egress.py): git clones and the Sigstore services never reach loopback,
# private, link-local or other internal addresses unless PEDIGREE_EGRESS_ALLOW names them (CIDR
# networks and/or host names, comma-separated; default none). A repository's `dist-git-base-uri`
# may only name hosts in PEDIGREE_DIST_GIT_HOSTS, and never a local path or file:// URL.
PEDIGREE_EGRESS_ALLOW = env_list("PEDIGREE_EGRESS_ALLOW", [])
PEDIGREE_DIST_GIT_HOSTS = env_list("PEDIGREE_DIST_GIT_HOSTS", ["src.fedoraproject.org"])


def _check_egress_settings() -> None:
    from access.egress import (
        EgressPolicy,  # pure Python: no Django, safe to import here
    )

    try:
        EgressPolicy.from_lists(PEDIGREE_EGRESS_ALLOW, PEDIGREE_DIST_GIT_HOSTS)
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None


_check_egress_settings()

# REST API (access/api, and each app's router in portal/urls.py): API keys or the browser session; JSON only; errors as
# RFC 9457 problem details; keyset cursor pagination; one request rate per key, user or address.
PEDIGREE_API_THROTTLE_RATE = env_str("PEDIGREE_API_THROTTLE_RATE", "600/minute")
# Refused API credentials (unknown, revoked or expired keys, keys used from outside their networks)
# per client address; past it every call from that address with a key gets 429 for the window.
PEDIGREE_API_AUTH_FAILURE_RATE = env_str("PEDIGREE_API_AUTH_FAILURE_RATE", "30/hour")
PEDIGREE_API_PAGE_SIZE = env_int("PEDIGREE_API_PAGE_SIZE", 100)
PEDIGREE_API_MAX_PAGE_SIZE = env_int("PEDIGREE_API_MAX_PAGE_SIZE", 1000)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a request without credentials gets 401 with a WWW-Authenticate header.
        "access.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["access.api.throttling.ApiClientThrottle"],
    "DEFAULT_PAGINATION_CLASS": "access.api.pagination.KeysetCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "access.api.schema.ScopedAutoSchema",
    "EXCEPTION_HANDLER": "access.api.problems.problem_exception_handler",
    # Proxies in front of the portal that append to X-Forwarded-For (client address of
    # throttling and of API-key network checks); 0 = use the connection's address.
    "NUM_PROXIES": env_int("PEDIGREE_API_NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pedigree API",
    "DESCRIPTION": "Releases, components, overlays, provenance, jobs, SBOMs, upstream verification, "
    "comparisons and evidence bundles of Pedigree, for GRC tools. Authenticate with "
    "`Authorization: Bearer <API key>`; errors are RFC 9457 problem details.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated", "access.api.base.CanRead"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several serializers have a field named "kind"; name each choice set after what it is.
    "ENUM_NAME_OVERRIDES": {
        "JobKindEnum": "jobs.choices.JobKind",
        "InconsistencyKindEnum": "audits.choices.InconsistencyKind",
        "LicenseFamilyEnum": "audits.choices.LicenseFamily",
        "SbomFormatEnum": "sbom.choices.SbomFormat",
        "AdvisoryFormatEnum": "vex.models.Advisory.FORMATS",
        "ChangeKindEnum": ["added", "removed", "changed"],
        "ReviewStateEnum": "reviews.choices.ReviewState",
        "DecisionStateEnum": ["accepted", "rejected", "waived"],  # reviews.choices.DECIDED_STATES
    },
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}},  # access/api/converters.py
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "access.api.schema.add_problem_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
