"""Writes the bundled demo service directory of Etelä-Karjala in PTV v11 JSON format.

    .venv/bin/python scripts/generate_demo_directory.py  ->  bot/data/directory/etela-karjala-demo.json

Municipality and village names and locations are real (bot/data/places.yml). Every address,
phone number, opening hour and mobile-unit stop of a regional service point is DEMO data and
each record says so (`"demo": true`); phone numbers use the unallocated 05 000 range.
Output is deterministic: the same script writes the same file.
"""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from bot.places import default_gazetteer

OUT = Path(__file__).resolve().parent.parent / "bot" / "data" / "directory" / "etela-karjala-demo.json"
WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
STOPS_FROM, STOPS_TO = date(2026, 11, 2), date(2027, 12, 31)
_phone_seq = iter(range(100, 1000))


def phone() -> str:
    n = next(_phone_seq)
    return f"05 000 0{n:03d}"


def names(value: str) -> list[dict]:
    return [{"type": "Name", "value": value, "language": "fi"}]


def weekly(days: tuple, start: str, end: str, **extra) -> dict:
    return {"serviceHourType": "DaysOfTheWeek", "validFrom": "2026-01-01T00:00:00", "validTo": None,
            "isClosed": False, "isAlwaysOpen": False,
            "openingHour": [{"dayFrom": d, "dayTo": None, "from": f"{start}:00", "to": f"{end}:00"} for d in days],
            **extra}


def always_open() -> dict:
    return {"serviceHourType": "DaysOfTheWeek", "validFrom": None, "validTo": None, "isClosed": False,
            "isAlwaysOpen": True, "openingHour": []}


def exceptional(day: str, start: str | None = None, end: str | None = None, info: str = "") -> dict:
    return {"serviceHourType": "Exceptional", "validFrom": f"{day}T00:00:00", "validTo": f"{day}T23:59:59",
            "isClosed": start is None, "isAlwaysOpen": False,
            "openingHour": [] if start is None else [{"dayFrom": None, "dayTo": None, "from": f"{start}:00", "to": f"{end}:00"}],
            "additionalInformation": [{"value": info, "language": "fi"}] if info else []}


def area(municipalities: list[str]) -> list[dict]:
    g = default_gazetteer()
    return [{"type": "Municipality", "municipalities": [
        {"code": "", "name": [{"language": "fi", "value": m}]} for m in municipalities if g.get(m)]}]


counter = {"n": 0}
channels: list[dict] = []


def location(name: str, types: list[str], place: str, street: str, postal: str, hours: list[dict],
             offset: tuple[float, float] = (0.0, 0.0), languages=("fi",), web: str = "", extra_phone: bool = True) -> None:
    g = default_gazetteer()
    p = g.get(place)
    counter["n"] += 1
    channels.append({
        "id": f"demo-ek-{counter['n']:03d}", "serviceChannelType": "ServiceLocation", "demo": True,
        "publishingStatus": "Published", "serviceChannelNames": names(name), "serviceTypes": types,
        "organizationNames": names("Etelä-Karjalan hyvinvointialue (demo)"),
        "areaMunicipalities": [{"name": [{"language": "fi", "value": p.municipality}]}],
        "addresses": [{"type": "Location", "subType": "Single", "streetAddress": {
            "street": [{"value": street.rsplit(" ", 1)[0], "language": "fi"}], "streetNumber": street.rsplit(" ", 1)[1],
            "postalCode": postal, "postOffice": [{"value": place.upper() if p.kind == "municipality" else p.municipality.upper(), "language": "fi"}],
            "municipality": {"name": [{"language": "fi", "value": p.municipality}]},
            "latitude": str(round(p.lat + offset[0], 5)), "longitude": str(round(p.lon + offset[1], 5))}}],
        "phoneNumbers": [{"number": phone(), "prefixNumber": "+358", "serviceChargeType": "Charged", "language": "fi"}] if extra_phone else [],
        "webPages": [{"url": web, "value": name, "language": "fi"}] if web else [],
        "languages": list(languages), "serviceHours": hours,
    })


