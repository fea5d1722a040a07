"""``python -m archiver``: the command line."""

import sys

from archiver.cli import main

sys.exit(main())
