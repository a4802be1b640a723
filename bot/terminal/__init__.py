"""Terminal front ends: the command line (ask and the other commands) and the REPL."""
