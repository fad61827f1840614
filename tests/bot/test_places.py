"""Every municipality and village of the region resolves from its inflected forms."""
import pytest

from bot.places import default_gazetteer, inflection_stems

# Locative and other common case forms residents write, with and without diacritics.
FORMS = {
    "Imatra": ["Imatralla", "Imatralta", "Imatralle", "Imatraan", "Imatran", "imatrassa"],
    "Lappeenranta": ["Lappeenrannassa", "Lappeenrannasta", "Lappeenrantaan", "lappeenrannan", "lappeenrannas"],
    "Lemi": ["Lemillä", "Lemiltä", "Lemille", "lemilla"],
    "Luumäki": ["Luumäellä", "Luumäeltä", "Luumäelle", "Luumäkeen", "luumaella"],
    "Parikkala": ["Parikkalassa", "Parikkalasta", "Parikkalaan", "parikkalan"],
    "Rautjärvi": ["Rautjärvellä", "Rautjärveltä", "Rautjärvelle", "rautjarvella"],
    "Ruokolahti": ["Ruokolahdella", "Ruokolahdelta", "Ruokolahdelle", "Ruokolahteen", "ruokolahdella"],
    "Savitaipale": ["Savitaipaleella", "Savitaipaleelta", "Savitaipaleelle", "savitaipaleen"],
    "Taipalsaari": ["Taipalsaarella", "Taipalsaarelta", "Taipalsaarelle", "taipalsaaren"],
    "Joutseno": ["Joutsenossa", "Joutsenosta", "Joutsenoon"],
    "Ylämaa": ["Ylämaalla", "Ylämaalle", "ylamaalta"],
    "Taavetti": ["Taavetissa", "Taavetista", "Taavettiin"],
    "Simpele": ["Simpeleellä", "Simpeleeltä", "Simpeleelle", "simpeleella"],
    "Nuijamaa": ["Nuijamaalla", "Nuijamaalle"],
    "Heituinlahti": ["Heituinlahdella", "Heituinlahdelle", "heituinlahdelta"],
    "Sammonlahti": ["Sammonlahdessa", "Sammonlahteen"],
}

VILLAGE_OF = {"Joutseno": "Lappeenranta", "Ylämaa": "Lappeenranta", "Taavetti": "Luumäki",
              "Simpele": "Rautjärvi", "Heituinlahti": "Savitaipale", "Nuijamaa": "Lappeenranta"}


@pytest.mark.parametrize("name,form", [(n, f) for n, forms in FORMS.items() for f in forms])
def test_inflected_form_resolves(name, form):
    place = default_gazetteer().resolve(form)
    assert place is not None and place.name == name, form


@pytest.mark.parametrize("place", default_gazetteer().places, ids=lambda p: p.name)
def test_every_place_resolves_in_inessive_or_adessive_and_elative(place):
    """Each name's generated stems plus -ssa/-lla and -sta/-lta reach the place itself."""
    gazetteer = default_gazetteer()
    word = place.name if not place.ambiguous else place.name.capitalize()
    assert gazetteer.resolve(word) == place
    hits = {gazetteer.resolve(stem.capitalize() + ending) for stem in inflection_stems(place.name)
            for ending in ("ssa", "lla", "sta", "lta")}
    assert place in hits


@pytest.mark.parametrize("village,municipality", VILLAGE_OF.items())
def test_village_belongs_to_its_municipality(village, municipality):
    assert default_gazetteer().get(village).municipality == municipality


def test_all_nine_municipalities_are_there():
    names = {p.name for p in default_gazetteer().municipalities}
    assert names == {"Imatra", "Lappeenranta", "Lemi", "Luumäki", "Parikkala", "Rautjärvi",
                     "Ruokolahti", "Savitaipale", "Taipalsaari"}


@pytest.mark.parametrize("word", ["kauppa", "saaressa", "lempi", "imartelu", "talossa", "Tampereella", "", "123"])
def test_ordinary_words_are_not_places(word):
    assert default_gazetteer().resolve(word) is None


def test_lemma_from_the_lemmatiser_is_used():
    assert default_gazetteer().resolve("Lappeenrannoissa", lemma="Lappeenranta").name == "Lappeenranta"
