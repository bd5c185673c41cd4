from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from network.exceptions import ImportFileError
from network.municipality_import import import_municipalities


class Command(BaseCommand):
    help = "Load the county's municipalities (and Ämter) from CSV files; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "municipalities", type=Path, help="CSV: ags,name,amt,kind,lat,lon,source"
        )
        parser.add_argument("--amter", type=Path, help="CSV: code,name,seat")

    def handle(self, *args, municipalities, amter=None, **options):
        try:
            report = import_municipalities(municipalities=municipalities, amter=amter)
        except ImportFileError as exc:
            raise CommandError(
                _("Nothing was changed. Please fix the file:") + "\n" + "\n".join(exc.errors)
            ) from exc
        self.stdout.write(
            _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged (skipped).")
            % {
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
            }
        )
        for label in report.created:
            self.stdout.write(f"  + {label}")
        for label in report.updated:
            self.stdout.write(f"  ~ {label}")
