"""The bundled Etelä-Karjala demo directory: complete, marked as demo, loadable without problems."""
import pytest

from bot.directory.models import MOBILE_UNIT
from bot.directory.ptv import load_file
from bot.directory.store import BUNDLED, default_directory
from bot.lexicon import default_lexicon
from bot.places import default_gazetteer

PRODUCT_TYPES = set(default_lexicon().values("service_type"))


@pytest.fixture(scope="module")
def report():
    return load_file(BUNDLED / "etela-karjala-demo.json")


def test_demo_file_loads_cleanly(report):
    assert not report.skipped and not report.warnings


def test_at_least_eighty_channels_all_marked_demo(report):
    assert len(report.imported) >= 80
    assert all(c.demo for c in report.imported)


def test_every_service_type_is_covered():
    assert default_directory().service_types() >= PRODUCT_TYPES


def test_every_municipality_has_a_health_station_or_service_point(report):
    municipalities = {c.municipality for c in report.imported if c.municipality}
    assert municipalities >= {p.name for p in default_gazetteer().municipalities}


def test_mobile_units_have_stop_schedules(report):
    units = [c for c in report.imported if c.kind == MOBILE_UNIT]
    assert len(units) >= 2 and all(len(u.stops) > 50 for u in units)
    villages = {s.place for u in units for s in u.stops}
    assert {"Ylämaa", "Nuijamaa", "Uukuniemi"} <= villages


def test_national_services_are_real_and_not_demo():
    national = {c.phone: c for c in default_directory().channels if c.id.startswith("national-")}
    assert set(national) == {"112", "116117", "0800 147 111", "09 2525 0111", "080 005 005"}
    assert not any(c.demo for c in national.values())
