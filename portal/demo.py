"""Demo data registry: each app registers how it fills the portal for `seed_demo`.

An app registers, in its AppConfig.ready(), a function that loads its demo data idempotently
and returns lines to report. The command runs them in `order` (lower first), so an app's data
can rely on the data of the apps below it (municipalities before associations before courses).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoOptions:
    password: str  # for demo accounts (checked against the password rules)
    reset_passwords: bool  # give existing demo accounts the password again


@dataclass(frozen=True)
class DemoData:
    name: str
    load: Callable[[DemoOptions], list[str]]
    order: int = 100


_loaders: dict[str, DemoData] = {}


def register_demo_data(data: DemoData) -> None:
    _loaders[data.name] = data


def demo_data() -> list[DemoData]:
    return sorted(_loaders.values(), key=lambda d: d.order)
