"""The newsletter's rules: double opt-in, unsubscribing, and sending an issue exactly once.

Sending: `start_sending` moves an issue from draft/scheduled to sending under a row lock and
with a conditional UPDATE (a second send finds it no longer startable), and renders it once.
`fan_out` then writes one outbox row per recipient in batches through mailings.bulk; the key
newsletter:<issue>:<subscription> makes a re-run (crash, dispatcher) insert only what is
missing. A PostgreSQL advisory lock keeps two fan-outs of one issue from running at once.
"""

import logging
import re
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from mailings.bulk import BulkMessage, blocked_addresses, enqueue_many
from mailings.models import Email
from mailings.services import cancel_unsent, enqueue
from portal.links import absolute_reverse

from . import rendering
from .exceptions import InvalidLink, WrongState
from .models import Issue, Segment, Subscription, new_token

logger = logging.getLogger(__name__)

FAN_OUT_BATCH = 1000
ADVISORY_LOCK_NAMESPACE = 7311  # pg_try_advisory_lock(namespace, issue id): one fan-out at once
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,100}")  # real tokens: 43 URL-safe characters
STARTABLE = (Issue.State.DRAFT, Issue.State.SCHEDULED)
TEMPLATES = "emails/newsletter/"


# --- Subscribers ---------------------------------------------------------------------------


def subscription_for_token(token: str) -> Subscription | None:
    """The subscription a link's token names; None for anything that is not a token."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    return Subscription.objects.select_related("amt").filter(token=token).first()


def _links(subscription: Subscription) -> dict:
    return {
        "confirm_url": absolute_reverse("newsletter:confirm", subscription.token),
        "settings_url": absolute_reverse("newsletter:manage", subscription.token),
        "unsubscribe_url": absolute_reverse("newsletter:unsubscribe", subscription.token),
    }


def _segment_names(subscription: Subscription) -> str:
    names = [segment.name for segment in subscription.segments.all()]
    if subscription.amt_id:
        names.append(subscription.amt.name)
    return ", ".join(names) or "–"


def _mail_confirmation(subscription: Subscription, *, key: str) -> None:
    """The confirmation mail: a link, the chosen topics, no newsletter content, no bulk headers."""
    enqueue(
        to=subscription.email,
        template=TEMPLATES + "confirm",
        context={
            **_links(subscription),
            "segments": _segment_names(subscription),
            "days": settings.NEWSLETTER_UNCONFIRMED_DAYS,
        },
        key=key,
        language=rendering.LANGUAGE,
        recipient_user=subscription.user,
        sensitive=True,
    )


def _mail_already_subscribed(subscription: Subscription, *, key: str) -> None:
    enqueue(
        to=subscription.email,
        template=TEMPLATES + "already_subscribed",
        context=_links(subscription),
        key=key,
        language=rendering.LANGUAGE,
        recipient_user=subscription.user,
        sensitive=True,
    )


def subscribe(
    *,
    email: str,
    segments,
    amt=None,
    user=None,
    ip: str | None = None,
) -> Subscription:
    """Sign an address up (double opt-in). What the caller learns is the same whether the
    address was new or not; an existing subscriber gets at most one notice mail a day."""
    email = email.strip()
    segments = list(segments)
    now = timezone.now()
    with transaction.atomic():
        subscription = _by_address(email).select_for_update().first()
        if subscription is None:
            try:
                with transaction.atomic():  # two racing sign-ups: the unique index picks one
                    subscription = Subscription.objects.create(
                        email=email, created_at=now, **_evidence(user=user, ip=ip)
                    )
            except IntegrityError:
                subscription = _by_address(email).select_for_update().get()
            else:
                subscription.segments.set(segments)
                subscription.amt = amt
                _confirm_by_mail(subscription, now)
                return subscription
        lapsed = subscription.confirmed_at is None and not _confirmable(subscription, now)
        if subscription.unsubscribed_at is not None or lapsed:
            # Signed up again after leaving (or after an unconfirmed sign-up lapsed): a new
            # consent, confirmed anew, with a new token.
            subscription.segments.set(segments)
            for name, value in _evidence(user=user or subscription.user, ip=ip).items():
                setattr(subscription, name, value)
            subscription.amt = amt
            subscription.token = new_token()
            subscription.created_at = now
            subscription.confirmed_at = None
            subscription.unsubscribed_at = None
            _confirm_by_mail(subscription, now)
            return subscription
        _notify_owner(subscription, now)
        return subscription


def _by_address(email: str):
    """The subscription of an address in any letter case (uses the unique LOWER(email) index)."""
    return Subscription.objects.alias(address=Lower("email")).filter(address=email.lower())


def _evidence(*, user, ip) -> dict:
    return {
        "user": user,
        "consent_text_version": settings.NEWSLETTER_CONSENT_VERSION,
        "privacy_notice_version": settings.PRIVACY_NOTICE_VERSION,
        "ip_address": ip if settings.NEWSLETTER_KEEP_IP else None,
    }


def _confirm_by_mail(subscription: Subscription, now) -> None:
    subscription.confirmation_sent_at = now
    subscription.save()
    # The token is part of the key: a new sign-up after unsubscribing gets its own mail.
    _mail_confirmation(
        subscription, key=f"newsletter:confirm:{subscription.pk}:{subscription.token[:16]}"
    )


def _notify_owner(subscription: Subscription, now) -> None:
    """Someone signed up an address that is pending or subscribed: tell its owner (pending:
    the confirmation link again), at most once a day; the row lock keeps it to one."""
    last = subscription.last_owner_notice_at
    if last is not None and now - last < timedelta(days=1):
        return
    subscription.last_owner_notice_at = now
    day = timezone.localdate(now).isoformat()
    if subscription.confirmed_at is None:
        subscription.confirmation_sent_at = now
        subscription.save(update_fields=["last_owner_notice_at", "confirmation_sent_at"])
        _mail_confirmation(subscription, key=f"newsletter:confirm-again:{subscription.pk}:{day}")
    else:
        subscription.save(update_fields=["last_owner_notice_at"])
        _mail_already_subscribed(subscription, key=f"newsletter:notice:{subscription.pk}:{day}")


def confirmable(subscription: Subscription, now=None) -> bool:
    """Not unsubscribed and, if not confirmed yet, still within the confirmation period."""
    if subscription.confirmed_at is not None:
        return subscription.unsubscribed_at is None
    return _confirmable(subscription, now or timezone.now())


def _confirmable(subscription: Subscription, now) -> bool:
    deadline = subscription.created_at + timedelta(days=settings.NEWSLETTER_UNCONFIRMED_DAYS)
    return subscription.unsubscribed_at is None and now < deadline


def confirm(*, token: str) -> Subscription:
    """Confirm the subscription of `token` (again: nothing changes). Raises InvalidLink for an
    unknown token, an unsubscribed subscription or a sign-up past the confirmation period."""
    now = timezone.now()
    with transaction.atomic():
        subscription = subscription_for_token(token)
        if subscription is not None:
            subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription is None or subscription.unsubscribed_at is not None:
            raise InvalidLink(_("This link is no longer valid."))
        if subscription.confirmed_at is not None:
            return subscription
        if not _confirmable(subscription, now):
            raise InvalidLink(_("This link is no longer valid."))
        subscription.confirmed_at = now
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def unsubscribe(*, token: str) -> Subscription:
    """End the subscription of `token` at once (idempotent); newsletter mails not yet sent to
    it are cancelled. Raises InvalidLink for an unknown token."""
    with transaction.atomic():
        subscription = subscription_for_token(token)
        if subscription is None:
            raise InvalidLink(_("This link is no longer valid."))
        _end(subscription)
    return subscription


def unsubscribe_subscription(*, subscription: Subscription) -> None:
    """Mein Konto: the same as the one-click link, for the logged-in person's subscription."""
    with transaction.atomic():
        _end(subscription)