def remote(kind: str, name: str, types: list[str], municipalities: list[str], hours: list[dict],
           url: str = "", description: str = "") -> None:
    counter["n"] += 1
    record = {
        "id": f"demo-ek-{counter['n']:03d}", "serviceChannelType": kind, "demo": True,
        "publishingStatus": "Published", "serviceChannelNames": names(name), "serviceTypes": types,
        "organizationNames": names("Etelä-Karjalan hyvinvointialue (demo)"),
        "serviceChannelDescriptions": [{"type": "Summary", "value": description, "language": "fi"}] if description else [],
        "areas": area(municipalities), "languages": ["fi"], "serviceHours": hours,
        "phoneNumbers": [{"number": phone(), "prefixNumber": "+358", "serviceChargeType": "Charged", "language": "fi"}] if kind == "Phone" else [],
    }
    if url:
        record["url"] = url
        record["webPages"] = [{"url": url, "value": name, "language": "fi"}]
    channels.append(record)


def mobile(name: str, types: list[str], villages: list[tuple[str, int, str, str]], municipalities: list[str]) -> None:
    """`villages`: (place, weekday 0=Mon, from, to); a stop on that weekday every other week."""
    stops = []
    day = STOPS_FROM
    week = 0
    while day <= STOPS_TO:
        for place, weekday, start, end in villages:
            stop_day = day + timedelta(days=weekday)
            if (week + weekday) % 2 == 0 and stop_day <= STOPS_TO:
                stops.append({"place": place, "date": stop_day.isoformat(), "from": start, "to": end,
                              "address": "kylätalon piha (demo)"})
        day += timedelta(days=7)
        week += 1
    counter["n"] += 1
    channels.append({
        "id": f"demo-ek-{counter['n']:03d}", "serviceChannelType": "ServiceLocation", "demo": True,
        "publishingStatus": "Published", "serviceChannelNames": names(name), "serviceTypes": types,
        "organizationNames": names("Etelä-Karjalan hyvinvointialue (demo)"), "areas": area(municipalities),
        "phoneNumbers": [{"number": phone(), "prefixNumber": "+358", "serviceChargeType": "Charged", "language": "fi"}],
        "languages": ["fi"], "serviceHours": [], "mobileStops": sorted(stops, key=lambda s: (s["date"], s["from"])),
    })


ALL = ["Lappeenranta", "Imatra", "Lemi", "Luumäki", "Parikkala", "Rautjärvi", "Ruokolahti", "Savitaipale", "Taipalsaari"]
HS_HOURS = [weekly(WEEK, "08", "16"), exceptional("2026-12-23", "08", "12", "aatonaattona lyhennetty"),
            exceptional("2026-12-31", "08", "12", "uudenvuodenaattona lyhennetty")]

# Health stations (terveysasema): one or more per municipality, with vaccinations.
for name, place, street, postal, off in [
    ("Lappeenrannan terveysasema, keskusta", "Lappeenranta", "Armilankatu 10", "53100", (0.075, -0.08)),
    ("Sammonlahden terveysasema", "Sammonlahti", "Ruskonkatu 2", "53850", (0.002, 0.003)),
    ("Lauritsalan terveysasema", "Lauritsala", "Kauppakatu 4", "53300", (0.002, 0.002)),
    ("Joutsenon terveysasema", "Joutseno", "Keskuskatu 12", "54100", (0.001, 0.002)),
    ("Imatrankosken terveysasema", "Imatrankoski", "Tainionkoskentie 8", "55100", (-0.01, -0.05)),
    ("Vuoksenniskan terveysasema", "Vuoksenniska", "Vuoksenniskantie 40", "55800", (0.03, 0.0)),
    ("Lemin terveysasema", "Lemi", "Kirkkotie 5", "54710", (0.0, 0.0)),
    ("Taavetin terveysasema", "Taavetti", "Linnoituksentie 3", "54500", (0.001, 0.0)),
    ("Parikkalan terveysasema", "Parikkala", "Kirkkokatu 6", "59100", (-0.08, -0.12)),
    ("Simpeleen terveysasema", "Simpele", "Koulutie 2", "56800", (0.0, 0.001)),
    ("Ruokolahden terveysasema", "Rasila", "Pappilantie 3", "56100", (0.0, 0.0)),
    ("Savitaipaleen terveysasema", "Savitaipale", "Kuhatie 9", "54800", (0.0, 0.0)),
    ("Taipalsaaren terveysasema", "Saimaanharju", "Terveystie 1", "54920", (0.0, 0.0)),
]:
    location(name, ["health_station", "vaccination"], place, street, postal, HS_HOURS, off)

