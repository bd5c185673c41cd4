"""Every model registered in the admin answers 200 on its pages, for a superuser with TOTP.

The models come from the admin registry when the tests are collected, so a model registered
later is covered without touching this file. Rows come from the migrations where they exist
(groups, pages, the site configuration, the superuser and their address and authenticator)
and from tests/rows.py otherwise.
"""

import re

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import log_in_with_second_factor
from tests.queries import assert_queries_do_not_grow
from tests.rows import make_row

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)

every_model = pytest.mark.parametrize("model", MODELS, ids=[model._meta.label for model in MODELS])


@pytest.fixture
def superuser(client):
    person = UserFactory(is_staff=True, is_superuser=True)
    log_in_with_second_factor(client, person)
    return person


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _one_row(model):
    return model._default_manager.order_by("pk").first() or make_row(model)


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response


def _request_by(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.django_db
@every_model
def test_changelist_answers_200_and_lists_the_rows(client, superuser, model):
    row = _one_row(model)
    response = _get(client, _url(model, "changelist"))
    changelist = response.context["cl"]
    assert row.pk in {obj.pk for obj in changelist.result_list}


@pytest.mark.django_db
@every_model
def test_changelist_search_answers_200(client, superuser, model):
    _one_row(model)
    _get(client, _url(model, "changelist") + "?q=x")
    _get(client, _url(model, "changelist") + "?q=%27%22%3C%00%25")  # quotes, <, NUL, %


@pytest.mark.django_db
@every_model
def test_changelist_filters_answer_200(client, superuser, model):
    _one_row(model)
    changelist = _get(client, _url(model, "changelist")).context["cl"]
    if not changelist.filter_specs:
        pytest.skip(f"{model._meta.label} has no list filter")
    for spec in changelist.filter_specs:
        # The first choice that is not "All" (shown as selected when nothing is filtered).
        choice = next(c for c in spec.choices(changelist) if not c["selected"])
        _get(client, _url(model, "changelist") + choice["query_string"])


@pytest.mark.django_db
@every_model
def test_add_page_answers_200(client, superuser, model):
    model_admin = admin.site._registry[model]
    if not model_admin.has_add_permission(_request_by(superuser)):
        assert client.get(_url(model, "add")).status_code == 403
        pytest.skip(f"{model._meta.label}: adding is switched off in its admin (answers 403)")
    response = _get(client, _url(model, "add"))
    assert response.context["adminform"].form.fields


@pytest.mark.django_db
@every_model
def test_change_page_answers_200_and_shows_the_row(client, superuser, model):
    row = _one_row(model)
    response = _get(client, _url(model, "change", row.pk))
    assert response.context["original"].pk == row.pk
    _get(client, _url(model, "history", row.pk))


@pytest.mark.django_db
@every_model
def test_delete_page_answers_200_where_deleting_is_allowed(client, superuser, model):
    try:
        with transaction.atomic():
            row = make_row(model)  # not the superuser: an account with history is not deleted
    except IntegrityError:
        row = _one_row(model)
    model_admin = admin.site._registry[model]
    if not model_admin.has_delete_permission(_request_by(superuser), row):
        assert client.get(_url(model, "delete", row.pk)).status_code == 403
        pytest.skip(f"{model._meta.label}: deleting is switched off in its admin (answers 403)")
    _get(client, _url(model, "delete", row.pk))  # the confirmation page only: nothing deleted


@pytest.mark.django_db
@every_model
def test_changelist_queries_do_not_grow_with_the_rows(client, superuser, model):
    # A column that reads a related object per row (a foreign key in list_display without
    # select_related, a method that queries) makes the 30-row list cost more than the 3-row list.
    make_row_or_skip(model)
    small, large = assert_queries_do_not_grow(
        lambda: client.get(_url(model, "changelist")),
        add_rows=lambda count: [make_row(model) for _ in range(count)],
        queries=None,
    )
    assert large.context["cl"].result_count >= small.context["cl"].result_count + 27


def make_row_or_skip(model):
    """A new row, or a skip where the model holds a fixed set (the site configuration)."""
    try:
        with transaction.atomic():
            return make_row(model)
    except IntegrityError as error:
        pytest.skip(f"{model._meta.label} cannot hold another row: {error}".splitlines()[0])


@pytest.mark.django_db
def test_negative_control_a_column_that_reads_per_row_fails_the_query_check(
    client, superuser, monkeypatch
):
    """Shows the check above catches a list that costs one query per row."""
    from network.models import Amt

    def municipality_count(amt):
        return amt.municipalities.count()

    monkeypatch.setattr(admin.site._registry[Amt], "list_display", ["name", municipality_count])
    with pytest.raises(AssertionError, match="queries with 3 rows and with 30 rows") as failure:
        assert_queries_do_not_grow(
            lambda: client.get(_url(Amt, "changelist")),
            add_rows=lambda count: [make_row(Amt) for _ in range(count)],
            queries=None,
        )
    small, large = map(int, re.search(r"rows: \((\d+), (\d+)\)", str(failure.value)).groups())
    assert large - small == 27  # one more query for each of the 27 more rows
