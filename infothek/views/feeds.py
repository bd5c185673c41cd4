"""Feeds to subscribe to: Atom for the news and for the open funding programmes (Django's
syndication framework), and a calendar (ICS) of the funding deadlines.

Only public items: published and due, and for programmes open now. Each feed costs the same
few queries however many items there are (topics are prefetched).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from portal.links import absolute_url
from portal.models import SiteConfiguration

from ..models import FundingProgramme, NewsItem
from .programmes import amount_range

NEWS_ITEMS = 20
PROGRAMME_ITEMS = 200


def _office() -> str:
    return SiteConfiguration.load().office_name


def deadline_text(programme: FundingProgramme) -> str:
    if programme.deadline is None:
        return _("Deadline: rolling (applications possible at any time)")
    return _("Deadline: %(date)s") % {"date": date_format(programme.deadline, "SHORT_DATE_FORMAT")}


class NewsFeed(Feed):
    """The 20 newest public news items."""

    feed_type = Atom1Feed

    def title(self):
        return _("News – %(office)s") % {"office": _office()}

    def subtitle(self):
        return _("News from the Infothek")

    def link(self):
        return reverse("infothek:news")

    def author_name(self):
        return _office()

    def items(self):
        return (
            NewsItem.objects.public()
            .prefetch_related("topics")
            .order_by("-publish_at")[:NEWS_ITEMS]
        )

    def item_title(self, item):
        return item.localized("title")

    def item_description(self, item):
        return item.localized("summary")

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.publish_at

    def item_categories(self, item):
        return [topic.localized_name() for topic in item.topics.all()]


class ProgrammeFeed(Feed):
    """The funding programmes open now, the next deadline first."""

    feed_type = Atom1Feed

    def title(self):
        return _("Funding programmes – %(office)s") % {"office": _office()}

    def subtitle(self):
        return _("Funding programmes open now, with their deadlines")

    def link(self):
        return reverse("infothek:programmes")

    def author_name(self):
        return _office()

    def items(self):
        return FundingProgramme.objects.open_now().prefetch_related("topics")[:PROGRAMME_ITEMS]

    def item_title(self, item):
        return item.localized("title")

    def item_description(self, item):
        parts = [item.funder, deadline_text(item)]
        amount = amount_range(item)
        if amount:
            parts.append(amount)
        return " · ".join(parts) + "\n\n" + item.localized("summary")

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.publish_at, item.updated_at)

    def item_categories(self, item):
        return [topic.localized_name() for topic in item.topics.all()]


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"


def deadlines_ics(request):
    """One all-day event per open public programme with a deadline (rolling ones have none)."""
    programmes = FundingProgramme.objects.open_now().filter(deadline__isnull=False)
    calendar = Calendar()
    calendar.add("prodid", "-//Kloormokers//Foerderfristen//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Funding deadlines – %(office)s") % {"office": _office()})
    for programme in programmes[:PROGRAMME_ITEMS]:
        url = absolute_url(programme.get_absolute_url())
        event = Event()
        event.add("uid", f"foerderfrist-{programme.pk}@{_domain()}")
        event.add("dtstamp", programme.updated_at)
        event.add("last-modified", programme.updated_at)
        event.add("dtstart", programme.deadline)
        event.add("dtend", programme.deadline + timedelta(days=1))
        event.add("summary", _("Deadline: %(title)s") % {"title": programme.localized("title")})
        event.add("description", f"{programme.funder}\n\n{programme.localized('summary')}\n\n{url}")
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="foerderfristen.ics"'
    return response
