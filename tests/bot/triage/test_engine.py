"""The engine: protocol choice, who / age / sex and facts from the opening, one question at a time,
most urgent wins, "en tiedä" everywhere, unreadable answers asked again, back, stop."""
import pytest

from bot.directory.store import default_directory
from bot.places import default_gazetteer
from bot.triage import engine
from bot.triage.advice import not_understood_text, question_message, result_messages
from bot.triage.evaluate import load
from bot.triage.protocol import protocols


def run(message, answers, kind="symptom"):
    state = engine.start(message, kind)
    for text in answers:
        if engine.current_question(state) is None:
            break
        state, _ = engine.answer(state, text)
    return state


def asked_ids(message, answer="ei", kind="symptom", limit=40):
    """Every question asked when the resident answers `answer` to each yes/no question."""
    state, asked = engine.start(message, kind), []
    for _ in range(limit):
        question = engine.current_question(state)
        if question is None:
            break
        asked.append(question.id)
        reply = {"who": "minun", "age": "40 v", "sex": "mies"}.get(question.id, answer)
        if question.type == "duration":
            reply = "2 päivää"
        if question.type == "number":
            reply = "en tiedä"
        state, _ = engine.answer(state, reply)
    return asked, state


def test_protocol_who_age_and_duration_from_the_first_message():
    state = engine.start("lapsella on ollut kuumetta kolme päivää, hän on 4 v", "symptom")
    # the general ill-child protocol or the fever protocol, both ask how long the fever has lasted
    assert state["protocol"] in ("fever", "ill_child") and state["who"] == "other" and state["age_group"] == "child"
    assert state["facts"]["duration"] == 3
    durations = [q.id for q in protocols()[state["protocol"]].questions
                 if q.type == "duration" or q.id == "child_fever_days"]
    assert durations and all(d in state["answers"] for d in durations)  # the duration said first is not asked again


def test_minulla_is_not_minutes():
    state = engine.start("Minulla on ollut kuumetta kolme päivää", "symptom")
    assert state["who"] == "self" and state["facts"]["duration"] == 3


@pytest.mark.parametrize("message,years", [
    ("mun 6 viikon vauvalla on kuumetta", 6 / 52), ("vauva 5 vk, lämpöä 38,2", 5 / 52),
    ("10 päivän ikäinen vauva kuumeessa", 10 / 365), ("kahden kuukauden ikäisellä vauvalla kuumetta", 2 / 12),
])
def test_infant_age_in_days_weeks_months_goes_to_the_infant_protocol(message, years):
    state = engine.start(message, "symptom")
    assert state["age_years"] == pytest.approx(years, rel=0.05)
    assert state["protocol"] == "infant_fever"


def test_temperature_in_the_first_message_answers_the_temperature_question():
    state = engine.start("mulla on kuumetta 39,4 astetta", "symptom")
    assert state["facts"]["temperature"] == 39.4
    numbers = [q.id for q in protocols()["fever"].questions if q.fact == "temperature"]
    assert numbers and all(q in state["answers"] for q in numbers)


def test_who_is_asked_then_age_in_the_right_person():
    state = engine.start("kuumetta", "symptom")
    assert engine.current_question(state) is engine.WHO_QUESTION
    state, _ = engine.answer(state, "lapseni")
    assert engine.current_question(state) is engine.AGE_QUESTION
    assert "hän" in engine.question_text(state, engine.AGE_QUESTION)


def test_questions_address_the_writer_or_the_person_written_about():
    mine = engine.start("mulla on kuumetta, olen 30 v", "symptom")
    theirs = engine.start("isällä on kuumetta, hän on 60 v", "symptom")
    q_mine, q_theirs = engine.current_question(mine), engine.current_question(theirs)
    assert q_mine.id == q_theirs.id
    assert engine.question_text(mine, q_mine) == q_mine.text
    assert engine.question_text(theirs, q_theirs) == q_theirs.text_other != q_mine.text


