"""Settings refuse unsafe production starts; docker-compose matches what settings read."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE = Path(settings.BASE_DIR)
SETTINGS_SOURCE = (BASE / "kloormokers" / "settings.py").read_text()
READ_VARIABLES = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', SETTINGS_SOURCE))


def _start(env: dict) -> subprocess.CompletedProcess:
    """Start Django; it prints "started", or the value of the setting named in PRINT_SETTING."""
    clean = {k: v for k, v in os.environ.items() if k not in READ_VARIABLES}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, django; django.setup(); from django.conf import settings; "
            "name = os.environ.get('PRINT_SETTING'); "
            "print(getattr(settings, name) if name else 'started')",
        ],
        cwd=BASE,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kloormokers.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_mode_refuses_to_start_without_secret_key():
    result = _start({"DEBUG": "false", "ALLOWED_HOSTS": "portal.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_mode_refuses_the_development_key_and_missing_hosts():
    dev_key = _start(
        {
            "DEBUG": "false",
            "ALLOWED_HOSTS": "x.example.org",
            "SECRET_KEY": settings.INSECURE_DEV_KEY,
        }
    )
    assert dev_key.returncode != 0
    no_hosts = _start({"DEBUG": "false", "SECRET_KEY": "k" * 60})
    assert no_hosts.returncode != 0
    assert "ALLOWED_HOSTS" in no_hosts.stderr


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 60,
    "ALLOWED_HOSTS": "x.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}


def test_production_mode_starts_with_key_hosts_redis_and_a_mail_server():
    result = _start(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize("missing", ["REDIS_URL", "EMAIL_URL"])
def test_production_mode_refuses_to_start_without_shared_services(missing):
    """No silent per-process cache, in-memory broker or mails (with reset links) in the log."""
    result = _start({k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr
    assert "ALLOW_LOCAL_SERVICES" in result.stderr


def test_production_without_redis_and_smtp_starts_only_when_told_so_explicitly():
    local = {k: v for k, v in PRODUCTION.items() if k not in ("REDIS_URL", "EMAIL_URL")}
    result = _start({**local, "ALLOW_LOCAL_SERVICES": "true", "EMAIL_URL": "consolemail://"})
    assert result.returncode == 0, result.stderr


def test_gunicorn_starts_without_a_control_socket_in_the_image_and_the_stack(compose):
    assert "--no-control-socket" in (BASE / "Dockerfile").read_text()
    assert "--no-control-socket" in compose["services"]["web"]["command"]


def test_embedded_default_needs_nothing_set():
    result = _start({})
    assert result.returncode == 0, result.stderr


def test_outbox_send_time_limit_defaults_to_half_the_stuck_threshold():
    result = _start(
        {"OUTBOX_STUCK_AFTER_SECONDS": "100", "PRINT_SETTING": "OUTBOX_SEND_TIME_LIMIT_SECONDS"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "50"


@pytest.mark.parametrize("limit", ["600", "601", "0"])
def test_outbox_send_time_limit_must_be_below_the_stuck_threshold(limit):
    result = _start({"OUTBOX_STUCK_AFTER_SECONDS": "600", "OUTBOX_SEND_TIME_LIMIT_SECONDS": limit})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert (
        f"OUTBOX_SEND_TIME_LIMIT_SECONDS ({limit}) must be above 0 and below "
        "OUTBOX_STUCK_AFTER_SECONDS (600)"
    ) in result.stderr


def test_smtp_timeout_must_be_below_the_outbox_send_time_limit():
    # The limit defaults to 15 seconds here, below the default EMAIL_TIMEOUT of 20.
    result = _start({"OUTBOX_STUCK_AFTER_SECONDS": "30"})
    assert result.returncode != 0
    assert "EMAIL_TIMEOUT (20) must be above 0 and below OUTBOX_SEND_TIME_LIMIT_SECONDS (15)" in (
        result.stderr
    )
    fits = _start({"OUTBOX_STUCK_AFTER_SECONDS": "30", "EMAIL_TIMEOUT": "10"})
    assert fits.returncode == 0, fits.stderr


def test_outbox_dispatch_grace_must_not_be_negative():
    result = _start({"OUTBOX_DISPATCH_GRACE_SECONDS": "-1"})
    assert result.returncode != 0
    assert "OUTBOX_DISPATCH_GRACE_SECONDS (-1) must not be negative" in result.stderr


def test_env_example_documents_every_variable_the_settings_read():
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", (BASE / ".env.example").read_text(), re.M))
    assert READ_VARIABLES - documented == set()


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_its_command(compose):
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit", "proxy"} <= set(services)
    assert "ports" not in services["web"]  # only the proxy is published
    assert (BASE / "deploy" / "Caddyfile").exists()
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "kloormokers", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "kloormokers", "beat"]
    for name in ("postgres", "redis", "web"):
        assert "test" in services[name]["healthcheck"], name
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_compose_only_sets_variables_the_settings_read(compose):
    for name in ("web", "worker", "beat", "migrate"):
        variables = set(compose["services"][name]["environment"])
        assert variables <= READ_VARIABLES, (name, variables - READ_VARIABLES)
        assert {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY"} <= variables
