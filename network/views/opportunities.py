"""Engagement gesucht: the public list of open opportunities, one opportunity, "Interesse
melden", and the representatives' forms to post, change and end opportunities."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..exceptions import DirectoryError
from ..forms.entries import InterestForm, OpportunityFilterForm, OpportunityForm
from ..models import Opportunity
from .entries import represented

PAGE_SIZE = 20
PAGE_PARAMETER = "page"

# What a person can loosen when nothing matches: each filter in the URL, with its label.
LOOSEN = {
    "q": gettext_lazy("without the search words"),
    "category": gettext_lazy("in all categories"),
    "amt": gettext_lazy("in all Ämter"),
    "municipality": gettext_lazy("in all municipalities"),
    "commitment": gettext_lazy("with any commitment"),
    "remote": gettext_lazy("not only from home"),
}


def _loosen_links(request, form) -> list[dict]:
    cleaned = getattr(form, "cleaned_data", {})
    links = []
    for name, label in LOOSEN.items():
        if cleaned.get(name):
            query = request.GET.copy()
            query.pop(name, None)
            query.pop(PAGE_PARAMETER, None)
            links.append({"label": label, "query": query.urlencode()})
    return links


def opportunity_list(request):
    form = OpportunityFilterForm(request.GET)
    chosen = form.filters()
    paginator = Paginator(
        selectors.search_opportunities(selectors.OpportunityFilters(**chosen)), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get(PAGE_PARAMETER))
    return render(
        request,
        "network/opportunity_list.html",
        {
            "form": form.for_display(),
            "page": page,
            "count": paginator.count,
            "filtered": any(chosen.values()),
            "loosen": _loosen_links(request, form),
            "page_parameter": PAGE_PARAMETER,
        },
    )


def opportunity_detail(request, pk):
    # Only open opportunities of published associations; expired or hidden ones are gone.
    opportunity = get_object_or_404(
        selectors.open_opportunities().select_related(
            "association", "municipality__amt", "category"
        ),
        pk=pk,
    )
    return render(
        request,
        "network/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "can_edit": services.is_representative(
                user=request.user, association=opportunity.association
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request, slug):
    association = represented(request, slug)
    form = OpportunityForm(
        request.POST if request.method == "POST" else None,
        instance=Opportunity(association=association),
        association=association,
    )
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.save_opportunity(
                association=association, user=request.user, opportunity=form.instance
            )
        except DirectoryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The opportunity is published."))
            return redirect("network:opportunity_edit", opportunity.pk)
    return render(
        request,
        "network/opportunity_form.html",
        {"association": association, "form": form, "opportunity": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request, pk):
    # Opportunities of associations the person does not represent are "not found".
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("association").filter(
            association__representatives__user=request.user
        ),
        pk=pk,
    )
    association = opportunity.association
    if request.method == "POST" and "end" in request.POST:
        try:
            services.end_opportunity(opportunity=opportunity, user=request.user)
        except DirectoryError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The opportunity has ended and left the list."))
        return redirect("network:edit", association.slug)
    form = OpportunityForm(
        request.POST if request.method == "POST" else None,
        instance=opportunity,
        association=association,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_opportunity(
                association=association, user=request.user, opportunity=form.instance
            )
        except DirectoryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("network:opportunity_edit", opportunity.pk)
    return render(
        request,
        "network/opportunity_form.html",
        {
            "association": association,
            "form": form,
            "opportunity": opportunity,
            "is_open": services.is_open(opportunity),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def interest(request, pk):
    opportunity = get_object_or_404(
        selectors.open_opportunities().select_related("association"), pk=pk
    )
    form = InterestForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if not ratelimit.consume(request, action="opportunity_interest", user=request.user):
            form.add_error(
                None,
                _(
                    "You have sent several messages in a short while. Please try again in an "
                    "hour, or write to the association directly."
                ),
            )
        else:
            try:
                services.express_interest(
                    opportunity=opportunity,
                    user=request.user,
                    message=form.cleaned_data["message"],
                )
            except DirectoryError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Your message is on its way to %(name)s. A copy has gone to your "
                        "e-mail address."
                    )
                    % {"name": opportunity.association.name},
                )
                return redirect("network:opportunity", opportunity.pk)
    return render(request, "network/interest.html", {"opportunity": opportunity, "form": form})
