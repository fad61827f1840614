"""Neuvokas domain logic, independent of Rasa: red flags, places, directory, settings."""
