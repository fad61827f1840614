"""Emergencies through the real bot: answered at once, in the resident's language, with the right line.

Issue 15: a stated suicide plan, violence happening now and a person who does not wake up get 112
at once, with the 24/7 line and a safety sentence, and no confirming question first; Swedish and
English emergencies get the 112 instruction in that language, also inside a triage.
"""
import pytest


@pytest.mark.parametrize("text,line", [
    ("olen päättänyt lopettaa elämäni tänä iltana, pillerit on jo tässä", "09 2525 0111"),
    ("mieheni lyö minua juuri nyt, olen lukittautunut vessaan", "080 005 005"),
    ("exä on oven takana ja uhkaa tappaa mut", "080 005 005"),
])
def test_direct_emergency_is_answered_at_once_with_the_right_line(client, sender, text, line):
    reply = client.rest(sender, text)
    assert reply.custom("emergency")["number"] == "112", reply.body
    text_out = " ".join(reply.texts)
    assert "112" in text_out and line in text_out
    assert reply.custom("triage") is None  # no confirming question before 112


def test_a_person_who_does_not_wake_up(client, sender):
    reply = client.rest(sender, "naapurin mummo makaa pihalla eikä herää vaikka huudan")
    assert reply.custom("emergency")["number"] == "112"
    assert "kylkiasentoon" in reply.texts[0]


@pytest.mark.parametrize("text,language_words", [
    ("min pappa har ramlat och vaknar inte", "Ring nödnumret 112"),
    ("jag har ett tryck över bröstet som strålar ut i vänster arm", "Ring nödnumret 112"),
    ("my wife is shaking all over and foaming at the mouth and won't respond", "Call the emergency number 112"),
    ("I swallowed a whole bottle of sleeping pills with wine", "Call the emergency number 112"),
])
def test_swedish_and_english_emergencies_get_112_in_that_language(client, sender, text, language_words):
    reply = client.rest(sender, text)
    assert reply.custom("emergency")["number"] == "112", reply.body
    assert language_words in reply.texts[0]


def test_finnish_after_swedish_switches_the_answer_back(client, sender):
    assert "Ring nödnumret" in client.rest(sender, "hjälp min son andas inte").texts[0]
    assert "Soita heti" in client.rest(sender, "nyt isä ei hengitä ollenkaan").texts[0]


def test_an_emergency_inside_a_triage_in_english(client, sender):
    first = client.rest(sender, "mulla on kuumetta")
    assert first.custom("triage")["state"] == "question"
    reply = client.rest(sender, "help my dad collapsed and he is not breathing")
    assert reply.custom("emergency")["number"] == "112"
    assert "Call the emergency number 112" in reply.texts[0]


@pytest.mark.parametrize("text", [
    "ei ole rintakipua eikä hengenahdistusta, kysyisin vain reseptin uusimisesta",
    "isälläni oli aivoinfarkti viime vuonna, miten saan hänelle kuntoutusta",
    "nielurisat on turvoksissa ja nieleminen sattuu",
    "var finns närmaste hälsocentral",
])
def test_look_alikes_do_not_alarm(client, sender, text):
    assert client.rest(sender, text).custom("emergency") is None


# Free-text answers inside a questionnaire on which the semantic detector is unsure (no rule, no
# clear flag or a probability below bot.redflags.SURE_PROBABILITY); the first the detector marks
# unsure is used, so the test follows the trained weights instead of pinning one of them.
UNSURE_CANDIDATES = [
    "En tiedä, otti ibuprofeenia ja on pitänyt jäitä",
    "Oikeen puolen ylähampaita särkee, ja poskia ja otsaa painaa varsinki kumartuessa",
    "En tiedä, kives ja sen takana oleva kohta on turvonnut ja kipeä",
    "pieniä määriä pystyn juomaan ja ne pysyy sisällä, oksensin kerran aamulla",
]


def _unsure_answer() -> str:
    from bot.redflags import default_detector

    for text in UNSURE_CANDIDATES:
        found = default_detector().detect(text)
        if found is not None and not found.sure:
            return text
    pytest.fail("none of the candidates is an unsure semantic alarm any more: pick new ones")


def test_an_unsure_alarm_on_an_answer_inside_a_triage_lets_the_questionnaire_judge_it(client, sender):
    """The protocol's own danger-sign questions judge an unsure alarm on an answer, to the end of the
    questionnaire (where the bot moves on to the place question in the same turn); the rules and
    sure alarms still win at once (test_an_emergency_inside_a_triage_in_english)."""
    answer = _unsure_answer()
    reply = client.rest(sender, "nilkka vääntyi koripallossa ja on turvoksissa, oon 30")
    assert reply.custom("triage")["state"] == "question", reply.body
    for _ in range(20):
        reply = client.rest(sender, answer)
        assert reply.custom("emergency") is None, reply.body
        triage = reply.custom("triage")
        if triage is None or triage["state"] != "question":
            break  # the place question or the result
    else:
        pytest.fail("the questionnaire never ended")
    # A rule's red flag after it still gets 112 at once.
    assert client.rest(sender, "nyt se ei herää eikä hengitä").custom("emergency")["number"] == "112"


def test_the_same_unsure_words_as_a_first_message_still_get_112(client, sender):
    assert client.rest(sender, _unsure_answer()).custom("emergency")["number"] == "112"
