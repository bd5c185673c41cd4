"""Messages from the public to the office: the barrier report of the accessibility statement.

The form is shown on the portal's content page; sending it is a mail to the office, which is
the outbox's business, so the POST lands here.
"""

from allauth.core import ratelimit
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import BarrierReportForm
from portal.models import Page
from portal.views import load_page_or_404, render_page

from .exceptions import OutboxError
from .services import report_barrier


@require_POST
def barrier_report(request):
    page = load_page_or_404(Page.Slug.ACCESSIBILITY)
    form = BarrierReportForm(request.POST)
    if form.is_valid():
        if not ratelimit.consume(request, action="barrier_report"):
            form.add_error(
                None,
                _(
                    "You have sent several reports in a short time. "
                    "Please try again in a few minutes or write us an e-mail."
                ),
            )
        else:
            try:
                report_barrier(**form.cleaned_data)
            except OutboxError:
                # e.g. the office address in the configuration cannot be mailed to
                form.add_error(
                    None, _("Your report could not be sent. Please write us an e-mail instead.")
                )
            else:
                messages.success(
                    request, _("Thank you! We have received your report and will answer soon.")
                )
                return redirect("page", slug=page.slug)
    return render_page(request, page, barrier_form=form)
