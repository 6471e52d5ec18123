"""``load_demo``: migrate, then load the demo problems and the personas' accounts (idempotent: learner data and
authors' edits are kept)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo import calibrated
from demo.personas import create_accounts
from demo.scenarios import ora_scenarios
from ora_xblock import platform


class Command(BaseCommand):
    help = "Migrate the demo database and load the ORA demo problems into it, keeping existing data."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the demo will be served.")

    def handle(self, *args, url: str, **options):
        call_command("migrate", run_syncdb=True, verbosity=0)  # here rather than in its own process: a faster start
        count = len(ora_scenarios())
        if not count:
            raise SystemExit("No ORA demo problems found: is ora_xblock installed (pip install -e .)?")
        create_accounts()
        calibrated.seed(platform.now())  # its reviews in, once, so that its calibration shows
        self.stdout.write(f"{count} demo problems ready at {url}")
