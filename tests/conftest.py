import pytest
from django.conf import settings
from django.core.cache import cache

from tests.factories import PASSWORD, StaffFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            "The suite runs against PostgreSQL: run `make test` or set DATABASE_URL=postgres://…",
            returncode=2,
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth counts rate limits in the (Redis) cache: every test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def password():
    return PASSWORD
