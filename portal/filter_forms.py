"""The base of every list page's GET form (directory, courses, Infothek): the filters live in
the URL, and a bad value never breaks the page — the form drops it, names it in its errors
(the error summary shows them) and the list is built from what was valid.

Subclasses declare their fields and `filter_params` (the query parameters that make up the
search, in the order URLs show them) and read values with `_valid(name)`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_PAGE = 10_000
PAGE_ERRORS = {
    key: _("The page number was not valid: showing the first page.")
    for key in ("invalid", "min_value", "max_value")
}


class FilterForm(forms.Form):
    # Never shown as a field: the pagination links carry it; a new search starts at page 1.
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        widget=forms.HiddenInput,
        error_messages=PAGE_ERRORS,
    )

    filter_params: tuple[str, ...] = ()

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)

    def _valid(self, name: str):
        """The cleaned value of a field, or None when it was missing or not valid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return value if value not in ("", None, False) else None

    @property
    def page_number(self) -> int:
        return self._valid("page") or 1

    def is_default(self, name: str, value) -> bool:
        """A value the list uses anyway (left out of the links); subclasses may say so."""
        return False

    def params(self) -> dict[str, str]:
        """The valid, non-default filters as query parameters (for links that keep them)."""
        params = {}
        for name in self.filter_params:
            value = self._valid(name)
            if value is not None and not self.is_default(name, value):
                params[name] = "1" if value is True else str(value)
        return params

    def page_error(self, message: str) -> None:
        """Tell that the asked-for page does not exist (the view shows another one)."""
        self.add_error("page", message)
