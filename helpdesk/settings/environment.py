"""The one environment object every setting is read through (``.env`` is read if present)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    PARLEY_ENV=(str, "development"),
    DEBUG=(bool, True),
)
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv), overwrite=False)


def database_pool_options() -> dict:
    """Django's native psycopg 3 pool, bounded per process. Under ASGI each request runs in a
    thread of its own, so persistent connections (CONN_MAX_AGE) piled up one per thread until
    PostgreSQL refused clients ("too many clients")."""
    return {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        "max_idle": env.float("DATABASE_POOL_MAX_IDLE", default=300.0),
    }
