"""The engine: protocol choice, one question at a time, most urgent wins, back, stop, unsure."""
from bot.triage import engine
from bot.triage.evaluate import load, report, run_vignette
from bot.triage.advice import question_message, result_messages
from bot.directory.store import default_directory
from bot.places import default_gazetteer


def run(message, answers):
    state = engine.start(message)
    for text in answers:
        if engine.current_question(state) is None:
            break
        state, _ = engine.answer(state, text)
    return state


def test_protocol_and_age_from_the_first_message():
    state = engine.start("lapsella on ollut kuumetta kolme päivää", "symptom")
    assert state["protocol"] == "fever" and state["age_group"] == "child"
    assert state["answers"]["fever_duration"] == 3  # the duration said in the first message


def test_baby_under_three_months_goes_to_infant_fever():
    state = engine.start("vauvalla kuumetta")
    assert engine.current_question(state) is engine.AGE_QUESTION
    state, _ = engine.answer(state, "vauva alle 3 kk")
    assert state["protocol"] == "infant_fever"


def test_red_flag_answer_ends_the_triage_at_once():
    state = run("rintakipua", ["aikuinen", "kyllä"])
    assert state["done"] and engine.result(state).level == "EMERGENCY"


def test_most_urgent_level_wins():
    state = run("yskä", ["aikuinen", "ei", "ei", "ei", "kyllä", "kyllä", "ei", "4 viikkoa"])
    result = engine.result(state)
    assert result.level == "SAME_DAY" and len(result.reasons) >= 2


def test_unsure_counts_as_the_more_urgent_answer():
    state = run("päänsärky", ["aikuinen", "en tiedä"])
    assert engine.result(state).level == "EMERGENCY"


def test_unclear_answer_is_asked_again_then_taken_as_unsure():
    state = engine.start("korva kipeä")
    state, _ = engine.answer(state, "aikuinen")
    state, outcome = engine.answer(state, "banaani")
    assert outcome == engine.NOT_UNDERSTOOD and engine.current_question(state).id == "ear_mastoid"
    state, outcome = engine.answer(state, "mansikka")
    assert state["answers"]["ear_mastoid"] == "unsure"


def test_back_and_stop():
    state = run("korva kipeä", ["aikuinen", "kyllä"])
    assert engine.result(state).level == "EMERGENCY_DEPT"
    state = run("korva kipeä", ["aikuinen", "ei"])
    state, outcome = engine.answer(state, "takaisin")
    assert outcome == engine.BACK and engine.current_question(state).id == "ear_mastoid"
    state, outcome = engine.answer(state, "lopeta")
    assert outcome == engine.STOPPED and state["stopped"]


def test_unclear_first_message_asks_which_protocol():
    state = engine.start("", "symptom")
    text, payload = question_message(state, engine.current_question(state))
    assert payload["question_id"] == "protocol" and "Kuume" in [o["title"] for o in payload["options"]]
    state, _ = engine.answer(state, "Kuume")
    assert state["protocol"] == "fever"


def test_result_names_level_reasons_and_a_concrete_service():
    state = run("lapsella kuumetta viikon", ["ei"] * 10)
    text, payloads = result_messages(state, default_directory(), default_gazetteer().get("Imatra"))
    assert payloads[0] == {**payloads[0], "type": "triage", "state": "result", "level": "SAME_DAY", "protocol": "fever"}
    services = next(p for p in payloads if p["type"] == "services")
    assert services["items"][0]["municipality"] == "Imatra"
    assert "ei diagnoosi" in text and "116117" in text


def test_emergency_result_carries_the_emergency_payload():
    state = run("rintakipua", ["aikuinen", "kyllä"])
    _, payloads = result_messages(state, default_directory(), None)
    assert any(p["type"] == "emergency" and p["number"] == "112" for p in payloads)


def test_summary_for_the_advisor():
    state = run("lapsella kuumetta viikon", ["ei"] * 10)
    summary = engine.summary(state)
    assert summary["protocol"] == "fever" and summary["level"] == "SAME_DAY" and summary["age_group"] == "child"


def test_vignette_set_is_big_and_spread():
    vignettes = load()
    symptoms = [v for v in vignettes if v["kind"] == "symptom"]
    situations = [v for v in vignettes if v["kind"] == "situation"]
    assert len(symptoms) >= 60 and len(situations) >= 20
    assert {v["gold"] for v in symptoms} == {"EMERGENCY", "EMERGENCY_DEPT", "SAME_DAY", "ROUTINE", "SELF_CARE"}
