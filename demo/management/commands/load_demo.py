"""``load_demo``: load the demo problems and the personas' accounts (idempotent; learner data and edits are kept)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from demo.personas import PERSONAS
from demo.scenarios import ora_scenarios


class Command(BaseCommand):
    help = "Load the ORA demo problems into the workbench database, keeping existing data."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the demo will be served.")

    def handle(self, *args, url: str, **options):
        count = len(ora_scenarios())
        if not count:
            raise SystemExit("No ORA demo problems found: is ora_xblock installed (pip install -e .)?")
        for persona in PERSONAS:  # accounts, so that staff can find a learner by email (alice@example.com)
            get_user_model().objects.get_or_create(
                username=persona.account, defaults={"email": f"{persona.account}@example.com"}
            )
        self.stdout.write(f"{count} demo problems ready at {url}")
