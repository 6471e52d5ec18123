"""``load_demo``: load the demo problems (idempotent; learner data and authored edits are kept)."""

from django.core.management.base import BaseCommand

from demo.scenarios import ora_scenarios


class Command(BaseCommand):
    help = "Load the ORA demo problems into the workbench database, keeping existing data."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the demo will be served.")

    def handle(self, *args, url: str, **options):
        count = len(ora_scenarios())
        if not count:
            raise SystemExit("No ORA demo problems found: is ora_xblock installed (pip install -e .)?")
        self.stdout.write(f"{count} demo problems ready at {url}")
