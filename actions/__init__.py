"""Rasa SDK actions: thin adapters from the tracker to bot/ (no logic, no I/O at import)."""
