"""Production: refuses to start without a real secret key, PostgreSQL and a broker."""

from django.core.exceptions import ImproperlyConfigured

from helpdesk.settings.base import *  # noqa: F403
from helpdesk.settings.environment import env

DEBUG = env.bool("DEBUG", default=False)

_missing = []
if not env("SECRET_KEY", default=""):
    _missing.append("SECRET_KEY")
if not env("DATABASE_URL", default="").startswith(("postgres://", "postgresql://", "pgsql://")):
    _missing.append("DATABASE_URL (a PostgreSQL URL)")
if env("CELERY_BROKER_URL", default="filesystem://").startswith("filesystem://"):
    _missing.append("CELERY_BROKER_URL (e.g. redis://…)")
if _missing:
    raise ImproperlyConfigured("Production settings need: " + ", ".join(_missing))

SECRET_KEY = env("SECRET_KEY")
SECRET_KEY_FILE = None  # production never makes up a key
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = False
