"""Embedded defaults: a fresh clone runs with nothing installed (SQLite, filesystem broker,
local Chroma server, local embeddings). Every value can be overridden from the environment;
README.md lists each variable.

Importing the settings creates no folder and writes no file: ``helpdesk.runtime.prepare()`` does
that when a process starts (``manage.py``, the Celery worker and beat)."""

import secrets
from pathlib import Path

from helpdesk.settings.environment import BASE_DIR, database_pool_options, env

VAR_DIR = Path(env("PARLEY_VAR_DIR", default=str(BASE_DIR / "var")))
SECRET_KEY_FILE = VAR_DIR / "secret_key"


def _development_secret_key() -> str:
    """The per-checkout key in var/secret_key (``helpdesk.runtime.prepare`` writes it), so
    sessions survive restarts in development; until it exists, a random key for this process."""
    try:
        return SECRET_KEY_FILE.read_text().strip() or secrets.token_urlsafe(50)
    except OSError:
        return secrets.token_urlsafe(50)


DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="") or _development_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The chat widget: longest visitor message, and requests per website token (beside the per
# address ``THROTTLE_WIDGET_ADDRESS``).
WIDGET_MAX_MESSAGE_CHARS = env.int("WIDGET_MAX_MESSAGE_CHARS", default=5000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "helpdesk",
    "conversations",
    "knowledge",
    "chatbots",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "helpdesk.middleware.NulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "helpdesk.middleware.TenantMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "helpdesk.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
ASGI_APPLICATION = "helpdesk.asgi.application"
APPEND_SLASH = False  # API paths answer with and without a trailing slash, never redirect.

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
                "helpdesk.context_processors.tenant",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL at scale).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'parley.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker share the file: WAL lets readers run beside one writer, and IMMEDIATE
    # transactions wait for the lock instead of failing with "database is locked".
    # synchronous=NORMAL: in WAL mode a commit no longer waits for a disk flush (the WAL is flushed
    # at checkpoints); the file stays consistent, a power cut may lose the last commits. SQLite's
    # recommended setting for WAL; each commit had cost a flush (several per chat answer, issue 14).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and env.bool("DATABASE_POOL", default=True):
    DATABASES["default"].update(CONN_MAX_AGE=0)  # the pool (environment.py) requires 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = database_pool_options()
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# API-key lookups cached (helpdesk.credential_cache); a list's COUNT(*) reused (api/pagination.py).
API_CREDENTIAL_CACHE_SECONDS = env.int("API_CREDENTIAL_CACHE_SECONDS", default=5)
API_COUNT_CACHE_SECONDS = env.int("API_COUNT_CACHE_SECONDS", default=10)
API_COUNT_CACHE_MIN = env.int("API_COUNT_CACHE_MIN", default=1000)

AUTH_USER_MODEL = "helpdesk.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads: the limit is checked again by the services on the real content.
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=25)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Parley <parley@localhost>")

REDIS_URL = env("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "parley"}
    )
}

# Real time (SSE push to browsers, helpdesk.realtime): embedded across the processes of one host
# by default (event table + Unix datagrams under var/realtime); Redis pub/sub when REALTIME_URL,
# or else REDIS_URL, is redis://… ("embedded://" keeps the embedded one beside a Redis cache).
REALTIME_URL = env("REALTIME_URL", default="")
REALTIME_REDIS_CHANNEL = env("REALTIME_REDIS_CHANNEL", default="parley:realtime")
REALTIME_SOCKET_DIR = Path(env("REALTIME_SOCKET_DIR", default=str(VAR_DIR / "realtime")))
REALTIME_POLL_INTERVAL = env.float("REALTIME_POLL_INTERVAL", default=0.25)  # seconds, one query per process
REALTIME_RETENTION_SECONDS = env.int("REALTIME_RETENTION_SECONDS", default=3600)  # replay window
REALTIME_HEARTBEAT_SECONDS = env.float("REALTIME_HEARTBEAT_SECONDS", default=15.0)
REALTIME_RETRY_MS = env.int("REALTIME_RETRY_MS", default=3000)  # browsers' reconnect delay
# Presence (helpdesk.services.presence): open pages send a heartbeat; idle -> away; silent -> offline.
PRESENCE_HEARTBEAT_SECONDS = env.int("PRESENCE_HEARTBEAT_SECONDS", default=30)
PRESENCE_IDLE_SECONDS = env.int("PRESENCE_IDLE_SECONDS", default=300)  # no input this long: away
PRESENCE_OFFLINE_SECONDS = env.int("PRESENCE_OFFLINE_SECONDS", default=90)  # no heartbeat: offline

