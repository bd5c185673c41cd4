"""The public directory: the list with search and filters, the map, an association's page.

Filters and page live in the URL (GET), so a search can be shared and the back button works.
A bad parameter is dropped and named in the error summary; the page never fails on it.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import services
from ..forms.filters import AssociationFilterForm
from ..models import Association
from ..selectors import (
    for_listing,
    highlighted,
    map_markers,
    open_opportunities,
    search_associations,
)

PER_PAGE = 20
EXCERPT_CHARACTERS = 220
# A sentence ends after a word of three or more letters ("z. B." does not end one).
SENTENCE_END = re.compile(r"(?<=\w\w\w[.!?])\s+(?=[A-ZÄÖÜ0-9„“\"])")


def _url(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    sentence = SENTENCE_END.split(text, maxsplit=1)[0]
    return Truncator(sentence).chars(EXCERPT_CHARACTERS)


def _pagination(paginator, page, path: str, params: dict) -> dict | None:
    """Links to the pages around the current one, the first and last, previous and next;
    every link keeps the filters. None when everything fits on one page."""
    if paginator.num_pages < 2:
        return None

    def url(number: int) -> str:
        return _url(path, {**params, "page": number} if number > 1 else params)

    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"gap": True})
        else:
            items.append({"number": number, "url": url(number), "current": number == page.number})
    return {
        "items": items,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


def _results(request, form: AssociationFilterForm, path: str) -> dict:
    """The search, its page of results and the ways out of an empty result."""
    form.is_valid()  # what is not valid is left out and listed in the error summary
    params = form.params()
    q = form.filters().q
    paginator = Paginator(for_listing(search_associations(form.filters())), PER_PAGE)
    number = form.page_number
    if number > paginator.num_pages:
        form.page_error(
            _("There is no page %(number)d: showing page %(last)d, the last one.")
            % {"number": number, "last": paginator.num_pages}
        )
        number = paginator.num_pages
    page = paginator.page(number)
    results = list(page.object_list)
    for association in results:
        association.name_html = highlighted(association.name, q)
        headline = getattr(association, "headline", None)
        association.excerpt_html = highlighted(
            headline if headline is not None else first_sentence(association.description), q
        )
        association.seeking = association.seeks_volunteers or association.has_open
    loosen = []
    if not results and params:
        for name, label in form.active_filters():
            count = search_associations(form.filters(without=name)).count()
            if count:
                without = {k: v for k, v in params.items() if k != name}
                loosen.append({"label": label, "count": count, "url": _url(path, without)})
    return {
        "form": form,
        "params": params,
        "page": page,
        "results": results,
        "count": paginator.count,
        "pagination": _pagination(paginator, page, path, params),
        "loosen": loosen,
        "reset_url": path,
        "list_url": _url(reverse("network:directory"), params),
        "map_url": _url(reverse("network:map"), params),
    }


def association_list(request):
    form = AssociationFilterForm(request.GET)
    context = _results(request, form, request.path)
    return render(request, "network/association_list.html", context)


def _place_label(name: str, count: int) -> str:
    return ngettext(
        "%(name)s: %(count)d association", "%(name)s: %(count)d associations", count
    ) % {"name": name, "count": count}


def _marker_data(form: AssociationFilterForm, params: dict) -> dict:
    """Markers and map settings for static/js/map.js (delivered with json_script): each
    municipality's marker links to the list filtered by it, a precise point to its entry."""
    markers = map_markers(form.filters())
    list_path = reverse("network:directory")
    places = [
        {
            "lat": place["lat"],
            "lon": place["lon"],
            "count": place["count"],
            "label": _place_label(place["name"], place["count"]),
            "url": _url(list_path, {**params, "municipality": place["municipality"]}) + "#results",
        }
        for place in markers["places"]
    ]
    entries = [
        {
            "lat": entry["lat"],
            "lon": entry["lon"],
            "label": entry["name"],
            "url": reverse("network:association", args=[entry["slug"]]),
        }
        for entry in markers["entries"]
    ]
    return {
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        "center": [settings.MAP_CENTER_LAT, settings.MAP_CENTER_LON],
        "zoom": settings.MAP_CENTER_ZOOM,
        "places": places,
        "entries": entries,
        "labels": {"zoomIn": _("Zoom in"), "zoomOut": _("Zoom out")},
    }


def association_map(request):
    form = AssociationFilterForm(request.GET)
    context = _results(request, form, request.path)
    context["map_data"] = _marker_data(form, context["params"])
    return render(request, "network/association_map.html", context)


def _may_see_unpublished(user, association: Association, is_representative: bool) -> bool:
    """Representatives, the person who proposed the entry, and staff of the directory."""
    if not user.is_authenticated:
        return False
    return (
        is_representative
        or association.created_by_id == user.pk
        or (user.is_staff and user.has_perm("network.view_association"))
    )


def association_detail(request, slug):
    association = get_object_or_404(
        Association.objects.select_related("municipality__amt").prefetch_related("categories"),
        slug=slug,
    )
    is_representative = services.is_representative(user=request.user, association=association)
    if not association.is_public and not _may_see_unpublished(
        request.user, association, is_representative
    ):
        raise Http404
    opportunities = list(
        open_opportunities().filter(association=association).select_related("municipality")
    )
    website = association.website if association.website.startswith(("https://", "http://")) else ""
    return render(
        request,
        "network/association_detail.html",
        {
            "association": association,
            "categories": list(association.categories.all()),
            "opportunities": opportunities,
            "seeking": association.seeks_volunteers or bool(opportunities),
            "is_representative": is_representative,
            "website": website,
            "website_label": website.split("://", 1)[-1].rstrip("/"),
            "map_url": _url(reverse("network:map"), {"municipality": association.municipality_id}),
        },
    )
