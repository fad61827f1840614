"""PTV v11 import: the fixture's fields map onto the directory; broken records are reported, not fatal."""
import json
from datetime import datetime
from pathlib import Path

import pytest

from bot.directory.hours import HELSINKI, status
from bot.directory.importer import import_file
from bot.directory.models import E_CHANNEL, MOBILE_UNIT, PHONE, SERVICE_LOCATION, WEB_PAGE
from bot.directory.ptv import load_file, load_records, tm35fin_to_wgs84

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def fixture():
    report = load_file(DATA / "ptv_fixture.json")
    return {c.id[-1]: c for c in report.imported}, report


def test_all_fixture_records_import(fixture):
    channels, report = fixture
    assert len(channels) == 6 and not report.skipped


def test_service_location_fields(fixture):
    c = fixture[0]["1"]
    assert c.kind == SERVICE_LOCATION and c.name == "Imatran hammashoitola"
    assert c.service_types == ("dental",)  # inferred from the name
    assert c.municipality == "Imatra" and c.address == "Tainionkoskentie 10, 55100 Imatra"
    assert c.phone == "0500000201" and c.phones[0].charge_type == "Charged"
    assert c.web_url.endswith("imatra-hammashoito") and c.languages == ("fi", "sv")
    # ETRS-TM35FIN metres converted to WGS84 degrees, in Imatra.
    assert 61.1 < c.lat < 61.25 and 28.7 < c.lon < 28.9


def test_hours_from_ptv(fixture):
    c = fixture[0]["1"]
    assert status(c.hours, datetime(2026, 11, 27, 14, 30, tzinfo=HELSINKI)).open_now is False  # Friday until 14
    assert status(c.hours, datetime(2026, 11, 26, 14, 30, tzinfo=HELSINKI)).open_now is True
    assert status(c.hours, datetime(2026, 12, 23, 10, tzinfo=HELSINKI)).open_now is False  # exceptional closure


def test_phone_echannel_webpage_and_areas(fixture):
    channels = fixture[0]
    assert channels["2"].kind == PHONE and channels["2"].area_municipalities == ("Imatra", "Lappeenranta")
    assert channels["2"].serves("Imatra") and not channels["2"].serves("Lemi")
    assert status(channels["2"].hours, datetime(2026, 12, 25, 3, tzinfo=HELSINKI)).always_open
    assert channels["3"].kind == E_CHANNEL and channels["3"].e_service_url == "https://example.invalid/ajanvaraus"
    assert channels["3"].service_types == ("health_station",) and channels["3"].municipality == "Lappeenranta"
    assert channels["6"].kind == WEB_PAGE and channels["6"].service_types == ("caregiver_support",)


def test_over_midnight_and_wgs84_coordinates(fixture):
    c = fixture[0]["4"]
    assert (c.lat, c.lon) == (61.0587, 28.1887)
    assert status(c.hours, datetime(2026, 11, 28, 3, tzinfo=HELSINKI)).open_now  # Saturday 03:00
    assert not status(c.hours, datetime(2026, 11, 28, 5, tzinfo=HELSINKI)).open_now


def test_mobile_unit_stops(fixture):
    c = fixture[0]["5"]
    assert c.kind == MOBILE_UNIT and [s.place for s in c.stops] == ["Ylämaa", "Nuijamaa"]
    assert c.stops[0].municipality == "Lappeenranta" and c.stops[0].address == "kirjaston piha"


def test_broken_records_are_reported_and_skipped():
    report = load_file(DATA / "ptv_broken.json")
    reasons = {p.record.split()[0]: p.reason for p in report.skipped}
    assert {c.id for c in report.imported} == {"b-9", "b-11"}
    assert reasons["#0"] == "missing id"
    assert "name" in reasons["#1"] and "Fax" in reasons["#2"]
    assert reasons["#3"] == reasons["#4"] == "record is not a JSON object"
    assert "phoneNumbers" in reasons["#5"] and "service type" in reasons["#6"]
    assert "not published" in reasons["#7"] and "duplicate id" in reasons["#9"]
    warned = " ".join(p.reason for p in report.warnings)
    assert "coordinates" in warned and "service hours skipped" in warned and "mobile stop skipped" in warned


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2"])
def test_unreadable_file_is_reported(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    report = load_file(path)
    assert not report.imported and "not readable JSON" in report.skipped[0].reason


def test_tm35fin_conversion_matches_known_point():
    lat, lon = tm35fin_to_wgs84(6672000, 385600)  # central Helsinki
    assert abs(lat - 60.1688) < 0.001 and abs(lon - 24.9383) < 0.001


def test_import_command_keeps_only_good_records(tmp_path):
    result = import_file(DATA / "ptv_broken.json", tmp_path, name="county")
    assert result["imported"] == 2 and len(result["skipped"]) == 9
    saved = json.loads((tmp_path / "county.json").read_text())
    assert [r["id"] for r in saved["itemList"]] == ["b-9", "b-11"]
    assert len(load_file(tmp_path / "county.json").imported) == 2


def test_generated_ten_thousand_channels_import(tmp_path):
    template = json.loads((DATA / "ptv_fixture.json").read_text())["itemList"][0]
    records = [{**template, "id": f"gen-{i}"} for i in range(10_000)]
    report = load_records(records)
    assert len(report.imported) == 10_000 and not report.skipped
