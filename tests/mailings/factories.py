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


def enqueue_report(
    key: str, *, to="empfaenger@beispiel.de", description="Kontrast zu schwach", **options
):
    """Enqueue a real, rendered mail (the barrier-report template) through the service."""
    from mailings import services

    return services.enqueue(
        to=to,
        template="emails/barrier_report",
        context={"description": description},
        key=key,
        **options,
    )