# Celery: a real worker on kombu's filesystem transport by default (no server needed);
# CELERY_BROKER_URL=redis://… at scale; eager only when explicitly asked for.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):  # folders made by helpdesk.runtime.prepare()
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Eager tasks (tests) run as in a worker: retried, and on_failure records why they gave up;
# helpdesk.jobs.enqueue_on_commit raises what a task raised unexpectedly (a bug, not a refusal).
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
# A task's message is acknowledged when the task finished, and given back to the broker when the
# worker process running it died (SIGKILL, out of memory), so a lost worker loses no job.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_QUEUE_INGEST = env("CELERY_QUEUE_INGEST", default="ingest")
CELERY_QUEUE_AI = env("CELERY_QUEUE_AI", default="ai")
CELERY_TASK_ROUTES = {
    "knowledge.tasks.*": {"queue": CELERY_QUEUE_INGEST},
    "chatbots.tasks.*": {"queue": CELERY_QUEUE_AI},
}
# The jobs layer (helpdesk/jobs.py): retries of transient failures (BackendUnavailable) with
# exponential backoff and jitter, time limits, and the sweeper of operations whose worker vanished.
JOBS_MAX_RETRIES = env.int("JOBS_MAX_RETRIES", default=5)
JOBS_RETRY_BACKOFF = env.int("JOBS_RETRY_BACKOFF", default=10)  # seconds before the first retry
JOBS_RETRY_BACKOFF_MAX = env.int("JOBS_RETRY_BACKOFF_MAX", default=600)
JOBS_TIME_LIMIT = env.int("JOBS_TIME_LIMIT", default=1800)
JOBS_SOFT_TIME_LIMIT = env.int("JOBS_SOFT_TIME_LIMIT", default=1700)
# Redis gives an unacknowledged message to another worker after this many seconds: longer than
# any task may run (JOBS_TIME_LIMIT) and any retry countdown, or a running task is started twice.
JOBS_VISIBILITY_TIMEOUT = env.int("JOBS_VISIBILITY_TIMEOUT", default=7200)
OPERATION_STALE_SECONDS = env.int("OPERATION_STALE_SECONDS", default=300)
CELERY_TASK_TIME_LIMIT = JOBS_TIME_LIMIT
CELERY_TASK_SOFT_TIME_LIMIT = JOBS_SOFT_TIME_LIMIT
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": JOBS_VISIBILITY_TIMEOUT}
CELERY_BEAT_SCHEDULE: dict = {}  # apps add their periodic tasks in AppConfig.ready()
# Conversations: wake snoozed ones, record SLA breaches, round-robin waiting ones, poll mailboxes.
CELERY_BEAT_SCHEDULE.update(
    {
        "conversations-snooze-wake": {"task": "conversations.tasks.snooze_wake", "schedule": 60.0},
        "conversations-sla-check": {"task": "conversations.tasks.sla_check", "schedule": 60.0},
        "conversations-sla-warn": {"task": "conversations.tasks.sla_warn", "schedule": 60.0},
        "conversations-auto-assign": {"task": "conversations.tasks.auto_assign", "schedule": 120.0},
        "conversations-mailboxes-poll": {"task": "conversations.tasks.mailboxes_poll_due", "schedule": 15.0},
        "conversations-fail-interrupted-deliveries": {
            "task": "conversations.tasks.fail_interrupted_deliveries",
            "schedule": 60.0,
        },
    }
)
MAILBOX_POLL_BATCH = env.int("MAILBOX_POLL_BATCH", default=200)  # mails per poll of an email inbox
MAILBOX_LEASE_SECONDS = env.int("MAILBOX_LEASE_SECONDS", default=600)  # one poll at a time per mailbox
MAILBOX_SENDER_LIMIT_PER_HOUR = env.int("MAILBOX_SENDER_LIMIT_PER_HOUR", default=30)  # 0: no limit
# Jobs: fail running operations whose worker stopped (no progress for OPERATION_STALE_SECONDS).
CELERY_BEAT_SCHEDULE["operations-fail-stale"] = {
    "task": "helpdesk.tasks.fail_stale_operations",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["helpdesk-presence-sweep"] = {"task": "helpdesk.tasks.presence_sweep", "schedule": 30.0}
# Real time: forget durable events older than REALTIME_RETENTION_SECONDS.
CELERY_BEAT_SCHEDULE["helpdesk-realtime-prune"] = {
    "task": "helpdesk.tasks.prune_realtime_events",
    "schedule": 600.0,
}
# Knowledge: after an embedding-model change, queue the reindex of each affected organization.
CELERY_BEAT_SCHEDULE["knowledge-reindex-stale-embeddings"] = {
    "task": "knowledge.tasks.reindex_stale_embeddings",
    "schedule": 300.0,
}

# Vector store: Chroma's own server on loopback (started by the run command) or CHROMA_URL.
# CHROMA_MODE=persistent uses an in-process PersistentClient: single-process use only.
CHROMA_MODE = env("CHROMA_MODE", default="http")
CHROMA_URL = env("CHROMA_URL", default="http://127.0.0.1:8001")
CHROMA_PATH = Path(env("CHROMA_PATH", default=str(VAR_DIR / "chroma")))
CHROMA_TIMEOUT = env.float("CHROMA_TIMEOUT", default=10.0)

# Embeddings: local all-MiniLM-L6-v2 shipped in a wheel, or an Ollama embedding model.
EMBEDDING_BACKEND = env("EMBEDDING_BACKEND", default="local")
EMBEDDING_MODEL = env("EMBEDDING_MODEL", default="all-MiniLM-L6-v2")
EMBEDDING_BATCH_SIZE = env.int("EMBEDDING_BATCH_SIZE", default=32)

# Knowledge: chunking, upload checks, crawling and bulk-import limits.
KNOWLEDGE_CHUNK_SIZE = env.int("KNOWLEDGE_CHUNK_SIZE", default=1000)  # characters per chunk
KNOWLEDGE_CHUNK_OVERLAP = env.int("KNOWLEDGE_CHUNK_OVERLAP", default=200)  # characters repeated
KNOWLEDGE_KEYWORD_BACKEND = env("KNOWLEDGE_KEYWORD_BACKEND", default="auto")  # auto | bm25 | postgres
KNOWLEDGE_DOCX_MAX_UNCOMPRESSED_MB = env.int("KNOWLEDGE_DOCX_MAX_UNCOMPRESSED_MB", default=100)
KNOWLEDGE_DOCX_MAX_RATIO = env.int("KNOWLEDGE_DOCX_MAX_RATIO", default=100)
KNOWLEDGE_DOCX_MAX_ENTRIES = env.int("KNOWLEDGE_DOCX_MAX_ENTRIES", default=2000)
KNOWLEDGE_MAX_PDF_PAGES = env.int("KNOWLEDGE_MAX_PDF_PAGES", default=500)  # longer PDFs fail fast
KNOWLEDGE_REVIEW_MAX_CHARS = env.int("KNOWLEDGE_REVIEW_MAX_CHARS", default=12000)
KB_IMPORT_MAX_ITEMS = env.int("KB_IMPORT_MAX_ITEMS", default=200)
KB_FILE_IMPORT_MAX_ITEMS = env.int("KB_FILE_IMPORT_MAX_ITEMS", default=500)
MAX_CRAWL_PAGES = env.int("MAX_CRAWL_PAGES", default=200)
MAX_CRAWL_LEVELS = env.int("MAX_CRAWL_LEVELS", default=5)

# Ollama (the LLM). Unreachable is normal: answers fall back to retrieval-only.
OLLAMA_HOST = env("OLLAMA_HOST", default="http://localhost:11434")
OLLAMA_MODEL = env("OLLAMA_MODEL", default="llama3.2")
OLLAMA_TIMEOUT = env.float("OLLAMA_TIMEOUT", default=120.0)
OLLAMA_CONNECT_TIMEOUT = env.float("OLLAMA_CONNECT_TIMEOUT", default=3.0)

# Chatbots: passages per answer, remembered turns, follow-up rewriting (llm | keywords | off).
CHATBOT_RETRIEVAL_K = env.int("CHATBOT_RETRIEVAL_K", default=5)
CHATBOT_HISTORY_TURNS = env.int("CHATBOT_HISTORY_TURNS", default=4)
CHATBOT_QUERY_REWRITE = env("CHATBOT_QUERY_REWRITE", default="llm")
CHATBOT_MAX_MESSAGE_CHARS = env.int("CHATBOT_MAX_MESSAGE_CHARS", default=4000)

# Outbound HTTP (webhooks, crawling): timeouts and the internal-address guard.
OUTBOUND_TIMEOUT = env.float("OUTBOUND_TIMEOUT", default=10.0)
OUTBOUND_ALLOWED_HOSTS = env.list("OUTBOUND_ALLOWED_HOSTS", default=[])  # server-wide allow-list
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)

