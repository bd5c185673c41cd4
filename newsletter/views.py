"""The newsletter's public pages: sign up, confirm, unsubscribe, settings by link, archive;
and the newsletter part of Mein Konto.

Links from mails never act on GET (mail scanners follow links): confirm and unsubscribe show
a page with a button; only the POST acts. The unsubscribe URL also takes RFC 8058's one-click
POST from a mail program: no login, no CSRF token (csrf_exempt on that view alone; the
token in the URL is the authorisation, and unsubscribing is the only thing it can do there).
A token that matches nothing shows one friendly page with status 404.
"""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal.addresses import is_valid_email_address

from . import services
from .exceptions import InvalidLink
from .forms import SegmentsForm, SubscribeForm
from .models import Issue, Subscription

ARCHIVE_PAGE_SIZE = 20
# Pages behind a token show an address: never stored by a browser or proxy cache.
private_page = cache_control(private=True, no_store=True)
MAX_ID = 2**63 - 1


def _client_ip(request) -> str | None:
    # Only kept when NEWSLETTER_KEEP_IP is on; REMOTE_ADDR is the proxy's own address unless
    # the proxy sets it (see deploy/Caddyfile).
    return request.META.get("REMOTE_ADDR") or None


def _dead_link(request):
    return render(request, "newsletter/link_invalid.html", status=404)


@require_http_methods(["GET", "POST"])
def subscribe(request):
    initial = {}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
    form = SubscribeForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        if not ratelimit.consume(request, action="newsletter_subscribe"):
            form.add_error(
                None, _("Too many sign-ups from your connection. Please try again later.")
            )
        else:
            data = form.cleaned_data
            user = request.user if request.user.is_authenticated else None
            if user is not None and data["email"].lower() != user.email.lower():
                user = None  # another address: not tied to the account
            services.subscribe(
                email=data["email"],
                segments=data["segments"],
                amt=data["amt"],
                user=user,
                ip=_client_ip(request),
            )
            return redirect("newsletter:check_inbox")
    return render(request, "newsletter/subscribe.html", {"form": form})


def check_inbox(request):
    # The same page for a new, a pending and an existing subscription: nothing is revealed.
    return render(request, "newsletter/check_inbox.html")


@private_page
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    subscription = services.subscription_for_token(token)
    if subscription is None or not services.confirmable(subscription):
        return _dead_link(request)
    if request.method == "POST":
        try:
            services.confirm(token=token)
        except InvalidLink:
            return _dead_link(request)
        messages.success(request, _("Thank you: your subscription is confirmed."))
        return redirect("newsletter:manage", token=token)
    return render(
        request,
        "newsletter/confirm.html",
        {"subscription": subscription, "segments": list(subscription.segments.all())},
    )


@private_page
@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except InvalidLink:
            return _dead_link(request)
        return render(request, "newsletter/unsubscribed.html")
    subscription = services.subscription_for_token(token)
    if subscription is None:
        return _dead_link(request)
    return render(request, "newsletter/unsubscribe.html", {"subscription": subscription})


@private_page
@require_http_methods(["GET", "POST"])
def manage(request, token):
    subscription = services.subscription_for_token(token)
    if subscription is None or subscription.unsubscribed_at is not None:
        return _dead_link(request)
    return _settings_page(
        request,
        subscription,
        unsubscribe_url=reverse("newsletter:unsubscribe", args=[token]),
        template="newsletter/manage.html",
    )


def _settings_page(request, subscription: Subscription, *, unsubscribe_url: str, template: str):
    initial = {"segments": list(subscription.segments.all()), "amt": subscription.amt}
    form = SegmentsForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        services.update_segments(
            subscription=subscription,
            segments=form.cleaned_data["segments"],
            amt=form.cleaned_data["amt"],
        )
        messages.success(request, _("Your newsletter topics are saved."))
        return redirect(request.path)
    return render(
        request,
        template,
        {"form": form, "subscription": subscription, "unsubscribe_url": unsubscribe_url},
    )


def archive(request):
    issues = Issue.objects.filter(state=Issue.State.SENT).only("pk", "subject", "finished_at")
    page = Paginator(issues.order_by("-finished_at", "-pk"), ARCHIVE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "newsletter/archive.html", {"page": page})


def archive_issue(request, pk):
    if pk > MAX_ID:
        raise Http404
    issue = get_object_or_404(
        Issue.objects.only("pk", "subject", "finished_at", "web_html"),
        pk=pk,
        state=Issue.State.SENT,
    )
    return render(request, "newsletter/archive_issue.html", {"issue": issue})


# --- Mein Konto -------------------------------------------------------------------------------


def own_subscription(user, *, ended: bool = False) -> Subscription | None:
    """The subscription of the account's address (active or pending; with `ended`, also an
    unsubscribed one), if any."""
    if not is_valid_email_address(user.email):
        return None
    subscription = services._by_address(user.email).select_related("amt").first()
    if subscription is None or (subscription.unsubscribed_at is not None and not ended):
        return None
    return subscription


@login_required
@require_http_methods(["GET", "POST"])
def my_newsletter(request):
    subscription = own_subscription(request.user, ended=True)
    if request.method == "POST" and "erase" in request.POST and subscription is not None:
        services.erase_subscriptions(subscriptions=[subscription])
        messages.success(request, _("Your newsletter subscription and its records are deleted."))
        return redirect("newsletter:my_newsletter")
    if subscription is None or subscription.unsubscribed_at is not None:
        return render(
            request, "newsletter/my_newsletter.html", {"subscription": None, "ended": subscription}
        )
    if request.method == "POST" and "unsubscribe" in request.POST:
        services.unsubscribe_subscription(subscription=subscription)
        messages.success(request, _("You have unsubscribed from the newsletter."))
        return redirect("newsletter:my_newsletter")
    return _settings_page(
        request,
        subscription,
        unsubscribe_url="",
        template="newsletter/my_newsletter.html",
    )