# Dental clinics (hammashoitola).
for name, place, street, postal, off in [
    ("Lappeenrannan keskushammashoitola", "Lappeenranta", "Armilankatu 12", "53100", (0.074, -0.079)),
    ("Sammonlahden hammashoitola", "Sammonlahti", "Ruskonkatu 4", "53850", (0.003, 0.003)),
    ("Joutsenon hammashoitola", "Joutseno", "Keskuskatu 14", "54100", (0.001, 0.003)),
    ("Imatran hammashoitola", "Imatrankoski", "Tainionkoskentie 10", "55100", (-0.011, -0.05)),
    ("Taavetin hammashoitola", "Taavetti", "Linnoituksentie 5", "54500", (0.002, 0.0)),
    ("Parikkalan hammashoitola", "Parikkala", "Kirkkokatu 8", "59100", (-0.081, -0.12)),
    ("Simpeleen hammashoitola", "Simpele", "Koulutie 4", "56800", (0.001, 0.001)),
    ("Savitaipaleen hammashoitola", "Savitaipale", "Kuhatie 11", "54800", (0.001, 0.0)),
]:
    location(name, ["dental"], place, street, postal, [weekly(WEEK, "07:30", "15:00")], off)

# Maternity and child clinics (neuvola).
for name, place, street, postal, off in [
    ("Lappeenrannan neuvola, keskusta", "Lappeenranta", "Armilankatu 14", "53100", (0.076, -0.079)),
    ("Sammonlahden neuvola", "Sammonlahti", "Ruskonkatu 6", "53850", (0.003, 0.004)),
    ("Joutsenon neuvola", "Joutseno", "Keskuskatu 16", "54100", (0.002, 0.003)),
    ("Imatran neuvola", "Imatrankoski", "Tainionkoskentie 12", "55100", (-0.012, -0.05)),
    ("Vuoksenniskan neuvola", "Vuoksenniska", "Vuoksenniskantie 42", "55800", (0.031, 0.0)),
    ("Lemin neuvola", "Lemi", "Kirkkotie 7", "54710", (0.001, 0.0)),
    ("Luumäen neuvola", "Taavetti", "Linnoituksentie 7", "54500", (0.002, 0.001)),
    ("Parikkalan neuvola", "Parikkala", "Kirkkokatu 10", "59100", (-0.082, -0.12)),
    ("Rautjärven neuvola", "Simpele", "Koulutie 6", "56800", (0.001, 0.002)),
    ("Ruokolahden neuvola", "Rasila", "Pappilantie 5", "56100", (0.001, 0.0)),
    ("Savitaipaleen neuvola", "Savitaipale", "Kuhatie 13", "54800", (0.001, 0.001)),
    ("Taipalsaaren neuvola", "Saimaanharju", "Terveystie 3", "54920", (0.001, 0.0)),
]:
    location(name, ["maternity_clinic", "child_clinic"], place, street, postal, [weekly(WEEK, "08", "15:30")], off)

# Laboratories.
for name, place, street, postal, off in [
    ("Laboratorio, Lappeenrannan keskusta", "Lappeenranta", "Armilankatu 10", "53100", (0.075, -0.081)),
    ("Laboratorio, Sammonlahti", "Sammonlahti", "Ruskonkatu 2", "53850", (0.002, 0.004)),
    ("Laboratorio, Joutseno", "Joutseno", "Keskuskatu 12", "54100", (0.001, 0.001)),
    ("Laboratorio, Imatra", "Imatrankoski", "Tainionkoskentie 8", "55100", (-0.01, -0.051)),
    ("Laboratorio, Taavetti", "Taavetti", "Linnoituksentie 3", "54500", (0.001, 0.001)),
    ("Laboratorio, Parikkala", "Parikkala", "Kirkkokatu 6", "59100", (-0.08, -0.121)),
    ("Laboratorio, Savitaipale", "Savitaipale", "Kuhatie 9", "54800", (0.0, 0.001)),
]:
    location(name, ["laboratory"], place, street, postal, [weekly(WEEK, "07", "14")], off)

