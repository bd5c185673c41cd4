"""Choosing an association in a form (an advice case, a course registration) without
JavaScript and without loading the whole directory: the person's own associations (those
they represent) are offered in a select; any other published one is found by typing its name
and pressing "Search", which adds the matches (at most ASSOCIATION_MATCHES) to the select.
Each step costs a fixed number of queries."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Association
from ..selectors import Filters, associations_of, search_associations

ASSOCIATION_MATCHES = 10


class AssociationChoiceMixin:
    """Optional association: the person's own ones in a select, any published one by name."""

    def _setup_association(self, user, search: str | None, *, label, help_text):
        self.user = user
        own = list(associations_of(user).filter(status=Association.Status.PUBLISHED))
        self.own_associations = own
        self.association_matches: list[Association] = []
        self.association_searched = False
        self.fields["association"] = forms.ModelChoiceField(
            label=label,
            required=False,
            queryset=Association.objects.filter(status=Association.Status.PUBLISHED),
            error_messages={
                "invalid_choice": _("Please choose an association from the list."),
            },
            help_text=help_text,
        )
        self.fields["association_search"] = forms.CharField(
            label=_("Find another association in the directory"),
            required=False,
            max_length=100,
            help_text=_("Type part of its name and press “Search”; the matches appear above."),
            widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        )
        if search is None:
            search = self.data.get("association_search", "")
        # Read before validation: what cannot be text for the database (NUL …) is dropped.
        searched = "".join(c for c in str(search) if c.isprintable()).strip()[:100]
        if searched:
            self.association_searched = True
            own_ids = {a.pk for a in own}
            self.association_matches = [
                a
                for a in search_associations(Filters(q=searched)).select_related("municipality")[
                    :ASSOCIATION_MATCHES
                ]
                if a.pk not in own_ids
            ]
        self._association_choices()

    def _association_choices(self, extra: Association | None = None):
        choices = [("", _("No association"))]
        if self.own_associations:
            choices.append(
                (_("Associations you represent"), [(a.pk, a.name) for a in self.own_associations])
            )
        matches = list(self.association_matches)
        if extra is not None and all(extra.pk != a.pk for a in [*self.own_associations, *matches]):
            matches.append(extra)
        if matches:
            choices.append(
                (
                    _("Found in the directory"),
                    [(a.pk, self._label(a)) for a in matches],
                )
            )
        self.fields["association"].choices = choices

    @staticmethod
    def _label(association: Association) -> str:
        place = association.municipality.name if association.municipality_id else ""
        return f"{association.name} ({place})" if place else association.name

    def clean_association(self):
        association = self.cleaned_data.get("association")
        # An association chosen earlier stays in the select even if the search changed.
        self._association_choices(extra=association)
        return association
