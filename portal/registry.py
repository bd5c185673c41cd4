"""Registries that let each app plug into "Mein Konto" and the start page without touching
accounts/ or portal/.

An app registers, in its AppConfig.ready():
- a personal-data part: what it holds about a person (export) and how it forgets them (erase);
- an account section: a block on the account page (my bookings, my registrations, …);
- a home section: a block on the start page below the pillars (news, deadlines, …).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataPart:
    name: str
    export: Callable[[Any], Any]  # user -> JSON-serialisable data
    erase: Callable[[Any], None]  # user -> None; delete or anonymise, keep records without PII
    order: int = 100  # erase runs in descending order, so dependants go before the user row


@dataclass(frozen=True)
class AccountSection:
    name: str
    template: str
    context: Callable[[Any], dict]  # user -> template context
    order: int = 100


_parts: dict[str, PersonalDataPart] = {}
_sections: dict[str, AccountSection] = {}


def register_personal_data(part: PersonalDataPart) -> None:
    _parts[part.name] = part


def register_account_section(section: AccountSection) -> None:
    _sections[section.name] = section


def personal_data_parts() -> list[PersonalDataPart]:
    return sorted(_parts.values(), key=lambda p: p.order)


def account_sections() -> list[AccountSection]:
    return sorted(_sections.values(), key=lambda s: s.order)


# --- The start page ---------------------------------------------------------------------------
# Higher apps add sections below the four pillars (news, deadlines, dates) without portal
# importing them. They change with time, so the start page renders them outside its shared
# fragment, on every request: keep each to a fixed number of queries.


@dataclass(frozen=True)
class HomeSection:
    name: str
    template: str
    context: Callable[[Any], dict]  # request -> template context
    order: int = 100


_home_sections: dict[str, HomeSection] = {}


def register_home_section(section: HomeSection) -> None:
    _home_sections[section.name] = section


def home_sections() -> list[HomeSection]:
    return sorted(_home_sections.values(), key=lambda s: s.order)
