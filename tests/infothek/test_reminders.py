"""Frist merken: the service, the daily task and the views. One reminder per person and
programme; the mail goes through the outbox once, when it is due, never after the deadline and
never for a programme that is no longer public; only the owner sees or deletes a reminder."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from infothek import services
from infothek.exceptions import InfothekError
from infothek.models import DeadlineReminder, FundingProgramme
from infothek.tasks import send_deadline_reminders
from mailings.models import Email
from tests.factories import StaffFactory, UserFactory
from tests.infothek.factories import ProgrammeFactory
from tests.infothek.test_programmes import redaktion_staff

TEMPLATE = "emails/infothek/deadline_reminder"
MINE = reverse("infothek:my_reminders")


def _today():
    return timezone.localdate()


def _mails(reminder=None):
    rows = Email.objects.filter(template=TEMPLATE)
    return rows.filter(key__startswith=f"infothek:deadline:{reminder.pk}:") if reminder else rows


def _remember_url(programme):
    return reverse("infothek:remember", args=[programme.slug])


@pytest.fixture
def programme(db):
    return ProgrammeFactory(title="Ehrenamt stärken", deadline=_today() + timedelta(days=30))


# --- The service ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_remembering_makes_one_reminder_and_again_changes_its_days(programme, user):
    first = services.remember_deadline(user=user, programme=programme, days_before=14)
    second = services.remember_deadline(user=user, programme=programme, days_before=7)
    assert first.pk == second.pk
    reminder = DeadlineReminder.objects.get()
    assert (reminder.user, reminder.programme, reminder.days_before) == (user, programme, 7)


@pytest.mark.django_db
def test_a_rolling_programme_has_no_deadline_to_remember(user):
    rolling = ProgrammeFactory(deadline=None)
    with pytest.raises(InfothekError):
        services.remember_deadline(user=user, programme=rolling, days_before=14)
    assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"deadline": timezone.localdate() - timedelta(days=1)},
        {"status": FundingProgramme.Status.DRAFT},
        {"status": FundingProgramme.Status.ARCHIVED},
    ],
    ids=["passed", "draft", "archived"],
)
def test_a_closed_or_unpublished_programme_cannot_be_remembered(user, changes):
    programme = ProgrammeFactory(**changes)
    with pytest.raises(InfothekError):
        services.remember_deadline(user=user, programme=programme, days_before=14)


@pytest.mark.django_db
def test_the_task_sends_once_when_due_and_a_second_run_sends_nothing(programme, user):
    reminder = services.remember_deadline(user=user, programme=programme, days_before=14)
    due = programme.deadline - timedelta(days=14)
    assert services.send_deadline_reminders(today=due - timedelta(days=1)) == 0  # not yet
    assert not _mails().exists()
    assert services.send_deadline_reminders(today=due) == 1
    assert services.send_deadline_reminders(today=due) == 0
    assert services.send_deadline_reminders(today=due + timedelta(days=3)) == 0
    (mail,) = _mails(reminder)
    assert mail.to == user.email
    assert mail.key == f"infothek:deadline:{reminder.pk}:{programme.deadline.isoformat()}"
    assert programme.title in mail.subject
    reminder.refresh_from_db()
    assert reminder.sent_at is not None


@pytest.mark.django_db
def test_the_celery_task_runs_the_service(programme, user):
    services.remember_deadline(user=user, programme=programme, days_before=28)
    FundingProgramme.objects.filter(pk=programme.pk).update(deadline=_today() + timedelta(days=10))
    send_deadline_reminders.delay()
    send_deadline_reminders.delay()
    assert _mails().count() == 1


@pytest.mark.django_db
def test_a_reminder_asked_for_late_is_sent_at_the_next_run_before_the_deadline(user):
    programme = ProgrammeFactory(deadline=_today() + timedelta(days=3))
    services.remember_deadline(user=user, programme=programme, days_before=28)
    assert services.send_deadline_reminders() == 1


@pytest.mark.django_db
def test_never_after_the_deadline(programme, user):
    services.remember_deadline(user=user, programme=programme, days_before=14)
    assert services.send_deadline_reminders(today=programme.deadline + timedelta(days=1)) == 0
    assert not _mails().exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [FundingProgramme.Status.ARCHIVED, FundingProgramme.Status.DRAFT]
)
def test_never_for_a_withdrawn_programme(programme, user, status):
    services.remember_deadline(user=user, programme=programme, days_before=14)
    FundingProgramme.objects.filter(pk=programme.pk).update(status=status)
    assert services.send_deadline_reminders(today=programme.deadline) == 0
    assert not _mails().exists()


@pytest.mark.django_db
def test_changing_the_days_after_sending_sends_again_once(programme, user):
    services.remember_deadline(user=user, programme=programme, days_before=14)
    due = programme.deadline - timedelta(days=14)
    assert services.send_deadline_reminders(today=due) == 1
    services.remember_deadline(user=user, programme=programme, days_before=7)
    assert services.send_deadline_reminders(today=due) == 0  # not yet due again
    # The same deadline: the outbox key is the same, so no second mail to the person.
    assert services.send_deadline_reminders(today=programme.deadline - timedelta(days=7)) == 1
    assert _mails().count() == 1


# --- The views -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_remember_by_post_makes_the_reminder_and_returns_to_the_programme(client, programme, user):
    client.force_login(user)
    response = client.post(_remember_url(programme), {"days_before": "28"})
    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    assert DeadlineReminder.objects.get().days_before == 28
    client.post(_remember_url(programme), {"days_before": "7"})
    assert DeadlineReminder.objects.get().days_before == 7
    page = client.get(programme.get_absolute_url())
    assert [m.level_tag for m in page.context["messages"]] == ["success", "success"]


@pytest.mark.django_db
def test_a_get_of_the_remember_address_changes_nothing(client, programme, user):
    client.force_login(user)
    response = client.get(_remember_url(programme), {"days_before": "7"})
    assert response["Location"] == programme.get_absolute_url()
    assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
def test_anonymous_people_are_sent_to_the_login(client, programme):
    for response in (
        client.post(_remember_url(programme), {"days_before": "7"}),
        client.get(_remember_url(programme)),
        client.get(MINE),
        client.post(reverse("infothek:forget", args=[1])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("days", ["0", "999", "abc", "", "-7", "14.5", "1" * 100])
def test_a_bad_number_of_days_is_refused_with_a_message(client, programme, user, days):
    client.force_login(user)
    response = client.post(_remember_url(programme), {"days_before": days}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
def test_a_rolling_programme_is_refused_with_a_message(client, user):
    rolling = ProgrammeFactory(deadline=None)
    client.force_login(user)
    response = client.post(_remember_url(rolling), {"days_before": "7"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [{"status": FundingProgramme.Status.DRAFT}, {"status": FundingProgramme.Status.ARCHIVED}],
)
def test_remembering_an_unpublished_programme_is_not_found(client, changes):
    programme = ProgrammeFactory(**changes)
    client.force_login(redaktion_staff())  # not even the Redaktion: only public ones
    assert client.post(_remember_url(programme), {"days_before": "7"}).status_code == 404
    assert client.post("/infothek/foerderprogramme/gibt-es-nicht/frist-merken/").status_code == 404
    assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
def test_remembering_is_rate_limited_per_person(client, programme, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "infothek_reminder": "2/h/user"}
    client.force_login(user)
    for days in ("7", "14"):
        client.post(_remember_url(programme), {"days_before": days})
    response = client.post(_remember_url(programme), {"days_before": "28"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    assert DeadlineReminder.objects.get().days_before == 14


@pytest.mark.django_db
def test_meine_fristen_lists_my_reminders_with_their_status(client, user, other_user):
    today = _today()
    planned = ProgrammeFactory(title="Geplant", deadline=today + timedelta(days=40))
    sent = ProgrammeFactory(title="Gesendet", deadline=today + timedelta(days=5))
    passed = ProgrammeFactory(title="Vorbei", deadline=today + timedelta(days=2))
    withdrawn = ProgrammeFactory(title="Zurückgezogen", deadline=today + timedelta(days=20))
    for programme in (planned, sent, passed, withdrawn):
        services.remember_deadline(user=user, programme=programme, days_before=14)
    services.remember_deadline(
        user=other_user, programme=ProgrammeFactory(title="Fremd"), days_before=7
    )
    services.send_deadline_reminders()  # sends "Gesendet" (and "Vorbei", due too)
    DeadlineReminder.objects.filter(programme=passed).update(sent_at=None)
    FundingProgramme.objects.filter(pk=passed.pk).update(deadline=today - timedelta(days=1))
    FundingProgramme.objects.filter(pk=withdrawn.pk).update(status="archived")
    client.force_login(user)
    response = client.get(MINE)
    assert response.status_code == 200
    shown = {r.programme.title: r.tone for r in response.context["reminders"]}
    assert shown == {
        "Vorbei": "info",
        "Gesendet": "success",
        "Zurückgezogen": "warning",
        "Geplant": "info",
    }
    html = response.content.decode()
    assert "Fremd" not in html
    assert f'href="{planned.get_absolute_url()}"' in html
    assert f'href="{withdrawn.get_absolute_url()}"' not in html  # no link to a 404
    remind_on = planned.deadline - timedelta(days=14)
    assert f"{remind_on:%d.%m.%Y}" in html


@pytest.mark.django_db
def test_the_owner_deletes_a_reminder_others_get_404(client, programme, user, other_user):
    reminder = services.remember_deadline(user=user, programme=programme, days_before=14)
    url = reverse("infothek:forget", args=[reminder.pk])
    client.force_login(other_user)
    assert client.post(url).status_code == 404
    client.force_login(StaffFactory(is_superuser=True))
    assert client.post(url).status_code == 404  # not even staff: it is the person's own
    client.force_login(user)
    assert client.get(url).status_code == 405
    assert DeadlineReminder.objects.filter(pk=reminder.pk).exists()
    response = client.post(url)
    assert response["Location"] == MINE
    assert not DeadlineReminder.objects.exists()
    assert client.post(url).status_code == 404
    assert client.post(reverse("infothek:forget", args=[2**70])).status_code == 404


@pytest.mark.django_db
def test_deleting_from_the_programme_page_returns_there_but_never_elsewhere(
    client, programme, user
):
    client.force_login(user)
    reminder = services.remember_deadline(user=user, programme=programme, days_before=14)
    url = reverse("infothek:forget", args=[reminder.pk])
    response = client.post(url, {"next": programme.get_absolute_url()})
    assert response["Location"] == programme.get_absolute_url()
    reminder = services.remember_deadline(user=user, programme=programme, days_before=14)
    response = client.post(
        reverse("infothek:forget", args=[reminder.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == MINE


@pytest.mark.django_db
def test_the_account_page_shows_my_next_deadlines_and_links_meine_fristen(client, user):
    today = _today()
    for days in (50, 10, 30, 20):
        services.remember_deadline(
            user=user,
            programme=ProgrammeFactory(title=f"In {days} Tagen", deadline=today + timedelta(days)),
            days_before=7,
        )
    client.force_login(user)
    html = client.get(reverse("account_overview")).content.decode()
    assert 'id="my-deadlines"' in html
    assert f'href="{MINE}"' in html
    section = html[html.index('id="my-deadlines"') :]
    positions = [section.find(f"In {days} Tagen") for days in (10, 20, 30)]
    assert positions == sorted(positions)
    assert min(positions) > 0
    assert "In 50 Tagen" not in section.split("</section>")[0]


# --- Query counts -----------------------------------------------------------------------------

# session, user, site configuration, the person's reminders with their programmes
MY_REMINDERS_QUERIES = 4


def _reminders(person, number: int):
    today = _today()
    rows = FundingProgramme.objects.bulk_create(
        FundingProgramme(
            slug=f"bulk-{n}",
            title=f"Programm {n}",
            funder="Stiftung",
            funder_type="foundation",
            summary="Kurz.",
            body="Text.",
            who_may_apply="Vereine",
            deadline=today + timedelta(days=n % 60 - 5),
            official_url="https://beispiel.de/",
            status="archived" if n % 9 == 0 else "published",
            publish_at=timezone.now() - timedelta(hours=1),
        )
        for n in range(number)
    )
    DeadlineReminder.objects.bulk_create(
        DeadlineReminder(
            user=person,
            programme=p,
            days_before=14,
            sent_at=timezone.now() if n % 4 == 0 else None,
        )
        for n, p in enumerate(rows)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_meine_fristen_needs_the_same_queries_for_10_and_500_reminders(
    client, django_assert_num_queries, number
):
    person = UserFactory()
    _reminders(person, number)
    client.force_login(person)
    with django_assert_num_queries(MY_REMINDERS_QUERIES):
        response = client.get(MINE)
    assert len(response.context["reminders"]) == number


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_account_section_costs_one_query_whatever_the_reminders(client, number):
    from infothek.account import context

    person = UserFactory()
    _reminders(person, number)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        upcoming = context(person)["upcoming"]
    assert len(queries) == 1
    assert len(upcoming) == 3


# --- Access: every view, every role -----------------------------------------------------------

ROLES = ["anonymous", "volunteer", "staff without Redaktion", "staff with Redaktion"]


def _person(role):
    return {
        "anonymous": lambda: None,
        "volunteer": UserFactory,
        "staff without Redaktion": StaffFactory,
        "staff with Redaktion": redaktion_staff,
    }[role]()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_view_answers_each_role_as_it_should(client, programme, role):
    person = _person(role)
    owner = UserFactory()
    owners_reminder = services.remember_deadline(user=owner, programme=programme, days_before=7)
    if person:
        client.force_login(person)
    public = [
        reverse("infothek:programmes"),
        programme.get_absolute_url(),
        reverse("infothek:programme_feed"),
        reverse("infothek:news_feed"),
        reverse("infothek:deadlines_ics"),
    ]
    for url in public:
        assert client.get(url).status_code == 200, url
    remember = client.post(_remember_url(programme), {"days_before": "14"})
    mine = client.get(MINE)
    others = client.post(reverse("infothek:forget", args=[owners_reminder.pk]))
    if person is None:
        for response in (remember, mine, others):
            assert response["Location"].startswith(reverse("account_login"))
        assert DeadlineReminder.objects.count() == 1
    else:
        assert remember["Location"] == programme.get_absolute_url()
        assert DeadlineReminder.objects.get(user=person).days_before == 14
        assert mine.status_code == 200
        assert [r.pk for r in mine.context["reminders"]] != [owners_reminder.pk]
        assert others.status_code == 404  # someone else's reminder: not found, for anyone
    assert DeadlineReminder.objects.filter(pk=owners_reminder.pk).exists()
