"""Measuring the bot: question sets, eval, tune and train (imported only by those commands)."""
