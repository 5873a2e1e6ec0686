"""Runtime files: importing the settings creates no folder and writes no file; ``manage.py``
(``helpdesk.runtime.prepare``) makes var/, the broker folders and the development secret key,
and the filesystem broker keeps its exchange table under var/broker/control, not ./control."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout_env(tmp_path):
    """The environment of a fresh checkout with nothing configured, its var/ under ``tmp_path``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PARLEY_", "DJANGO_", "CELERY_", "CHROMA_", "EMBEDDING_"))
        and key not in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "STATIC_ROOT")
    }
    var = tmp_path / "var"
    env.update(
        {
            "PARLEY_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
            "PYTHONPATH": str(ROOT),
            "DO_NOT_TRACK": "1",
        }
    )
    return env, var


def run(code_or_args, env, cwd) -> str:
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_importing_the_settings_creates_no_folder_and_writes_no_file(checkout_env, tmp_path):
    env, var = checkout_env
    run(
        "import django; django.setup(); from django.conf import settings; assert settings.SECRET_KEY",
        env,
        tmp_path,
    )
    assert not var.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_manage_py_prepares_var_and_one_secret_key_every_process_shares(checkout_env, tmp_path):
    env, var = checkout_env
    show_key = [
        str(ROOT / "manage.py"),
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    ]

    first = run(show_key, env, tmp_path).strip()

    key_file = var / "secret_key"
    assert key_file.read_text().strip() == first and len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    for folder in ("static", "broker/queue", "broker/processed", "broker/control"):
        assert (var / folder).is_dir(), folder
    assert run(show_key, env, tmp_path).strip() == first  # the same key in the next process
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    assert run(code, env, tmp_path).strip() == first  # and in one that only reads the settings


def test_a_configured_secret_key_writes_no_key_file(checkout_env, tmp_path):
    env, var = checkout_env
    env["SECRET_KEY"] = "configured-by-the-operator"
    shown = run(
        [
            str(ROOT / "manage.py"),
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.SECRET_KEY)",
        ],
        env,
        tmp_path,
    )
    assert shown.strip() == "configured-by-the-operator"
    assert var.is_dir() and not (var / "secret_key").exists()


def test_the_filesystem_broker_keeps_its_exchange_table_under_var(checkout_env, tmp_path):
    env, var = checkout_env
    send = "from conversations.tasks import snooze_wake; snooze_wake.delay()"
    run([str(ROOT / "manage.py"), "shell", "--no-imports", "-c", send], env, tmp_path)

    assert not (tmp_path / "control").exists()
    assert any(path.suffix == ".exchange" for path in (var / "broker" / "control").iterdir())
    assert len(list((var / "broker" / "queue").iterdir())) == 1  # the message waits for a worker
