"""The municipality and Amt lists in admin cost the same queries for 3 or 30 entries."""

import itertools

import pytest
from django.contrib.auth.models import Group

from network.models import Amt, Municipality
from portal.staff_groups import VERNETZUNG
from tests.factories import StaffFactory
from tests.helpers import log_in_with_second_factor
from tests.queries import assert_queries_do_not_grow

_numbers = itertools.count(1)


@pytest.fixture
def networker(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=VERNETZUNG))
    log_in_with_second_factor(client, staff)
    return staff


def _municipalities_each_in_its_own_amt(count):
    for _ in range(count):
        number = next(_numbers)
        amt = Amt.objects.create(name=f"Amt {number:06d}", code=f"{number:09d}")
        Municipality.objects.create(
            name=f"Testdorf {number:06d}", ags=f"{number:08d}", amt=amt, kind="gemeinde"
        )


def _shown_rows(response) -> int:
    return len(response.context["cl"].result_list)


@pytest.mark.django_db
def test_municipality_list_needs_the_same_queries_for_3_or_30_municipalities(client, networker):
    # session, user, second factor, permissions ×2, the Ämter for the Amt filter, counts ×2,
    # the rows with their Amt (list_select_related), site configuration: 10 for 3 as for 30
    small, large = assert_queries_do_not_grow(
        lambda: client.get("/admin/network/municipality/"),
        add_rows=_municipalities_each_in_its_own_amt,
        queries=10,
    )
    assert (_shown_rows(small), _shown_rows(large)) == (3, 30)
    last_amt = Amt.objects.latest("pk").name
    assert last_amt in large.content.decode()  # the Amt column is filled


@pytest.mark.django_db
def test_amt_list_needs_the_same_queries_for_3_or_30_amter(client, networker):
    # session, user, second factor, permissions ×2, counts ×2, the rows, site configuration
    small, large = assert_queries_do_not_grow(
        lambda: client.get("/admin/network/amt/"),
        add_rows=_municipalities_each_in_its_own_amt,
        queries=9,
    )
    assert (_shown_rows(small), _shown_rows(large)) == (3, 30)
