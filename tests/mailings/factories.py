import factory

from mailings.models import Email


class EmailFactory(factory.django.DjangoModelFactory):
    """An outbox row as if enqueued earlier (no rendering, no delivery started)."""

    class Meta:
        model = Email

    key = factory.Sequence(lambda n: f"test:{n}")
    to = factory.Sequence(lambda n: f"empfaenger{n}@beispiel.de")
    language = "de"
    template = "emails/barrier_report"
    subject = "Betreff"
    body_text = "Text"
    body_html = "<p>Text</p>"
