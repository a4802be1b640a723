"""The Telegram front end (python-telegram-bot): wiring, handlers, HTML, rate limits."""
