"""Conversations through the real Rasa server (REST channel), trained model and action server."""
import pytest


def test_greeting_offers_the_main_choices(client, sender):
    reply = client.rest(sender, "moi")
    assert reply.status == 200
    assert "Neuvokas" in reply.texts[0]
    titles = [b["title"] for m in reply.body for b in m.get("buttons", [])]
    assert "Haluan puhua ihmisen kanssa" in titles


def test_help_says_what_the_bot_can_do(client, sender):
    text = " ".join(client.rest(sender, "mitä sä osaat?").texts)
    for topic in ("palvelu", "oire", "elämäntilante", "112"):
        assert topic in text.lower()


def test_gibberish_gets_the_fallback_buttons(client, sender):
    reply = client.rest(sender, "xqzv prrt wkkl")
    assert reply.status == 200
    payloads = {b["payload"] for m in reply.body for b in m.get("buttons", [])}
    assert {"/find_service", "/report_symptom", "/report_situation", "/request_human"} <= payloads


def test_out_of_scope_is_answered_politely(client, sender):
    reply = client.rest(sender, "kerro vitsi")
    assert "en osaa auttaa" in reply.texts[0].lower()


def test_service_question_asks_the_place_once_and_remembers_it(client, sender):
    first = client.rest(sender, "missä on lähin hammaslääkäri")
    assert any("kunnassa" in t for t in first.texts)
    second = client.rest(sender, "asun Imatralla")
    services = second.custom("services")
    assert services == {**services, "type": "services", "service_type": "dental", "municipality": "Imatra"}
    assert any(item["phone"] == "116117" for item in services["items"])
    third = client.rest(sender, "entä neuvola?")
    services = third.custom("services")
    assert services is not None and services["municipality"] == "Imatra", third.body
    assert services["service_type"] == "child_clinic"


def test_inflected_village_resolves_to_its_municipality(client, sender):
    reply = client.rest(sender, "missä on labra Taavetissa")
    services = reply.custom("services")
    assert services["service_type"] == "laboratory"
    assert services["municipality"] == "Luumäki"


def test_unknown_place_is_asked_again_politely(client, sender):
    client.rest(sender, "etsin terveysasemaa")
    reply = client.rest(sender, "Tampereella")
    assert any("Etelä-Karjalan" in t for t in reply.texts), reply.body


def test_request_for_a_person_asks_the_team_then_queues_with_the_handoff_payload(client, sender):
    reply = client.rest(sender, "haluan puhua ihmisen kanssa")
    assert "terveyttä vai elämäntilannetta" in reply.texts[0] and reply.custom("handoff") is None
    reply = client.rest(sender, '/request_human{"handoff_team": "health"}')
    handoff = reply.custom("handoff")
    assert handoff["state"] == "queued" and handoff["team"] == "health"
    assert handoff["position"] >= 1 and handoff["estimated_wait_min"] >= 1
    assert f"sijalla {handoff['position']}" in reply.texts[0] and "112" in reply.texts[0]
    assert client.rest(sender, "peru").texts, "leaving the queue: the bot answers again"


def test_request_for_a_person_when_the_team_is_closed_gets_the_phone_services(client, sender):
    reply = client.rest(sender, '/request_human{"handoff_team": "social"}')  # closed in the tests' hours
    assert reply.custom("handoff") == {"type": "handoff", "state": "unavailable", "team": "social",
                                       "position": None, "estimated_wait_min": None}
    assert "09 2525 0111" in reply.texts[0] and "080 005 005" in reply.texts[0] and "112" in reply.texts[0]


@pytest.mark.parametrize("text,flag", [
    ("rintaa puristaa kovasti ja hikoiluttaa", "chest_pain"),
    ("isän suupieli roikkuu ja puhe sammaltaa", "stroke"),
    ("mä en halua enää elää", "suicidal"),
    ("lapsi joi pesuainetta", "poisoning"),
])
def test_red_flag_gets_112_and_the_emergency_payload(client, sender, text, flag):
    reply = client.rest(sender, text)
    emergency = reply.custom("emergency")
    assert emergency is not None, reply.body
    assert emergency["number"] == "112" and emergency["reason"]
    assert "112" in reply.texts[0]


def test_poisoning_also_gives_the_poison_information_centre(client, sender):
    assert "0800 147 111" in client.rest(sender, "vauva söi pillereitä").texts[0]


def test_red_flag_inside_the_form_wins_and_ends_the_form(client, sender):
    client.rest(sender, "etsin hammashoitolaa")
    reply = client.rest(sender, "apua mies on tajuton")
    assert reply.custom("emergency")["number"] == "112"
    tracker = client.tracker(sender)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    # The conversation goes on normally afterwards.
    assert client.rest(sender, "kiitos").texts


def test_red_flag_in_the_middle_of_a_service_question(client, sender):
    reply = client.rest(sender, "missä on terkkari? muuten en saa henkeä kunnolla")
    assert reply.custom("emergency") is not None


def test_symptom_message_starts_a_triage_with_buttons(client, sender):
    reply = client.rest(sender, "kurkku on ollut kipeä kolme päivää")
    question = reply.custom("triage")
    assert question["state"] == "question" and question["protocol"] == "sore_throat"
    assert {"Kyllä", "Ei", "En tiedä"} <= {o["title"] for o in question["options"]} or question["question_id"] in ("who", "age")


def test_violence_situation_triage_ends_with_nollalinja(client, sender):
    reply = client.rest(sender, "puoliso kontrolloi ja pelottaa kotona, tarviin apua väkivaltaan")
    for _ in range(10):
        if reply.custom("triage") and reply.custom("triage")["state"] == "result":
            break
        if any("kunnassa" in t for t in reply.texts):
            reply = client.rest(sender, "Imatra")
        else:
            reply = client.rest(sender, "ei")
    assert reply.custom("triage")["state"] == "result"
    assert any("080 005 005" in t for t in reply.texts)