# Emergency departments.
location("Yhteispäivystys, Lappeenranta", ["emergency_dept"], "Lappeenranta", "Valto Käkelän katu 1", "53130",
         [always_open()], (0.09, -0.045))
location("Imatran ilta- ja viikonloppupäivystys", ["emergency_dept"], "Imatrankoski", "Tainionkoskentie 6", "55100",
         [weekly(WEEK, "16", "22"), weekly(("Saturday", "Sunday"), "10", "22")], (-0.009, -0.05))

# Mental health and substance services.
for name, types, place, street, postal, off, hours in [
    ("Mielenterveyspalvelut, Lappeenranta", ["mental_health"], "Lappeenranta", "Valtakatu 30", "53100", (0.07, -0.07), [weekly(WEEK, "08", "16")]),
    ("Mielenterveyspalvelut, Imatra", ["mental_health"], "Imatrankoski", "Koskenparras 3", "55100", (-0.008, -0.049), [weekly(WEEK, "08", "16")]),
    ("Matalan kynnyksen mielenterveyspiste, Parikkala", ["mental_health"], "Parikkala", "Kirkkokatu 12", "59100", (-0.079, -0.119), [weekly(("Tuesday", "Thursday"), "09", "15")]),
    ("Päihdepalvelut (A-klinikka), Lappeenranta", ["substance_services"], "Lappeenranta", "Valtakatu 32", "53100", (0.071, -0.07), [weekly(("Monday", "Tuesday", "Wednesday", "Thursday"), "08", "16"), weekly(("Friday",), "08", "14")]),
    ("Päihdepalvelut, Imatra", ["substance_services"], "Imatrankoski", "Koskenparras 5", "55100", (-0.008, -0.048), [weekly(WEEK, "08", "15")]),
]:
    location(name, types, place, street, postal, hours, off)

# Social services, one office per municipality.
for place, street, postal, off in [
    ("Lappeenranta", "Villimiehenkatu 1", "53100", (0.077, -0.078)), ("Imatrankoski", "Virastokatu 2", "55100", (-0.012, -0.052)),
    ("Lemi", "Kirkkotie 9", "54710", (0.001, 0.001)), ("Taavetti", "Linnoituksentie 9", "54500", (0.002, 0.002)),
    ("Parikkala", "Kirkkokatu 14", "59100", (-0.078, -0.12)), ("Simpele", "Koulutie 8", "56800", (0.002, 0.001)),
    ("Rasila", "Pappilantie 7", "56100", (0.001, 0.001)), ("Savitaipale", "Kuhatie 15", "54800", (0.002, 0.001)),
    ("Saimaanharju", "Terveystie 5", "54920", (0.002, 0.0)),
]:
    municipality = default_gazetteer().get(place).municipality
    location(f"Sosiaalipalvelut, {municipality}", ["social_services"], place, street, postal,
             [weekly(WEEK, "09", "15")], off)

