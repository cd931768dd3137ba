"""``python -m convlab ...`` runs the ``convlab`` command (see :mod:`convlab.cli`)."""

import sys

from .cli import main

sys.exit(main())
