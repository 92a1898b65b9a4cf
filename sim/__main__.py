"""``python -m sim`` is the ``escsim`` command."""

import sys

from sim.cli import main

sys.exit(main())