def _end(subscription: Subscription) -> None:
    updated = Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    if updated:
        subscription.refresh_from_db(fields=["unsubscribed_at"])
    cancel_unsent(emails=_issue_mails_of(subscription))


def _issue_mails_of(subscription: Subscription):
    """The outbox rows of issues being or already sent to this subscription, found by key
    (the unique index), not by scanning the outbox."""
    issue_ids = Issue.objects.filter(state__in=[Issue.State.SENDING, Issue.State.SENT]).values_list(
        "pk", flat=True
    )
    keys = [f"newsletter:{issue_id}:{subscription.pk}" for issue_id in issue_ids]
    return Email.objects.filter(key__in=keys)


def update_segments(*, subscription: Subscription, segments, amt=None) -> Subscription:
    """Change what a subscriber receives (from the manage link or Mein Konto)."""
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        locked.segments.set(list(segments))
        locked.amt = amt
        locked.save(update_fields=["amt"])
    return locked


def purge_unconfirmed(*, days: int | None = None) -> int:
    """Delete sign-ups not confirmed within `days` (default NEWSLETTER_UNCONFIRMED_DAYS)."""
    days = settings.NEWSLETTER_UNCONFIRMED_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _per_model = Subscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return deleted


def erase_subscriptions(*, subscriptions) -> None:
    """Delete subscriptions (personal data erasure); queued issue mails to them are cancelled."""
    with transaction.atomic():
        for subscription in subscriptions:
            cancel_unsent(emails=_issue_mails_of(subscription))
            subscription.delete()


