"""Every protocol file is valid; the product's complaints and situations all have one."""
from bot.triage.protocol import protocols, validate, validate_directory

SYMPTOMS = {"fever", "cough_breathing", "sore_throat", "ear", "urinary", "abdominal_pain", "back_pain", "headache",
            "skin", "injury", "eye", "dental", "dizziness", "chest_pain", "mental_health", "vomiting_diarrhoea",
            "infant_fever"}
SITUATIONS = {"money_food", "housing", "violence", "substance_use", "exhaustion_loneliness", "caregiver",
              "elderly_at_home", "families", "disability", "unemployment", "youth"}


def test_all_protocol_files_validate():
    assert validate_directory() == []


def test_every_required_protocol_exists():
    by_kind = {}
    for p in protocols().values():
        by_kind.setdefault(p.kind, set()).add(p.id)
    assert by_kind["symptom"] >= SYMPTOMS and by_kind["situation"] >= SITUATIONS


def test_red_flags_come_first_and_every_protocol_has_a_baseline():
    for p in protocols().values():
        flags = [q.red_flag for q in p.questions]
        assert flags == sorted(flags, reverse=True), p.id
        assert p.baseline.reason


def test_validator_finds_problems():
    broken = {"x.yml": {"id": "x", "kind": "illness", "title": "X", "baseline": {"level": "SOON", "reason": ""},
                        "redirect": {"infant": "nowhere"},
                        "questions": [{"id": "a", "text": "Onko?", "type": "yes_no"},
                                      {"id": "a", "text": "ei kysymys", "type": "scale", "red_flag": True}]}}
    problems = " | ".join(validate(broken))
    for expected in ("kind must be", "baseline level SOON", "question id a twice", "unknown type scale",
                     "red-flag questions must come first", "question mark", "needs the level of `yes`",
                     "redirect to unknown protocol nowhere"):
        assert expected in problems
