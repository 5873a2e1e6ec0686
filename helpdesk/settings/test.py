"""Test settings: fast and deterministic.

By default: SQLite, eager Celery, Chroma in-process (PersistentClient in a temp folder).
With PARLEY_INTEGRATION=1: DATABASE_URL (PostgreSQL), Redis as broker and cache, a real Celery
worker and a Chroma server started by tests/conftest.py."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("PARLEY_VAR_DIR", tempfile.mkdtemp(prefix="parley-test-"))

from helpdesk.settings.base import *  # noqa: E402,F403
from helpdesk.settings.environment import env  # noqa: E402

INTEGRATION = env.bool("PARLEY_INTEGRATION", default=False)
# ``helpdesk.settings`` (the package) imported base before this module set PARLEY_VAR_DIR: point
# the runtime folders at the temporary one, never at the checkout's var/.
VAR_DIR = Path(os.environ["PARLEY_VAR_DIR"])
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="parley-static-"))
REALTIME_SOCKET_DIR = VAR_DIR / "realtime"  # shared with subprocesses through PARLEY_VAR_DIR
DEBUG = False
SECRET_KEY = "parley-tests-only-not-secret"  # the same in the test process and its worker
SECRET_KEY_FILE = None
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Shared with a worker subprocess in the integration suite (it inherits the environment).
os.environ.setdefault("PARLEY_TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix="parley-media-"))
MEDIA_ROOT = Path(os.environ["PARLEY_TEST_MEDIA_ROOT"])
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

if INTEGRATION:
    DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/parley")}
    REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/14")
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": JOBS_VISIBILITY_TIMEOUT}  # noqa: F405
    # Eager by default so ordinary tests stay synchronous; tests that take the ``real_worker``
    # fixture switch to the Celery worker process started by tests/integration.py.
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHROMA_MODE = "http"
    os.environ.setdefault("CHROMA_URL", "http://127.0.0.1:8765")
    CHROMA_URL = os.environ["CHROMA_URL"]
    CHROMA_PATH = Path(
        os.environ.setdefault("PARLEY_TEST_CHROMA_PATH", tempfile.mkdtemp(prefix="parley-chroma-"))
    )
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    CHROMA_MODE = "persistent"
    CHROMA_PATH = Path(tempfile.mkdtemp(prefix="parley-chroma-"))

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "anon": "10000/min",
        "credential": "10000/min",
        "login": "10000/min",
        "public": "10000/min",
        "widget": "10000/min",
        "widget_address": "10000/min",
    },
}
OLLAMA_TIMEOUT = 5.0
WEBHOOK_RETRY_BASE_SECONDS = 0.01
JOBS_MAX_RETRIES = 2  # eager retries run at once; fewer keep backend-down tests quick
# Query-count tests measure requests made seconds apart on a slow, shared machine: the API-key
# cache must not expire between them (changes still drop entries at once, through the signals).
API_CREDENTIAL_CACHE_SECONDS = 600