LOGIN_TOKEN_DAYS = env.int("LOGIN_TOKEN_DAYS", default=30)
LOGIN_FAILURES_MAX = env.int("LOGIN_FAILURES_MAX", default=10)  # failed UI sign-ins per address…
LOGIN_FAILURES_WINDOW = env.int("LOGIN_FAILURES_WINDOW", default=900)  # …within this many seconds
# Failed sign-ins (API and UI) per account within LOGIN_FAILURES_WINDOW, whatever the address.
LOGIN_MAX_FAILURES_PER_ACCOUNT = env.int("LOGIN_MAX_FAILURES_PER_ACCOUNT", default=10)
# Trusted proxies in front of the server: the client is the Nth X-Forwarded-For entry from the
# right; 0 ignores the header (the socket address).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Plans an anonymous sign-up may choose (others get a 400); the run command's first
# organization is self_hosted regardless.
SIGNUP_ALLOWED_PLANS = env.list("SIGNUP_ALLOWED_PLANS", default=["starter"])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "helpdesk.api.authentication.ApiKeyAuthentication",
        "helpdesk.api.authentication.TenantSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["helpdesk.api.permissions.IsOrganizationMember"],
    "DEFAULT_PAGINATION_CLASS": "helpdesk.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "ORDERING_PARAM": "order_by",
    "EXCEPTION_HANDLER": "helpdesk.api.exceptions.exception_handler",
    "DEFAULT_METADATA_CLASS": "helpdesk.api.metadata.Metadata",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "helpdesk.api.throttling.AnonymousRateThrottle",
        "helpdesk.api.throttling.CredentialRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="60/min"),
        "credential": env("THROTTLE_CREDENTIAL", default="1200/min"),
        "login": env("THROTTLE_LOGIN", default="10/min"),
        "public": env("THROTTLE_PUBLIC", default="30/min"),
        "widget": env("THROTTLE_WIDGET", default="600/min"),
        "widget_address": env("THROTTLE_WIDGET_ADDRESS", default="120/min"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

from helpdesk.settings.api_docs import SPECTACULAR_SETTINGS  # noqa: E402, F401

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},
        "chromadb": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTML pages: scripts only from our static files (no inline, no eval); styles may use the style
# attribute (bars and widths in templates, htmx's indicator style); images may come from https
# (avatars, organization logos); nobody may frame us.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: https:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
)
# Swagger UI and ReDoc are served from the project (drf-spectacular-sidecar) and start with an
# inline script, so their pages allow inline code but nothing from another host.
CONTENT_SECURITY_POLICY_API_DOCS_PATHS = ["/api/docs/", "/api/redoc/"]
CONTENT_SECURITY_POLICY_API_DOCS = env(
    "CONTENT_SECURITY_POLICY_API_DOCS",
    default=(
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; "
        "font-src 'self'; img-src 'self' data:; "
        "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'"
    ),
)
