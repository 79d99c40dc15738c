"""``python -m mqsim`` runs the command line."""

import sys

from mqsim.cli import main

sys.exit(main())
