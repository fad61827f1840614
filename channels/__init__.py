"""Rasa input/output channels: the web chat (and later Telegram and the handoff gate)."""
