"""Symptom and life-situation triage: protocols as data, a deterministic engine, answer parsing."""
