"""``python -m bot`` is ``ecpat-bot``."""

import sys

from bot.terminal.cli import main

sys.exit(main())