# --- Issues -------------------------------------------------------------------------------


def schedule(*, issue: Issue, at) -> Issue:
    """Plan a draft (or re-plan a scheduled issue) for a time in the future."""
    if at <= timezone.now():
        raise WrongState(_("Please choose a time in the future."), field="scheduled_at")
    with transaction.atomic():
        updated = Issue.objects.filter(pk=issue.pk, state__in=STARTABLE).update(
            state=Issue.State.SCHEDULED, scheduled_at=at
        )
    if not updated:
        raise WrongState(_("Only a draft or a scheduled issue can be scheduled."))
    issue.refresh_from_db()
    return issue


def cancel(*, issue: Issue) -> Issue:
    """Call off a scheduled issue (only while it is scheduled: sending cannot be undone)."""
    with transaction.atomic():
        updated = Issue.objects.filter(pk=issue.pk, state=Issue.State.SCHEDULED).update(
            state=Issue.State.CANCELLED
        )
    if not updated:
        raise WrongState(_("Only a scheduled issue can be cancelled."))
    issue.refresh_from_db()
    return issue


def _locked_startable(issue_id: int) -> Issue:
    """The issue, locked, if it may still start sending; else WrongState."""
    issue = Issue.objects.select_for_update().get(pk=issue_id)
    if issue.state not in STARTABLE:
        raise WrongState(_("This issue is already being sent or has been sent or cancelled."))
    return issue


def _claim_for_sending(issue_id: int, **values) -> bool:
    """The conditional UPDATE: only one caller moves the issue out of draft/scheduled."""
    claimed = Issue.objects.filter(pk=issue_id, state__in=STARTABLE).update(
        state=Issue.State.SENDING, **values
    )
    return claimed == 1


def start_sending(*, issue: Issue) -> Issue:
    """Render the issue once and start its fan-out; a second call raises WrongState."""
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_startable(issue.pk)
        rendered = rendering.render_issue(locked, now=now)
        if not _claim_for_sending(
            locked.pk,
            started_at=now,
            rendered_html=rendered.html,
            rendered_text=rendered.text,
            web_html=rendered.web,
        ):
            raise WrongState(_("This issue is already being sent or has been sent or cancelled."))
        issue_id = locked.pk
        transaction.on_commit(lambda: _start_fan_out(issue_id), robust=True)
    issue.refresh_from_db()
    return issue


def _start_fan_out(issue_id: int) -> None:
    from .tasks import fan_out_issue

    fan_out_issue.delay(issue_id)


def recipients(issue: Issue):
    """Confirmed, not unsubscribed subscriptions in the issue's segments (all if none) and,
    if the issue names Ämter, in one of them."""
    subscriptions = Subscription.objects.receiving()
    segment_ids = list(issue.segments.values_list("pk", flat=True))
    if segment_ids:
        in_segments = Subscription.segments.through.objects.filter(segment_id__in=segment_ids)
        subscriptions = subscriptions.filter(pk__in=in_segments.values("subscription_id"))
    amt_ids = list(issue.amts.values_list("pk", flat=True))
    if amt_ids:
        subscriptions = subscriptions.filter(amt_id__in=amt_ids)
    return subscriptions


