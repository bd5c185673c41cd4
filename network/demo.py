"""Demo data of the network app: the county's real municipalities and Ämter."""

from pathlib import Path

from portal.demo import DemoData, DemoOptions, register_demo_data

from .municipality_import import import_municipalities

DATA = Path(__file__).resolve().parent / "data"


def load(options: DemoOptions) -> list[str]:
    report = import_municipalities(
        municipalities=DATA / "municipalities.csv", amter=DATA / "amter.csv"
    )
    return [
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged (municipalities and Ämter)."
    ]


register_demo_data(DemoData("Municipalities", load, order=10))
