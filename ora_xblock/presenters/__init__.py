"""Presenters: what services return, turned into the plain values templates show (dicts, text, numbers, and
moments already formatted for their reader). No queries and no markup are made here.

- ``common``: prompts, dates, files and names, as every view shows them.
- ``learner``: the learner's page; ``look_through``: the steps as course staff look through them.
- ``author``: Studio's summary and editor; ``staff``: the staff area's sections.
"""
