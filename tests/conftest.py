import pytest
from django.conf import settings
from django.core.cache import cache

from kloormokers.celery import app as celery_app
from portal.models import Page, SiteConfiguration
from portal.templatetags.portal import forget_shared_fragments
from tests.factories import PASSWORD, StaffFactory, UserFactory


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            "The suite runs against PostgreSQL: run `make test` or set DATABASE_URL=postgres://…",
            returncode=2,
        )
    # Transactional tests (threads, the live server) flush the database when they end, so they
    # must run after every test that relies on the migrations' rows. pytest-django sorts so,
    # but pytest then regroups tests by parametrized session fixtures (Playwright's browser),
    # which can pull browser tests in between; sort again, last, keeping the order otherwise.
    items.sort(key=_runs_transactionally)


def _runs_transactionally(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    fixtures = getattr(item, "fixturenames", ())
    return transactional or "transactional_db" in fixtures or "live_server" in fixtures


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_in_process():
    # Delivery runs inside the test after commit; the real-worker test switches this off.
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth counts rate limits in the (Redis) cache: every test starts from zero; so do the
    # process's copy of the site configuration and the layout's fragments.
    cache.clear()
    SiteConfiguration.forget_local_copy()
    Page.forget_local_copies()
    forget_shared_fragments()
    yield
    cache.clear()
    SiteConfiguration.forget_local_copy()
    Page.forget_local_copies()
    forget_shared_fragments()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    # A name no generated person has, so "nothing of others" checks cannot collide.
    return UserFactory(first_name="Oskar", last_name="Anderwelt")


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def password():
    return PASSWORD