# Family counselling, school and student health, physiotherapy, elderly and disability services.
location("Perheneuvola, Lappeenranta", ["family_counselling"], "Lappeenranta", "Koulukatu 20", "53100", [weekly(WEEK, "08", "16")], (0.072, -0.075))
location("Perheneuvola, Imatra", ["family_counselling"], "Imatrankoski", "Koulukatu 3", "55100", [weekly(WEEK, "08", "16")], (-0.01, -0.047))
location("Kouluterveydenhuolto, Lappeenrannan lyseo", ["school_health"], "Lappeenranta", "Koulukatu 12", "53100", [weekly(WEEK, "08", "15")], (0.073, -0.076))
location("Kouluterveydenhuolto, Sammonlahden koulu", ["school_health"], "Sammonlahti", "Ruskonkatu 10", "53850", [weekly(WEEK, "08", "15")], (0.004, 0.004))
location("Kouluterveydenhuolto, Imatran koulukeskus", ["school_health"], "Vuoksenniska", "Koulutie 1", "55800", [weekly(WEEK, "08", "15")], (0.032, 0.001))
location("Opiskeluterveydenhuolto, Skinnarila", ["school_health"], "Skinnarila", "Yliopistonkatu 1", "53850", [weekly(WEEK, "08", "15")], (0.001, 0.001))
location("Fysioterapia, Lappeenranta", ["physiotherapy"], "Lappeenranta", "Armilankatu 16", "53100", [weekly(WEEK, "08", "15")], (0.076, -0.078))
location("Fysioterapia, Imatra", ["physiotherapy"], "Imatrankoski", "Tainionkoskentie 14", "55100", [weekly(WEEK, "08", "15")], (-0.011, -0.049))
location("Fysioterapia, Joutseno", ["physiotherapy"], "Joutseno", "Keskuskatu 18", "54100", [weekly(("Monday", "Wednesday", "Friday"), "08", "15")], (0.002, 0.002))
location("Ikäihmisten palveluohjaus, Lappeenranta", ["elderly_services", "home_care", "caregiver_support"], "Lappeenranta", "Villimiehenkatu 3", "53100", [weekly(WEEK, "09", "15")], (0.077, -0.077))
location("Ikäihmisten palveluohjaus, Imatra", ["elderly_services", "home_care", "caregiver_support"], "Imatrankoski", "Virastokatu 4", "55100", [weekly(WEEK, "09", "15")], (-0.012, -0.051))
location("Vammaispalvelut, Lappeenranta", ["disability_services"], "Lappeenranta", "Villimiehenkatu 5", "53100", [weekly(WEEK, "09", "15")], (0.078, -0.077))
location("Kelan palvelupiste, Lappeenranta", ["kela"], "Lappeenranta", "Kauppakatu 40", "53100", [weekly(WEEK, "09", "16")], (0.078, -0.074))
location("Kelan palvelupiste, Imatra", ["kela"], "Imatrankoski", "Koskenparras 7", "55100", [weekly(("Tuesday", "Thursday"), "09", "16")], (-0.007, -0.048))

# NGOs (järjestöt): food aid, peer support, youth; one with opening hours over midnight.
location("Ruoka-apu ja yhteinen ateria (järjestö), Lappeenranta", ["ngo"], "Lappeenranta", "Kievarinkatu 2", "53100", [weekly(("Tuesday", "Thursday"), "10", "13")], (0.079, -0.07))
location("Ruoka-apu (järjestö), Imatra", ["ngo"], "Vuoksenniska", "Kulmalantie 3", "55800", [weekly(("Wednesday",), "11", "14")], (0.03, 0.002))
location("Vertaistuen olohuone (järjestö), Lappeenranta", ["ngo", "mental_health"], "Lappeenranta", "Raatimiehenkatu 15", "53100", [weekly(WEEK, "10", "15")], (0.074, -0.072))
location("Nuorten yökahvila (järjestö), Imatra", ["ngo"], "Imatrankoski", "Kauppakatu 5", "55100",
         [{"serviceHourType": "OverMidnight", "validFrom": "2026-01-01T00:00:00", "validTo": None, "isClosed": False,
           "isAlwaysOpen": False, "openingHour": [{"dayFrom": "Friday", "dayTo": "Saturday", "from": "18:00:00", "to": "02:00:00"},
                                                   {"dayFrom": "Saturday", "dayTo": "Sunday", "from": "18:00:00", "to": "02:00:00"}]}],
         (-0.006, -0.047))
location("Omaishoitajien kohtaamispaikka (järjestö), Lappeenranta", ["ngo", "caregiver_support"], "Lappeenranta", "Kirkkokatu 1", "53100", [weekly(("Monday", "Wednesday"), "12", "16")], (0.08, -0.073))
location("Kyläyhdistyksen hyvinvointipiste (järjestö), Ylämaa", ["ngo"], "Ylämaa", "Ylämaantie 1", "54300", [weekly(("Thursday",), "10", "14")], (0.0, 0.0))

