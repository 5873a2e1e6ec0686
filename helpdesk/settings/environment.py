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
