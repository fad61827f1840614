"""Service answers: nearest first, open now / next open, phone hours, e-services, stops, fallbacks."""
from datetime import datetime

import pytest

from bot.directory.answer import answer, question_focus
from bot.directory.hours import HELSINKI
from bot.directory.store import default_directory
from bot.places import default_gazetteer

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=HELSINKI)
MONDAY_17 = datetime(2026, 11, 23, 17, 0, tzinfo=HELSINKI)
CHRISTMAS = datetime(2026, 12, 25, 10, 0, tzinfo=HELSINKI)


def ask(service_type, place, question="", moment=MONDAY_10):
    return answer(default_directory(), service_type, default_gazetteer().get(place), question, moment)


def test_nearest_dental_from_imatra_is_in_imatra():
    result = ask("dental", "Imatra", "missä on lähin hammashoitola")
    first = result.payload["items"][0]
    assert result.payload == {**result.payload, "type": "services", "service_type": "dental", "municipality": "Imatra"}
    assert first["municipality"] == "Imatra" and first["open_now"] is True and first["distance_km"] < 10
    distances = [i["distance_km"] for i in result.payload["items"] if i["distance_km"] is not None]
    assert distances == sorted(distances)


def test_village_uses_its_own_coordinates():
    result = ask("laboratory", "Taavetti")
    assert result.payload["municipality"] == "Luumäki"
    assert result.payload["items"][0]["name"] == "Laboratorio, Taavetti"


def test_closed_service_says_when_it_opens():
    text = ask("dental", "Imatra", moment=MONDAY_17).text
    assert "Suljettu nyt, avautuu huomenna klo 7.30" in text


def test_holiday_closes_and_names_next_opening():
    text = ask("health_station", "Lemi", moment=CHRISTMAS).text
    assert "avautuu ma 28.12. klo 8" in text


def test_emergency_department_open_now_and_national_helpline():
    result = ask("emergency_dept", "Parikkala", moment=CHRISTMAS)
    names = [i["name"] for i in result.payload["items"]]
    assert "Yhteispäivystys, Lappeenranta" in names and "Päivystysapu 116117" in names
    assert "Avoinna ympäri vuorokauden" in result.text


def test_phone_service_hours_today():
    result = ask("social_services", "Imatra", "sosiaalitoimiston puhelinnumero")
    assert "puh." in result.text and "palvelee tänään 9–11" in result.text


def test_e_service_link_is_given():
    result = ask("health_station", "Lappeenranta", "voinko varata ajan netissä")
    assert any(i["url"] and i["url"].startswith("https://") for i in result.payload["items"])


def test_mobile_unit_next_stops_in_a_village():
    result = ask("mobile_unit", "Ylämaa", "milloin palvelubussi tulee")
    stops = [i["stop"] for i in result.payload["items"]]
    assert stops and all(s["place"] == "Ylämaa" for s in stops)
    assert all(s["date"] >= "2026-11-23" for s in stops) and stops == sorted(stops, key=lambda s: s["date"])
    assert "Ylämaa" in result.text


def test_mobile_unit_without_stops_in_the_place_offers_the_nearest_stops():
    result = ask("mobile_unit", "Imatrankoski")
    assert result.payload["items"], result.text


def test_service_only_by_phone_is_answered_with_the_phone():
    result = ask("social_emergency", "Lemi")
    assert result.payload["items"][0]["name"] == "Sosiaalipäivystys"
    assert "avoinna ympäri vuorokauden" in result.text


def test_answers_mark_demo_data_and_emergency_number():
    text = ask("dental", "Imatra").text
    assert "esimerkkitietoja" in text and "112" in text


@pytest.mark.parametrize("question,focus", [
    ("Imatran terveysaseman puhelinnumero", {"phone"}), ("voinko asioida netissä", {"eservice"}),
    ("milloin palvelubussi tulee Ylämaalle", {"stops"}), ("missä on lähin hammashoitola", set()),
])
def test_question_focus(question, focus):
    assert question_focus(question) == focus
