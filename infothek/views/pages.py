"""The Infothek's pages: the overview, Ratgeber (list and article), Neuigkeiten (list and item),
the FAQ, the search and the downloads.

Filters and page live in the URL (GET). A bad parameter is dropped and named in the error
summary; the page never fails on it (as the directory, network/views/directory.py). Drafts,
scheduled and archived items answer 404, except to staff who may preview them (the group
Redaktion), who see them at the same address with a note.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.filter_forms import FilterForm

from .. import selectors
from ..forms import GuideFilterForm, QuickSearchForm, SearchForm
from ..models import Download, FundingProgramme, Guide, NewsItem, Question, Topic
from ..uploads import CONTENT_TYPES

PER_PAGE = 20
SHOWN_ON_OVERVIEW = 3
# Search words offered on the empty search page (the content is German).
EXAMPLES = ["Satzung", "Gemeinnützigkeit", "Versicherung", "Ehrenamtspauschale", "Datenschutz"]


def _url(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def _pagination(paginator, page, path: str, params: dict) -> dict | None:
    """Links to the pages around the current one, the first and last, previous and next;
    every link keeps the filters (as the directory's). None when everything fits one page."""
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


def _page(request, form: FilterForm, items) -> dict:
    """One page of `items` (a queryset or a list) with the pagination links; a page after the
    last shows the last one and says so."""
    form.is_valid()  # what is not valid is left out and listed in the error summary
    params = form.params()
    paginator = Paginator(items, PER_PAGE)
    number = form.page_number
    if number > paginator.num_pages:
        form.page_error(
            _("There is no page %(number)d: showing page %(last)d, the last one.")
            % {"number": number, "last": paginator.num_pages}
        )
        number = paginator.num_pages
    page = paginator.page(number)
    return {
        "form": form,
        "params": params,
        "page": page,
        "results": list(page.object_list),
        "count": paginator.count,
        "pagination": _pagination(paginator, page, request.path, params),
        "reset_url": request.path,
    }


@require_safe
def overview(request):
    public_questions = Question.objects.public()
    return render(
        request,
        "infothek/overview.html",
        {
            "search_form": QuickSearchForm(),
            "guides": list(
                Guide.objects.public()
                .defer(*selectors.LONG_TEXT)
                .order_by("-publish_at", "pk")[:SHOWN_ON_OVERVIEW]
            ),
            "programmes": list(
                FundingProgramme.objects.open_now()
                .defer(*selectors.LONG_TEXT)
                .order_by(F("deadline").asc(nulls_last=True), "title")[:SHOWN_ON_OVERVIEW]
            ),
            "news": list(selectors.newest_news(SHOWN_ON_OVERVIEW)),
            "faq_topics": list(Topic.objects.filter(questions__in=public_questions).distinct()),
        },
    )


@require_safe
def guide_list(request):
    form = GuideFilterForm(request.GET)
    form.is_valid()
    guides = selectors.public_guides(topic=form.topic_obj, audience=form._valid("audience"))
    context = _page(request, form, guides)
    return render(request, "infothek/guide_list.html", context)


@require_safe
def guide_detail(request, slug):
    guide = selectors.item_or_404(Guide.objects.all(), request.user, slug=slug)
    return render(
        request,
        "infothek/guide_detail.html",
        {"guide": guide, "preview": not guide.is_public(), **selectors.guide_related(guide)},
    )


@require_safe
def news_list(request):
    form = FilterForm(request.GET)
    context = _page(request, form, selectors.newest_news())
    return render(request, "infothek/news_list.html", context)


@require_safe
def news_detail(request, slug):
    item = selectors.item_or_404(
        NewsItem.objects.prefetch_related("topics"), request.user, slug=slug
    )
    return render(
        request, "infothek/news_detail.html", {"item": item, "preview": not item.is_public()}
    )


@require_safe
def faq(request):
    questions = Question.objects.public().select_related("topic").defer("search_vector")
    return render(request, "infothek/faq.html", {"questions": list(questions)})


@require_safe
def search(request):
    form = SearchForm(request.GET)
    form.is_valid()
    q = form.q
    results = selectors.search(q=q, kind=form._valid("kind"), topic=form.topic_obj) if q else []
    context = _page(request, form, results)
    context.update({"q": q, "capped": len(results) >= selectors.SEARCH_LIMIT, "examples": EXAMPLES})
    if q and not results:
        context["suggestions"] = _suggestions(request, form)
    return render(request, "infothek/search.html", context)


def _suggestions(request, form: SearchForm) -> list[dict]:
    """Ways out of an empty search: the same words without the filters, then the sections."""
    params = form.params()
    suggestions = []
    if params.keys() - {"q"}:
        suggestions.append(
            {"label": _("Search everything for “%(q)s”") % {"q": form.q},
             "url": _url(request.path, {"q": form.q})}
        )  # fmt: skip
    return suggestions


@require_safe
def download(request, pk):
    """A guide's file, as an attachment with its own content type (never guessed from a name);
    only files of a public guide, except for staff who may see the downloads."""
    item = get_object_or_404(Download, pk=pk)
    on_public_guide = Guide.objects.public().filter(downloads=item).exists()
    if not on_public_guide and not selectors.may_preview(request.user, Download):
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=item.filename, content_type=CONTENT_TYPES[item.kind]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
