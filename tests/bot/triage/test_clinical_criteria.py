"""Whole protocols against published criteria: a resident who has exactly the findings a guideline
names, and answers every other question "ei", reaches the level that guideline sets.

The oracle is the guideline named in each case, not the protocol's own `yes` levels. The findings
are written as the resident's own answers to whatever the bot asks, matched by what the question is
about (its words), so the test does not depend on question ids either.
"""
import re

import pytest

from bot.triage import engine

LEVELS = ["EMERGENCY", "EMERGENCY_DEPT", "SAME_DAY", "ROUTINE", "SELF_CARE"]


def play(opening: str, present: list[str], person: dict) -> tuple[str, list[str]]:
    """Answers "kyllä" to a question whose text matches one of `present` (regular expressions over
    the question), "ei" to every other yes/no question, and the person's facts to who/age/sex."""
    state, asked = engine.start(opening, "symptom"), []
    for _ in range(60):
        question = engine.current_question(state)
        if question is None:
            break
        text = engine.question_text(state, question)
        asked.append(text)
        if question.id in person:
            reply = person[question.id]
        elif question.type == "duration":
            reply = person.get("duration", "2 päivää")
        elif question.type == "number":
            reply = person.get("number", "en tiedä")
        else:
            reply = "kyllä" if any(re.search(p, text, re.I) for p in present) else "ei"
        state, _ = engine.answer(state, reply)
    return engine.result(state).level, asked


ADULT_MAN = {"who": "omista", "age": "40", "sex": "mies"}
ADULT_WOMAN = {"who": "omista", "age": "28", "sex": "nainen"}
CHILD_3 = {"who": "lapseni", "age": "3 v", "sex": "tyttö"}


@pytest.mark.parametrize("case,opening,present,person,level", [
    # NICE CKS "Burns and scalds": superficial epidermal burns (redness, no blisters) are managed at
    # home wherever they are; a blistering (partial-thickness) burn of the hand is referred.
    ("scald, redness only, back of the hand", "poltin käden kuumalla vedellä, punottaa ja kirvelee",
     [], ADULT_MAN, "SELF_CARE"),
    ("scald with blisters on the hand", "poltin käden kuumalla vedellä",
     [r"rakkul", r"kädessä"], ADULT_MAN, "EMERGENCY_DEPT"),
    # NICE CKS "Chest infections – adult": pleuritic pain with cough and fever is a sign of pneumonia,
    # assessed the same day; not an ambulance when there is no pressing pain at rest.
    ("cough and fever with pleuritic pain", "yskä ja kuume ei hellitä, nyt jo viides päivä",
     [r"pistää.*(yski|hengit)"], {**ADULT_MAN, "number": "38,5", "duration": "5 päivää"}, "SAME_DAY"),
    # Käypä hoito "Äkillinen välikorvatulehdus": a small child's feverish ear pain is examined (otoscopy).
    ("3-year-old, ear pain and fever 38.5", "3v tyttö heräs yöllä itkien et korvaan sattuu, kuumetta oli 38,5",
     [], CHILD_3, "SAME_DAY"),
    # Käypä hoito "Virtsatieinfektiot": typical cystitis in a woman is treated promptly, often by phone.
    ("woman with dysuria and frequency", "pissatessa kirvelee ja koko ajan pitää käydä vessassa",
     [r"kirvel"], ADULT_WOMAN, "SAME_DAY"),
    # NICE NG158: suspected DVT (one-sided calf swelling) gets an ultrasound within 4 hours.
    ("one-sided calf swelling after a long flight", "oikee pohje on turvonnu ja kipee, tulin viikko sitte pitkältä lennolta",
     [r"vain toinen jalka", r"ilman selvää syytä", r"punoittava"], {**ADULT_MAN, "age": "55"}, "EMERGENCY_DEPT"),
    # Early-pregnancy spotting without pain: assessed the same day; heavy bleeding: emergency department
    # (Terveyskylä Naistentalo, "Verenvuoto raskauden aikana").
    ("spotting in early pregnancy", "oon raskaana ja nyt tuli vähän ruskeeta vuotoo",
     [r"^vuotaako emättimestä", r"^oletko raskaana"], ADULT_WOMAN, "SAME_DAY"),
    ("heavy bleeding in pregnancy", "oon raskaana ja vuotaa verta",
     [r"^vuotaako emättimestä", r"^oletko raskaana", r"^onko vuoto runsasta"], ADULT_WOMAN, "EMERGENCY_DEPT"),
    # NICE CKS "Gout": a sudden red, hot, very painful joint is treated promptly; "Septic arthritis":
    # a hot swollen joint with fever is an emergency referral.
    ("gout attack of the big toe", "isovarpaan tyvinivel turposi yöllä punaseks ja on ihan hirveen kipee",
     [r"punoittava, kuuma", r"äkillisesti"], {**ADULT_MAN, "age": "58"}, "SAME_DAY"),
    ("hot swollen knee with fever", "polvi turposi ja on kuuma, eikä mitään vammaa",
     [r"punoittava, kuuma", r"kuumetta"], ADULT_WOMAN, "EMERGENCY_DEPT"),
    # NICE CKS "Osteoarthritis": wear-and-tear knee pain is managed with exercise and painkillers.
    ("knee pain on stairs, two weeks", "polvi kipee portaissa, oon 70", [],
     {**ADULT_WOMAN, "age": "70", "duration": "2 viikkoa"}, "SELF_CARE"),
    # Käypä hoito "Itsemurhien ehkäisy", NICE NG225: thoughts of self-harm without a plan are
    # assessed promptly (the same day); a plan, intent or an act now is an emergency.
    ("passive suicidal thoughts, no plan", "oon ollu tosi masentunut ja välillä tuntuu et ois parempi olla heräämättä",
     [r"ajatuksia vahingoittaa"], ADULT_WOMAN, "SAME_DAY"),
    ("suicidal thoughts with a plan", "oon ollu tosi masentunut ja ahdistunut",
     [r"ajatuksia vahingoittaa", r"suunnitelma"], ADULT_WOMAN, "EMERGENCY"),
    # NICE NG12 / Käypä hoito "Ihomelanooma": a mole that has grown or changed colour is examined soon.
    ("a mole that has grown and changed colour", "selässä luomi joka on kasvanu ja muuttanu väriä",
     [], {**ADULT_MAN, "age": "50", "duration": "2 kuukautta"}, "ROUTINE"),
    # NICE NG12: a new breast lump is referred and seen within two weeks (an appointment booked now);
    # NICE CKS "Mastitis": a red, hot, tender breast while breastfeeding is assessed the same day.
    ("a painless breast lump", "löysin rinnasta kyhmyn suihkussa, ei satu", [], {**ADULT_WOMAN, "age": "47"}, "ROUTINE"),
    ("mastitis while breastfeeding", "imetän ja oikea rinta on punainen ja kuuma", [], ADULT_WOMAN, "SAME_DAY"),
    # NICE NG98: hearing that has gone down gradually, without pain, is referred for an ordinary
    # hearing assessment; it is no same-day ear complaint.
    ("gradual hearing loss without pain", "kuulo on huonontunu pikkuhiljaa, varsinkin vasen korva",
     [r"vähitellen"], {**ADULT_MAN, "age": "66"}, "ROUTINE"),
])
def test_protocol_reaches_the_guideline_level(case, opening, present, person, level):
    reached, asked = play(opening, present, person)
    assert reached == level, f"{case}: {reached}\n" + "\n".join(asked)