def issue_headers(subscription: Subscription, links: "_Links | None" = None) -> dict:
    """RFC 2369 / RFC 8058: the one-click unsubscribe URL (and mailto, if configured)."""
    links = links or _Links()
    unsubscribe = f"<{links.unsubscribe(subscription.token)}>"
    mailto = settings.NEWSLETTER_UNSUBSCRIBE_MAILTO
    if mailto:
        unsubscribe += f", <mailto:{mailto}?subject=unsubscribe%20{subscription.token}>"
    return {"List-Unsubscribe": unsubscribe, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


class _Links:
    """The personal links of a fan-out, reversed once and filled with each token."""

    MARKER = "TOKEN"

    def __init__(self):
        self._unsubscribe = absolute_reverse("newsletter:unsubscribe", self.MARKER)
        self._manage = absolute_reverse("newsletter:manage", self.MARKER)

    def unsubscribe(self, token: str) -> str:
        return self._unsubscribe.replace(self.MARKER, token)

    def manage(self, token: str) -> str:
        return self._manage.replace(self.MARKER, token)


def _message(issue: Issue, subscription: Subscription, user_names: dict, links: _Links):
    first, last = user_names.get(subscription.user_id, ("", ""))
    parts = {
        "salutation": rendering.salutation(first, last),
        "unsubscribe_url": links.unsubscribe(subscription.token),
        "settings_url": links.manage(subscription.token),
    }
    return BulkMessage(
        key=f"{issue.key_prefix}{subscription.pk}",
        to=subscription.email,
        subject=issue.subject,
        body_text=rendering.personalise(issue.rendered_text, html=False, **parts),
        body_html=rendering.personalise(issue.rendered_html, html=True, **parts),
        headers=issue_headers(subscription, links),
        language=rendering.LANGUAGE,
        recipient_user_id=subscription.user_id,
    )


@contextmanager
def _fan_out_lock(issue_id: int):
    """A session-level advisory lock on PostgreSQL (released if the process dies): a second
    fan-out of the same issue (dispatcher while the first still runs) yields at once."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, issue_id])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, issue_id]
                )


def fan_out(*, issue_id: int, batch_size: int = FAN_OUT_BATCH) -> int:
    """Write the outbox rows of a sending issue in batches (by subscription id); resumable:
    existing keys are skipped. Marks the issue sent when every row is there. Returns how many
    rows this run wrote."""
    with _fan_out_lock(issue_id) as locked:
        if not locked:
            return 0
        issue = Issue.objects.filter(pk=issue_id, state=Issue.State.SENDING).first()
        if issue is None:
            return 0
        subscriptions = recipients(issue).only("pk", "email", "user_id", "token").order_by("pk")
        written, after, total = 0, 0, 0
        links = _Links()
        while batch := list(subscriptions.filter(pk__gt=after)[:batch_size]):
            after = batch[-1].pk
            blocked = {a.lower() for a in blocked_addresses(s.email for s in batch)}
            batch = [s for s in batch if s.email.lower() not in blocked]
            total += len(batch)
            user_names = _user_names(batch)
            with transaction.atomic():
                written += enqueue_many(
                    (_message(issue, s, user_names, links) for s in batch), batch_size=batch_size
                )
        Issue.objects.filter(pk=issue_id, state=Issue.State.SENDING).update(
            state=Issue.State.SENT, finished_at=timezone.now(), recipient_count=total
        )
    logger.info("Newsletter %s: %s outbox rows written, %s recipients", issue_id, written, total)
    return written


def _user_names(batch) -> dict:
    from django.contrib.auth import get_user_model

    ids = {s.user_id for s in batch if s.user_id}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids)
    return {
        pk: (first, last) for pk, first, last in users.values_list("pk", "first_name", "last_name")
    }


def dispatch() -> list[int]:
    """The beat task's work: start scheduled issues that are due, and resume fan-outs that did
    not finish (a worker died). Returns the ids handled."""
    handled = []
    due = Issue.objects.filter(state=Issue.State.SCHEDULED, scheduled_at__lte=timezone.now())
    for issue in due.order_by("scheduled_at"):
        try:
            start_sending(issue=issue)
        except WrongState:
            continue  # started meanwhile by "send now" or another dispatcher
        handled.append(issue.pk)
    for issue_id in Issue.objects.filter(state=Issue.State.SENDING).values_list("pk", flat=True):
        if issue_id not in handled:
            fan_out(issue_id=issue_id)
            handled.append(issue_id)
    return handled


def progress(issue: Issue) -> dict:
    """Queued / sending / sent / failed / cancelled mails of the issue: one aggregate query."""
    statuses = Email.Status
    counts = Email.objects.filter(key__startswith=issue.key_prefix).aggregate(
        total=Count("pk"),
        **{
            status.value: Count("pk", filter=Q(status=status.value))
            for status in (
                statuses.QUEUED,
                statuses.SENDING,
                statuses.SENT,
                statuses.FAILED,
                statuses.CANCELLED,
            )
        },
    )
    return counts


def send_test(*, issue: Issue, user) -> None:
    """Send the issue as it would go out now to the staff member alone, marked as a test;
    not counted in the issue's progress (its key has another prefix)."""
    rendered = rendering.render_issue(issue)
    parts = {
        "salutation": rendering.salutation(user.first_name, user.last_name),
        "unsubscribe_url": absolute_reverse("newsletter:subscribe"),
        "settings_url": absolute_reverse("newsletter:subscribe"),
    }
    subject = _("[TEST] %(subject)s") % {"subject": issue.subject}
    with transaction.atomic():
        enqueue_many(
            [
                BulkMessage(
                    key=f"newsletter-test:{issue.pk}:{uuid.uuid4().hex}",
                    to=user.email,
                    subject=subject,
                    body_text=rendering.personalise(rendered.text, html=False, **parts),
                    body_html=rendering.personalise(rendered.html, html=True, **parts),
                    headers={},
                    language=rendering.LANGUAGE,
                    recipient_user_id=user.pk,
                )
            ]
        )


def segments_offered():
    return Segment.objects.filter(active=True).order_by("order", "name")
