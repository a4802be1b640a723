"""``python -m bot`` is ``ecpat-bot``."""

import sys

from bot.cli import main

sys.exit(main())
