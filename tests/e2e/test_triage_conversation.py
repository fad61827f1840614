"""Triage conversations through the Rasa server: buttons, free text, back, stop, red flags, summary."""
from bot.triage.protocol import protocols


def first_red_flag(protocol_id, age_group="adult", sex=None):
    return next(q.id for q in protocols()[protocol_id].questions
                if q.applies_to(age_group, sex, 40.0) and not q.after_yes)


def step(client, sender, text):
    reply = client.rest(sender, text)
    return reply, reply.custom("triage")


def test_buttons_and_free_text_lead_to_a_result_with_a_service(client, sender):
    reply, question = step(client, sender, "mulla on ollut kuumetta neljä päivää")
    assert question["protocol"] == "fever" and question["question_id"] == "age"
    assert reply.texts[-1].startswith("Kuinka vanha olet")  # the writer's own symptoms: "sinä"
    reply, question = step(client, sender, "aikuinen")
    assert question["question_id"] == first_red_flag("fever")
    assert [o["title"] for o in question["options"]][:3] == ["Kyllä", "Ei", "En tiedä"]
    answers = iter(["ei oo", "ei", "no ei", "ei", "ei ole"])
    for _ in range(20):
        if question is None or question["state"] == "result":
            break
        if question["question_id"] == "fever_temperature":
            reply, question = step(client, sender, "38,2")
            continue
        reply, question = step(client, sender, next(answers, "ei"))
    if question is None:  # the place is asked before the result
        assert any("kunnassa" in t for t in reply.texts)
        reply, question = step(client, sender, "Joutsenossa")
    assert question["state"] == "result" and question["level"] == "SAME_DAY"
    assert question["reasons"]
    services = reply.custom("services")
    assert services["municipality"] == "Lappeenranta" and services["items"]
    assert any("ei diagnoosi" in t for t in reply.texts)
    tracker = client.tracker(sender)
    summary = tracker["slots"]["triage_summary"]
    assert summary["protocol"] == "fever" and summary["level"] == "SAME_DAY"


def test_not_understood_answer_is_asked_again(client, sender):
    _, first = step(client, sender, "korva on kipeä, olen 40 v")
    for attempt in range(3):
        reply, question = step(client, sender, "mitähän tuohon sanoisi")
        assert question["question_id"] == first["question_id"]  # never taken as yes or no
        assert any("En ymmärtänyt" in t or "Valitse vielä" in t for t in reply.texts)
    assert any("116117" in t for t in reply.texts)  # after two tries: the buttons, "lopeta" and 116117


def test_back_returns_to_the_previous_question(client, sender):
    _, first = step(client, sender, "korva on kipeä, olen 40 v")
    _, second = step(client, sender, "ei")
    assert second["question_id"] != first["question_id"]
    _, question = step(client, sender, "takaisin")
    assert question["question_id"] == first["question_id"]


def test_stop_ends_the_triage_politely(client, sender):
    step(client, sender, "selkä on kipeä")
    reply, _ = step(client, sender, "lopeta")
    assert any("Keskeytin" in t for t in reply.texts)
    assert "Neuvokas" in client.rest(sender, "moi").texts[0]


def test_yes_to_a_red_flag_question_gives_112(client, sender):
    step(client, sender, "rintaan sattuu, olen 50 v")
    reply, result = step(client, sender, "no joo kyllä se puristaa")  # Finnish "no" is "well"
    assert result["state"] == "result" and result["level"] == "EMERGENCY"
    assert reply.custom("emergency")["number"] == "112"


def test_red_flag_message_in_the_middle_of_a_triage_ends_it(client, sender):
    step(client, sender, "mulla on vatsakipua, olen 40 v")
    reply, _ = step(client, sender, "nyt en saa henkeä")
    assert reply.custom("emergency")["number"] == "112"
    tracker = client.tracker(sender)
    assert not (tracker.get("active_loop") or {}).get("name")


def test_situation_triage_same_day_points_to_social_emergency(client, sender):
    reply, question = step(client, sender, "mulla ei oo rahaa ruokaan")
    assert question["kind"] == "situation" and question["protocol"] == "money_food"
    reply, question = step(client, sender, "kyllä")
    for _ in range(6):
        if question and question["state"] == "result":
            break
        if question is None:
            reply, question = step(client, sender, "Lemi")
        else:
            reply, question = step(client, sender, "ei")
    assert question["level"] == "SAME_DAY"
    assert any("Sosiaalipäivystys" in t for t in reply.texts)


def test_symptom_button_without_words_asks_which_complaint(client, sender):
    reply, question = step(client, sender, "/report_symptom")
    assert question["question_id"] == "protocol"
    _, question = step(client, sender, "Kurkkukipu")
    assert question["protocol"] == "sore_throat"