def test_a_tick_bite_is_not_asked_the_sting_questions():
    _, asked = play("punkki puri eilen, poistin sen", [], ADULT_MAN)
    sting_only = r"nokkosihottum|oksentelua tai kovaa vatsakipua|samanlaisesta pistoksesta|suuhun tai nieluun|yli kymmenen|iso turvotus"
    assert not any(re.search(sting_only, q, re.I) for q in asked), asked


def test_pain_questions_can_be_answered_by_someone_who_took_no_painkiller():
    from bot.triage.protocol import protocols

    for protocol in protocols().values():
        for question in protocol.questions:
            assert not re.search(r"(särky|kipu)lääke (ei )?auta", question.text), (protocol.id, question.text)


def test_a_second_complaint_the_router_finds_gets_its_danger_signs_asked():
    """"Säären iho punainen ja kuuma, vähän kuumetta" runs one protocol and asks the other's
    emergency questions too, although no keyword named the skin infection."""
    state = engine.start("Säären iho on punanen ja kuuma, ja mul on vähän kuumetta. alko toissapäivänä", "symptom")
    chosen = state["protocol"]
    assert {"fever", "skin_infection"} <= {chosen, *state.get("also", [])}


def test_advice_lines_do_not_speak_to_the_writer_about_the_patients_own_state():
    """Advice lines are shown to someone writing for a child or a parent too: "olet käynyt
    malaria-alueella" told a parent that they had travelled (heldout3 plays)."""
    from bot.triage.protocol import protocols

    for protocol in protocols().values():
        for line in [*protocol.self_care, *protocol.seek_care_if]:
            assert not re.search(r"\b(olet käynyt|sinulla on|sopii sinulle|sinun \w+si)\b", line), (protocol.id, line)


def test_a_named_complaint_wins_over_a_general_protocol_the_router_likes():
    """"Lapsi kaato kuumaa teetä päälleen" names a burn: the general ill-child protocol would ask
    nothing about it (heldout3 plays)."""
    assert engine.start("lapsi kaato kuumaa teetä päälleen, mitä siihen laitetaan", "symptom")["protocol"] == "burns"
