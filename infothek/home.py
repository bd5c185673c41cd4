"""The start page's Infothek sections: the three newest news items and the next three funding
deadlines (one query each; registered in apps.py, rendered below the pillars)."""

from portal.registry import HomeSection, register_home_section

from . import selectors

SHOWN = 3


def news(request) -> dict:
    return {"items": list(selectors.newest_news(SHOWN))}


def deadlines(request) -> dict:
    return {"programmes": selectors.next_deadlines(SHOWN)}


register_home_section(HomeSection("news", "infothek/home_news.html", news, order=10))
register_home_section(HomeSection("deadlines", "infothek/home_deadlines.html", deadlines, order=20))
