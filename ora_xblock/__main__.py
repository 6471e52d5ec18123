"""``python -m ora_xblock``: the same as the ``ora-xblock`` command."""

import sys

from .cli import main

sys.exit(main())
