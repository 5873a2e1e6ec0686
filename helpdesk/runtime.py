"""The runtime files of a checkout, made when a process starts, never when settings are imported.

``prepare()`` creates the folders the processes write to (``PARLEY_VAR_DIR``, the static root and,
with the filesystem broker, its queue, processed and control folders) and, when no
``SECRET_KEY`` is configured, the development key file ``var/secret_key`` that every process of
the checkout shares (so sessions survive restarts). It is idempotent. ``manage.py`` calls it
before any command, and the Celery worker and beat call it when they start (``helpdesk.celery``)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

from helpdesk.settings.environment import env


def _folders() -> list[Path]:
    folders = [Path(settings.VAR_DIR), Path(settings.STATIC_ROOT)]
    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
        for name in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if options.get(name):
                folders.append(Path(options[name]))
    return folders


def _write_secret_key(path: Path) -> None:
    """Create ``path`` holding a new random key, readable by its owner only; never overwrite."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of the checkout made it first
        return
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(50))


def prepare() -> list[Path]:
    """Create what is missing; returns the folders and files it created."""
    created = []
    for folder in _folders():
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            created.append(folder)
    key_file = getattr(settings, "SECRET_KEY_FILE", None)
    if key_file is not None and not env("SECRET_KEY", default=""):
        key_file = Path(key_file)
        if not key_file.exists():
            _write_secret_key(key_file)
            created.append(key_file)
        # This process read its settings before the file existed: use the shared key from now on.
        settings.SECRET_KEY = key_file.read_text().strip()
    return created
