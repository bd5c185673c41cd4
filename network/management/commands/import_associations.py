from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from network.association_import import COLUMNS, import_file
from network.exceptions import ImportFileError


class Command(BaseCommand):
    help = (
        "Import an existing list of associations from CSV (semicolons or commas, UTF-8); "
        "a file with any problem changes nothing. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV: " + ",".join(COLUMNS))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show what would change, without changing anything.",
        )

    def handle(self, *args, file, dry_run=False, **options):
        try:
            report = import_file(path=file, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(
                _("Nothing was changed. Please fix the file:") + "\n" + "\n".join(exc.errors)
            ) from exc
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
        self.stdout.write(
            _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
            }
        )
        for line in report.created:
            self.stdout.write(_("  line %(line)d: + %(label)s") % vars(line))
        for line in report.updated:
            self.stdout.write(
                _("  line %(line)d: ~ %(label)s (%(fields)s)")
                % {"line": line.line, "label": line.label, "fields": ", ".join(line.fields)}
            )