def _sex_questions():
    return {q.id for p in protocols().values() for q in p.questions if q.ask_if_sex}


def test_men_and_children_are_not_asked_about_pregnancy():
    female_only = {q.id for p in protocols().values() for q in p.questions if q.ask_if_sex == ("female",)}
    assert female_only, "some protocol asks about pregnancy"
    for message in ("olen mies ja vatsaan sattuu kovasti, olen 35 v", "pojalla vatsakipua, hän on 5 v"):
        asked, _ = asked_ids(message)
        assert not set(asked) & female_only, (message, asked)


def test_sex_is_asked_only_when_a_question_depends_on_it():
    asked, _ = asked_ids("kurkku kipeä, olen 30 v")
    assert "sex" not in asked
    asked, _ = asked_ids("vatsaan sattuu, olen 30 v")
    if any(q.ask_if_sex for q in protocols()["abdominal_pain"].questions):
        assert "sex" in asked


def test_infant_questions_are_not_asked_of_adults():
    infant_only = {q.id for p in protocols().values() for q in p.questions if q.ask_if_age == ("infant",)}
    for message in ("mulla on kuumetta, olen 45 v", "yskä ja kuume, olen 30 v"):
        asked, _ = asked_ids(message)
        assert not set(asked) & infant_only


def test_red_flag_answer_ends_the_triage_at_once():
    state = run("rintakipua, olen 50 v", ["kyllä"])
    assert state["done"] and engine.result(state).level == "EMERGENCY"


def test_most_urgent_level_wins():
    state = engine.start("yskä, olen 40 v", "symptom")
    asked = 0
    while engine.current_question(state) is not None:
        question = engine.current_question(state)
        reply = "4 viikkoa" if question.type == "duration" else ("ei" if question.red_flag else "kyllä")
        state, _ = engine.answer(state, reply)
        asked += 1
    result = engine.result(state)
    levels = [t["level"] for t in state["triggered"]]
    assert len(set(levels)) >= 2 and result.level == min(levels, key=["EMERGENCY", "EMERGENCY_DEPT", "SAME_DAY",
                                                                          "ROUTINE", "SELF_CARE"].index)
    assert len(result.reasons) >= 2


def test_unsure_counts_as_the_more_urgent_answer():
    state = run("päänsärky, olen 40 v", ["en tiedä"])
    assert engine.result(state).level in ("EMERGENCY", "EMERGENCY_DEPT")


@pytest.mark.parametrize("reply", ["banaani", "mitä tarkotat", "no", "hmm"])
def test_an_unreadable_answer_is_asked_again_never_taken_as_yes(reply):
    state = engine.start("korva kipeä, olen 40 v", "symptom")
    first = engine.current_question(state)
    for attempt in range(4):
        state, outcome = engine.answer(state, reply)
        assert outcome == engine.NOT_UNDERSTOOD
        assert engine.current_question(state).id == first.id and first.id not in state["answers"]
    assert "116117" in not_understood_text(first, state)  # after two tries: the buttons, "lopeta" and 116117


def test_finnish_no_means_well():
    yes = run("rintakipua, olen 50 v", ["no joo kyllä se puristaa"])
    assert engine.result(yes).level == "EMERGENCY"


def test_every_question_has_an_en_tieda_button_and_a_conservative_meaning():
    for protocol in protocols().values():
        state = engine.start("", protocol.kind)
        engine._set_protocol(state, protocol.id)
        for question in protocol.questions:
            _, payload = question_message(state, question)
            assert "en tiedä" in [o["payload"] for o in payload["options"]], (protocol.id, question.id)
            assert question.unsure_outcome() is not None or question.type in ("duration", "number"), question.id


def test_en_tieda_at_a_duration_question_is_an_answer_not_a_loop():
    state = engine.start("yskä, olen 40 v", "symptom")
    duration = next(q for q in protocols()["cough_breathing"].questions if q.type == "duration")
    while engine.current_question(state) is not None and engine.current_question(state).id != duration.id:
        state, _ = engine.answer(state, "ei")
    state, outcome = engine.answer(state, "en tiedä")
    assert outcome in (engine.NEXT, engine.DONE) and state["answers"][duration.id] == "unsure"


