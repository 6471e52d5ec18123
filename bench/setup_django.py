"""Set Django up for a benchmark: the demo's settings on a throwaway SQLite database, migrated."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup() -> None:
    """Configure and migrate; call before importing anything that touches models."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo.settings"
    os.environ["ORA_DEMO_DB"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)
