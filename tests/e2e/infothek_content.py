"""Infothek content for the page walk and the desktop scans (tests/e2e/test_infothek.py): long
German titles without a hyphen, a guide with a table and a download, news, a programme with a
deadline, a question; everything public."""

from datetime import timedelta

from django.utils import timezone

from infothek.models import Download
from tests.advice.factories import topic as advice_topic
from tests.infothek.factories import (
    GuideFactory,
    NewsFactory,
    ProgrammeFactory,
    QuestionFactory,
    topic,
)

GUIDE = "Vereinsgründungsversammlungsniederschrift und Satzungsänderungsanmeldung"
NEWS = "Ehrenamtskoordinationsnetzwerkstreffen im Kreisjugendfeuerwehrverband"
PROGRAMME = "Landesförderprogramm Engagementinfrastrukturentwicklung Schleswig-Holstein"
QUESTION = "Unfallversicherungsschutz bei Vereinsveranstaltungen im Gemeindegebiet?"
TABLE = (
    "## Fristen und Zuständigkeiten\n\n"
    "| Schritt | Zuständige Stelle | Frist | Unterlagen |\n"
    "|---|---|--:|---|\n"
    "| Gründungsversammlung | Vereinsvorstand | 0 Tage | Gründungsprotokoll, Satzung |\n"
    "| Anmeldung zum Vereinsregister | Amtsgericht Kiel | 14 Tage | Notariell beglaubigte "
    "Anmeldung |\n"
    "| Gemeinnützigkeitsanerkennung | Finanzamt Rendsburg | 30 Tage | Feststellungsantrag |\n\n"
    "Mehr beim [Registerportal](https://www.handelsregister.de/)."
)


def make_infothek_content() -> dict:
    download = Download.objects.create(
        title="Mustersatzung für gemeinnützige Vereine",
        file="infothek/mustersatzung.pdf",
        kind="pdf",
        size=182_000,
    )
    guide = GuideFactory(
        title=GUIDE,
        summary="Was in die Niederschrift gehört und wie die Anmeldung gelingt.",
        body=TABLE,
        topics=[topic("vereinsgruendung"), topic("satzung-vereinsrecht")],
    )
    guide.downloads.add(download)
    guide.advice_topics.add(advice_topic("vereinsrecht"))
    guide.related_guides.add(GuideFactory(title="Die Satzung Schritt für Schritt"))
    news = NewsFactory(title=NEWS, summary="Vereine aus dem ganzen Kreis tauschen sich aus.")
    ProgrammeFactory(title=PROGRAMME, deadline=timezone.localdate() + timedelta(days=12))
    QuestionFactory(title=QUESTION, body="Meist **ja**:\n\n- Unfallkasse\n- Sammelversicherung")
    return {"guide": guide.slug, "news": news.slug}
