"""Production mode: refuses a weak secret, and `check --deploy` is clean with a strong one."""

import os
import subprocess
import sys
from pathlib import Path

LUMBUNG = str(Path(sys.executable).with_name("lumbung"))


def _run(tmp_path, **env):
    full = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO", "LUMBUNG", "DATABASE_URL", "REDIS_URL", "PYTEST"))
    }
    full.update(LUMBUNG_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [LUMBUNG, "check", "--deploy", "--fail-level", "WARNING"],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_a_weak_secret_key(tmp_path):
    result = _run(tmp_path, LUMBUNG_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="lumbung.example.id")
    assert result.returncode != 0
    assert "strong SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = _run(tmp_path, LUMBUNG_ENV="production", SECRET_KEY="k" * 30 + "Zq9!" * 10)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path):
    result = _run(
        tmp_path,
        LUMBUNG_ENV="production",
        SECRET_KEY="x8Jq2-vN0pLr7Tw3yZk5" * 4,
        ALLOWED_HOSTS="lumbung.example.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
