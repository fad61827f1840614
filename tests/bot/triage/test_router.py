"""The learned protocol router beside the lexicon, and answers read as people give them."""
import pytest

from bot.triage import engine
from bot.triage.protocol import protocols
from bot.triage.router import default_router, training_data


def test_every_protocol_with_topics_has_openings_and_every_opening_a_protocol():
    texts, labels = training_data()
    known = set(protocols())
    assert set(labels) <= known, set(labels) - known
    with_topics = {p.id for p in protocols().values() if p.topics}
    assert with_topics <= set(labels), with_topics - set(labels)
    assert len(texts) == len(set(texts)) >= 1000


# Openings written for this test (not in bot/data/triage_openings.yml), each where a keyword
# alone chose the wrong protocol before the router.
@pytest.mark.parametrize("opening, expected", [
    ("vauvalla flunssa ja hengitys kuulostaa rohisevalta", "cough_breathing"),  # "kuulostaa" is not "ulostaa"
    ("kaadoin kiehuvaa vettä jalalle ja nyt siinä on rakkoja", "burns"),
    ("vatsa on toiminut oudosti jo pari kuukautta, välillä ripulia välillä ummetusta", "constipation"),
    ("pissatessa kirvelee ja tihentynyt virtsaamistarve", "urinary"),
    ("hammasta särkee ja poski on vähän turvoksissa", "dental"),
])
def test_router_chooses_the_complaint_not_the_body_part(opening, expected):
    assert default_router() is not None
    assert engine.choose_protocol(opening, "symptom") == expected


def test_router_leaves_an_unclear_message_to_the_menu():
    assert engine.choose_protocol("hei, kysyisin yhtä asiaa", "symptom") is None


@pytest.mark.parametrize("answer, expected", [
    ("en pysty", "yes"), ("ei pysty kunnolla", "yes"), ("pystyn puhumaan ihan normaalisti", "no"),
    ("ei", "no"), ("kyllä", "yes"),
])
def test_an_answer_that_echoes_a_negated_question(answer, expected):
    question = protocols()["cough_breathing"].question("cough_cannot_speak")
    assert engine._parse(question, {"who": "self"}, answer) == expected


@pytest.mark.parametrize("answer, expected", [
    ("ei auta yhtään", "yes"), ("ei oo auttanu", "yes"), ("helpotti vähän mut ei kunnolla", "yes"),
    ("auttaa hyvin", "no"), ("ei", "no"), ("en tiedä", "unsure"),
])
def test_reliever_question_reads_ei_auta_as_the_danger_sign(answer, expected):
    question = protocols()["cough_breathing"].question("cough_reliever_not_helping")
    assert engine._parse(question, {"who": "self"}, answer) == expected


def test_who_and_sex_never_loop():
    state = engine.start("kirvelee pissatessa", "symptom")
    assert engine.current_question(state).id == "who"
    state, outcome = engine.answer(state, "en tiedä")
    assert outcome == engine.NEXT and state["who"] == "self"
    state = engine.start("kirvelee pissatessa", "symptom")
    state, outcome = engine.answer(state, "blaa")
    assert outcome == engine.NOT_UNDERSTOOD
    state, outcome = engine.answer(state, "blöö")
    assert outcome == engine.NEXT


def test_burn_of_the_hand_with_big_blisters_goes_to_the_emergency_department():
    state = engine.start("Kaadoin kiehuvaa vettä kädelle, tuli isot rakot", "symptom")
    assert state["protocol"] == "burns"
    for _ in range(20):
        question = engine.current_question(state)
        if question is None or state["done"]:
            break
        state, _ = engine.answer(state, {"who": "omista", "age": "30"}.get(question.id, "ei"))
    assert engine.result(state).level == "EMERGENCY_DEPT"


def test_a_young_childs_age_without_minä_means_a_parent_writes():
    state = engine.start("5v silmät rähmii aamulla, kummastakin silmästä", "symptom")
    assert state["who"] == "other" and state["age_group"] == "child"
    assert "lapse" in engine.question_text(state, engine.current_question(state)).lower() or \
        "hän" in engine.question_text(state, engine.current_question(state)).lower()


def test_danger_signs_of_a_second_complaint_are_asked_too():
    state = engine.start("virtsatieinfektio kai, mut nyt kuumetta 39 ja selkään sattuu", "symptom")
    asked = [q.id for q in engine.questions_of(state)]
    others = [p for p in state["also"] if p != state["protocol"]]
    assert others and any(q.startswith(("urinary_", "back_")) for q in asked)
