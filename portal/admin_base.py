"""The base of every app's ModelAdmin: lists that answer bad filter values calmly, and actions
that run a service per selected row and report what worked and what was refused."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR


class ModelAdmin(admin.ModelAdmin):
    """A filter value with a NUL byte (PostgreSQL refuses it in text) is answered like any
    filter the list does not know, instead of with an error page."""

    # The app's domain error (its message is shown) that an action may meet per row.
    action_errors: tuple[type[Exception], ...] = ()

    def get_changelist_instance(self, request):
        if any(
            "\x00" in value
            for key, values in request.GET.lists()
            if key != SEARCH_VAR
            for value in values
        ):
            raise IncorrectLookupParameters
        return super().get_changelist_instance(request)

    def action_label(self, obj) -> str:
        """How a refused row is named in the warning."""
        return str(obj)

    def _each(self, request, queryset, work, done_message):
        """Run `work` on each selected row; a domain error is a warning for that row."""
        done = 0
        for obj in queryset:
            try:
                work(obj)
            except self.action_errors as error:
                self.message_user(
                    request, f"{self.action_label(obj)}: {error.message}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
