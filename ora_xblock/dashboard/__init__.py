"""The course-wide ORA dashboard: every problem of a course on one page, for course staff (docs/course-dashboard.md).

Served by the plugin app's own URLs (:mod:`.urls`, mounted by edx-platform under ``/ora_xblock/``) and reached
from the Instructor Dashboard through openedx-filters where they are installed."""
