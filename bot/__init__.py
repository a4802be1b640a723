"""The conversational engine and its front ends: command line, REPL, eval, Telegram."""
