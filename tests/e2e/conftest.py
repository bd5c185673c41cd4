"""Playwright with Debian's Chromium (Playwright's own browser download does not work here)."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

# The sync Playwright API runs an event loop in this thread; Django's ORM calls in the same
# test would otherwise be refused as "async-unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The site keeps its strict CSP; only the test context ignores it so axe can be injected.
    return {**browser_context_args, "bypass_csp": True, "locale": "de-DE", "viewport": DESKTOP}


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    def check(page, label=""):
        results = axe.run(page)
        assert results.violations_count == 0, f"{label or page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def outside_requests(page, live_server):
    """Every request the page makes that does not go to the portal itself."""
    seen = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    return seen


@pytest.fixture(scope="session")
def migration_data(django_db_setup, django_db_blocker):
    """The rows the data migrations made (pages, site configuration, staff groups), as Django
    serialized them when it created the test database."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _migration_data_survives(migration_data, django_db_serialized_rollback):
    """Live-server tests are transactional: the rows the data migrations made come back after
    each flush, as production has them. The sync Playwright API runs tests in its own greenlet,
    whose database connection object lacks the contents Django serialized: hand them over
    (and load them this once), so Django's serialized rollback works from here on."""
    from django.db import connection

    if migration_data and not hasattr(connection, "_test_serialized_contents"):
        connection.creation.deserialize_db_from_string(migration_data)  # saving is idempotent
        connection._test_serialized_contents = migration_data