# Phone services of the region (county-wide).
remote("Phone", "Terveysasemien ajanvaraus ja neuvonta", ["health_station", "vaccination", "laboratory"], ALL,
       [weekly(WEEK, "08", "16")], description="terveysasemien yhteinen numero")
remote("Phone", "Suun terveydenhuollon ajanvaraus", ["dental"], ALL, [weekly(WEEK, "07:30", "15")],
       description="hammashoidon ajanvaraus; kiireellinen hammashoito virka-ajan ulkopuolella Päivystysavusta 116117")
remote("Phone", "Neuvolan puhelinneuvonta", ["maternity_clinic", "child_clinic"], ALL, [weekly(WEEK, "08", "12")])
remote("Phone", "Sosiaalipäivystys", ["social_emergency"], ALL, [always_open()],
       description="kiireellinen sosiaalinen apu ympäri vuorokauden; hätätilanteessa 112")
remote("Phone", "Sosiaaliohjauksen neuvonta", ["social_services", "disability_services", "family_counselling"], ALL,
       [weekly(WEEK, "09", "11")], description="puhelinaika arkisin")
remote("Phone", "Mielenterveys- ja päihdeneuvonta", ["mental_health", "substance_services"], ALL, [weekly(WEEK, "08", "16")])
remote("Phone", "Seniorineuvonta", ["elderly_services", "home_care", "caregiver_support"], ALL, [weekly(WEEK, "09", "15")])
remote("Phone", "Kotihoidon asiakasneuvonta", ["home_care"], ALL, [weekly(WEEK, "08", "15")])
remote("Phone", "Fysioterapian puhelinneuvonta", ["physiotherapy"], ALL, [weekly(WEEK, "09", "11")])
remote("Phone", "Kouluterveydenhuollon puhelinaika", ["school_health"], ALL, [weekly(WEEK, "08", "09")])
remote("Phone", "Vammaispalvelujen neuvonta", ["disability_services"], ALL, [weekly(("Monday", "Wednesday", "Friday"), "09", "12")])
# E-services (the URLs are of the demo county's future pages, not live services).
remote("EChannel", "Sähköinen ajanvaraus (demo)", ["health_station", "dental", "laboratory", "vaccination"], ALL,
       [always_open()], url="https://demo.neuvokas.invalid/ajanvaraus")
remote("EChannel", "Sosiaalihuollon sähköinen asiointi (demo)", ["social_services", "elderly_services", "caregiver_support", "disability_services"], ALL,
       [always_open()], url="https://demo.neuvokas.invalid/sosiaaliasiointi")
remote("WebPage", "Omaishoidon tuki: hakeminen (demo)", ["caregiver_support"], ALL, [always_open()],
       url="https://demo.neuvokas.invalid/omaishoito")

# Mobile units (Mallu-style health bus and a social services van): stops in villages.
mobile("Mallu-terveysbussi", ["mobile_unit", "health_station", "vaccination", "laboratory"],
       [("Ylämaa", 0, "09:00", "14:00"), ("Nuijamaa", 1, "09:00", "13:00"), ("Heituinlahti", 2, "10:00", "14:00"),
        ("Kuukanniemi", 3, "09:00", "12:00"), ("Jurvala", 4, "09:00", "13:00"), ("Uukuniemi", 1, "10:00", "14:00")],
       ["Lappeenranta", "Savitaipale", "Lemi", "Luumäki", "Parikkala"])
mobile("Malla-hyvinvointiauto", ["mobile_unit", "social_services", "elderly_services"],
       [("Kaukopää", 0, "10:00", "13:00"), ("Särkisalmi", 2, "10:00", "13:00"), ("Somerharju", 3, "12:00", "15:00"),
        ("Rehula", 4, "10:00", "13:00"), ("Ahtiala", 1, "12:00", "15:00"), ("Ylämaa", 3, "10:00", "12:00")],
       ["Ruokolahti", "Parikkala", "Luumäki", "Taipalsaari", "Lemi", "Lappeenranta"])


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"note": "DEMO DATA: regional addresses, phone numbers, hours and stops are invented; "
                                       "place names and locations are real. Format: PTV v11 service channels.",
                               "itemList": channels}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(channels)} channels to {OUT}")