@pytest.mark.parametrize("reply", ["en tiedä", "jokin muu", "mulla on outo olo ja kaikki on vähän pielessä"])
def test_the_topic_menu_never_loops(reply):
    state = engine.start("", "symptom")
    assert engine.current_question(state) is engine.CHOOSE_QUESTION
    state, outcome = engine.answer(state, reply)
    assert state["protocol"] == engine.GENERAL and outcome in (engine.NEXT, engine.DONE)


def test_topic_menu_offers_something_else():
    state = engine.start("", "symptom")
    _, payload = question_message(state, engine.current_question(state))
    assert "Kuume" in [o["title"] for o in payload["options"]]
    assert any("muu" in o["title"].lower() for o in payload["options"])


def test_back_and_stop():
    state = engine.start("korva kipeä, olen 40 v", "symptom")
    first = engine.current_question(state)
    state, _ = engine.answer(state, "ei")
    state, outcome = engine.answer(state, "takaisin")
    assert outcome == engine.BACK and engine.current_question(state).id == first.id
    state, outcome = engine.answer(state, "lopeta")
    assert outcome == engine.STOPPED and state["stopped"]


@pytest.mark.parametrize("protocol_id", sorted(p for p in protocols() if protocols()[p].kind == "symptom"))
def test_every_symptom_protocol_reaches_a_result(protocol_id):
    for answer in ("ei", "kyllä", "en tiedä"):
        state = engine.start("", "symptom")
        engine._set_protocol(state, protocol_id)
        for _ in range(60):
            question = engine.current_question(state)
            if question is None:
                break
            reply = {"who": "minun", "age": "40 v", "sex": "nainen"}.get(question.id, answer)
            if question.type in ("duration", "number") and answer != "en tiedä":
                reply = "38,5" if question.fact == "temperature" else "2"
            state, _ = engine.answer(state, reply)
        assert state["done"], (protocol_id, answer)
        assert engine.result(state).level


def test_result_names_level_reasons_and_a_concrete_service():
    state = run("lapsella kuumetta viikon, hän on 6 v", ["ei"] * 12 + ["en tiedä"] * 3)
    text, payloads = result_messages(state, default_directory(), default_gazetteer().get("Imatra"))
    assert payloads[0]["type"] == "triage" and payloads[0]["state"] == "result" and payloads[0]["protocol"] == "fever"
    services = [p for p in payloads if p["type"] == "services"]
    assert services and "ei diagnoosi" in text


def test_emergency_result_carries_the_emergency_payload():
    state = run("rintakipua, olen 50 v", ["kyllä"])
    _, payloads = result_messages(state, default_directory(), None)
    assert any(p["type"] == "emergency" and p["number"] == "112" for p in payloads)


def test_reasons_are_findings_in_plain_words():
    for protocol in protocols().values():
        for question in protocol.questions:
            for outcome in [o for o in (question.yes, question.no, question.unsure) if o] + list(question.rules):
                assert len(outcome.reason.split()) >= 3, (protocol.id, question.id, outcome.reason)


def test_summary_for_the_advisor():
    state = run("lapsella kuumetta viikon, hän on 6 v", ["ei"] * 12 + ["en tiedä"] * 3)
    summary = engine.summary(state)
    assert summary["protocol"] == "fever" and summary["age_group"] == "child" and summary["who"] == "other"


def test_regression_vignette_set_is_big_and_spread():
    vignettes = load()
    symptoms = [v for v in vignettes if v["kind"] == "symptom"]
    assert len(symptoms) >= 60
    assert {v["gold"] for v in symptoms} == {"EMERGENCY", "EMERGENCY_DEPT", "SAME_DAY", "ROUTINE", "SELF_CARE"}
