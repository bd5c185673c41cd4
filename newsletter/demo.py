"""Demo data of the newsletter: the demo volunteer subscribed (confirmed) and three issues in
the archive, written as sent without sending any mail. A re-run changes nothing."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from portal.demo import DemoData, DemoOptions, register_demo_data

from . import rendering
from .models import Issue, Segment, Subscription

VOLUNTEER = "ehrenamt@demo.kloormokers.de"  # accounts/demo.py
ISSUES = [
    (
        "Newsletter September: Ehrenamtskarte und Herbstfortbildungen",
        "## Ehrenamtskarte\n\nAb sofort können Vereine die **Ehrenamtskarte** für ihre "
        "Aktiven beantragen.\n\n## Fortbildungen im Herbst\n\n- Kassenführung im Verein\n"
        "- Datenschutz für Vereine\n- Social Media für Ehrenamtliche",
        90,
    ),
    (
        "Newsletter Oktober: Förderfristen im Blick",
        "## Förderfristen\n\nMehrere Förderprogramme enden in den nächsten Wochen. Unsere "
        "Beratung hilft beim Antrag.",
        60,
    ),
    (
        "Newsletter November: Danke fürs Engagement",
        "## Tag des Ehrenamts\n\nAm **5. Dezember** danken wir allen Engagierten im Kreis.",
        30,
    ),
]


def load(options: DemoOptions) -> list[str]:
    now = timezone.now()
    lines = []
    with transaction.atomic():
        person = User.objects.filter(email=VOLUNTEER).first()
        if person and not Subscription.objects.filter(email__iexact=VOLUNTEER).exists():
            subscription = Subscription.objects.create(
                email=VOLUNTEER,
                user=person,
                created_at=now,
                confirmation_sent_at=now,
                confirmed_at=now,
                consent_text_version=settings.NEWSLETTER_CONSENT_VERSION,
                privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            )
            subscription.segments.set(Segment.objects.filter(active=True))
            lines.append(f"{VOLUNTEER} subscribed")
        for subject, body, days_ago in ISSUES:
            if Issue.objects.filter(subject=subject).exists():
                continue
            issue = Issue(subject=subject, body=body)
            rendered = rendering.render_issue(issue)
            sent_at = now - timedelta(days=days_ago)
            Issue.objects.create(
                subject=subject,
                body=body,
                state=Issue.State.SENT,
                started_at=sent_at,
                finished_at=sent_at,
                recipient_count=0,
                rendered_html=rendered.html,
                rendered_text=rendered.text,
                web_html=rendered.web,
            )
            lines.append(f"issue {subject!r} in the archive")
    return lines


register_demo_data(DemoData("Newsletter", load, order=80))
