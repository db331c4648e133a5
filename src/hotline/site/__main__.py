"""``python -m hotline.site``: build the public site (see :mod:`hotline.site.cli`)."""

import sys

from hotline.site.cli import run

sys.exit(run())
