"""Load the workbench scenarios once per process, keeping what authors saved in earlier runs.

The workbench re-parses every scenario's OLX when a process first needs them, which would
overwrite problems edited in the Studio view. Learner state is never touched by loading;
authored content (``user_id`` NULL rows) is put back as it was. The workbench's "Reset State"
(``/reset_state``) brings back the shipped problems.
"""

from __future__ import annotations

import threading

from django.db import transaction
from workbench.models import XBlockState
from workbench.scenarios import Scenario, get_scenarios

BLOCK_TYPE = "ora_xblock"
PREFIX = "ORA:"
_lock = threading.Lock()


def load() -> dict[str, Scenario]:
    """Every workbench scenario, loaded if needed; authored ORA content survives the load."""
    with _lock, transaction.atomic():  # one commit for every scenario's rows, not one per row
        if get_scenarios.initialized:
            return get_scenarios()
        authored = XBlockState.objects.filter(tag=BLOCK_TYPE, user_id__isnull=True)
        saved = {(row.scope, row.scope_id): row.state for row in authored}
        scenarios = get_scenarios()
        for row in authored.all():
            state = saved.get((row.scope, row.scope_id))
            if state is not None and state != row.state:
                row.state = state
                row.save(update_fields=["state"])
        return scenarios


def ora_scenarios() -> list[tuple[str, Scenario]]:
    """The ORA demo problems as ``(scenario_id, scenario)``, in the order the block lists them."""
    return [(sid, scenario) for sid, scenario in load().items() if scenario.description.startswith(PREFIX)]


def title(scenario: Scenario) -> str:
    """A scenario's description without the "ORA:" prefix."""
    return scenario.description.removeprefix(PREFIX).strip()
