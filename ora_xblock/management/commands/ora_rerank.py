"""``manage.py lms ora_rerank``: recompute the stored place of every response in its problem's peer queue.

Run it after the ranking rule changed (an upgrade's release notes say so) or after an author changed a problem's
Must Grade or Graded By while learners were reviewing. Safe while learners review: each batch is one transaction
with its rows locked, and a second run changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from ora_xblock.services import rerank


class Command(BaseCommand):
    help = "Recompute the peer queue's stored ranks of one problem, a course's problems, or every problem."

    def add_arguments(self, parser):
        parser.add_argument("problems", nargs="*", metavar="USAGE_KEY", help="the problems (all when none is named)")
        parser.add_argument("--course", help="only the problems of this course id")
        parser.add_argument("--dry-run", action="store_true", help="count the responses that would move; change none")
        parser.add_argument("--batch", type=int, default=rerank.BATCH, help="responses per transaction")

    def handle(self, *args, **options):
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        done = rerank.rerank(options["problems"], options["course"], options["dry_run"], options["batch"])
        verb = "would move" if options["dry_run"] else "moved"
        self.stdout.write(f"{done.moved} of {done.responses} responses {verb}, in {done.problems} peer problems")
