from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

# Trigram word similarity needed to count as a match: 0.6 (PostgreSQL's default) misses
# one-letter typos in short words ("Feurwehr" → "Feuerwehr" scores 0.58).
WORD_SIMILARITY_THRESHOLD = 0.5


def tune_search(sender, connection, **kwargs):
    """Each new PostgreSQL connection uses the directory's trigram threshold (no extra
    query per search, and the trigram indexes stay usable with the <% operator)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(WORD_SIMILARITY_THRESHOLD)],
            )


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Networking")

    def ready(self):
        from mailings.visibility import restrict_templates

        from . import (  # noqa: F401  register: seed_demo data, "Mein Verein", export/erasure
            account,
            demo,
            personal_data,
        )

        connection_created.connect(tune_search, dispatch_uid="network-tune-search")
        # A volunteer's message to an association, a claim's code: for Vernetzung only.
        restrict_templates("emails/network/interest", permission="network.view_interest")
        restrict_templates("emails/network/claim", permission="network.view_claim")
