"""Rasa graph components (NLU and policy) that plug bot/ logic into Rasa's pipeline."""
