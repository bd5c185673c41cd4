"""Nothing is fetched from another host at run time: no CDN, no external fonts or images."""

import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
TEMPLATE_LOAD = re.compile(
    r"<(script|link|img|iframe|source)[^>]+(src|href)=[\"'](https?:)?//", re.I
)
CSS_LOAD = re.compile(r"(url\(\s*[\"']?(https?:)?//)|(@import\s+[\"'](https?:)?//)", re.I)


def _files(folder: str, pattern: str) -> list[Path]:
    return sorted((BASE / folder).rglob(pattern))


@pytest.mark.parametrize("path", _files("templates", "*.html"), ids=str)
def test_templates_load_nothing_from_another_host(path):
    assert not TEMPLATE_LOAD.search(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", _files("static", "*.css"), ids=str)
def test_stylesheets_load_nothing_from_another_host(path):
    assert not CSS_LOAD.search(path.read_text(encoding="utf-8"))


def test_vendored_front_end_records_its_version():
    version = (BASE / "static" / "vendor" / "kern" / "VERSION").read_text()
    assert "@kern-ux/native" in version
    assert re.search(r"version: \d+\.\d+\.\d+", version)
    assert (BASE / "static" / "vendor" / "kern" / "LICENSE.md").exists()
