"""Red flags fire on real emergencies written the way residents write, and not on near-misses."""
import pytest

from bot.redflags import RedFlagDetector, default_detector

RED_FLAGS = [
    # chest pain with pressure
    ("Rintaa puristaa ihan hirveesti", "chest_pain"),
    ("mulla on kova rintakipu", "chest_pain"),
    ("rintakipu säteilee vasempaan käteen", "chest_pain"),
    ("rinnassa painon tunne ja kylmä hiki", "chest_pain"),
    ("isällä puristava kipu rinnassa", "chest_pain"),
    ("rintakehällä painaa eikä helpota", "chest_pain"),
    ("luulen että mulla on sydänkohtaus", "chest_pain"),
    ("rintakivut on kovat ja hengästyttää", "chest_pain"),
    ("rintalastan takana puristaa", "chest_pain"),
    # stroke signs
    ("äidin suupieli roikkuu yhtäkkiä", "stroke"),
    ("kasvot vinossa ja puhe sammaltaa", "stroke"),
    ("vasen käsi ei nouse", "stroke"),
    ("isän puhe on puuroutunut ja sekava", "stroke"),
    ("mummo ei saa sanoja suusta", "stroke"),
    ("toinen puoli kroppaa on voimaton", "stroke"),
    ("epäilen että vaarilla on aivoinfarkti", "stroke"),
    ("naama lerpalla oikealta puolelta", "stroke"),
    # severe breathing difficulty
    ("en saa henkeä", "breathing"),
    ("lapsi ei saa ilmaa", "breathing"),
    ("huulet on sinisenä ja hengitys vinkuu", "breathing"),
    ("tosi paha hengenahdistus, en pysty puhumaan", "breathing"),
    ("mä tukehdun", "breathing"),
    ("hengittäminen on todella vaikeaa", "breathing"),
    ("kova hengenahdistus yöllä", "breathing"),
    # unconsciousness
    ("mies on tajuton lattialla", "unconscious"),
    ("kaveri menetti tajunsa", "unconscious"),
    ("en saa herätettyä isää", "unconscious"),
    ("vauva ei reagoi mihinkään", "unconscious"),
    ("taju meni kesken ruokailun", "unconscious"),
    # seizures
    ("lapsi kouristelee", "seizure"),
    ("sillä on epilepsiakohtaus nyt", "seizure"),
    ("vauvalla kuumekouristus", "seizure"),
    ("kouristuskohtaus kestänyt viisi minuuttia", "seizure"),
    ("koko kroppa nykii holtittomasti", "seizure"),
    # anaphylaxis
    ("ampiainen pisti ja kurkku turpoaa", "anaphylaxis"),
    ("huulet turvoksissa pähkinän jälkeen", "anaphylaxis"),
    ("anafylaktinen reaktio", "anaphylaxis"),
    ("söin maapähkinää ja hengitys vaikeutuu", "anaphylaxis"),
    ("pistin adrenaliinikynän ja silti huono olo", "anaphylaxis"),
    ("kieli turpoaa", "anaphylaxis"),
    # heavy bleeding
    ("haavasta vuotaa verta runsaasti", "bleeding"),
    ("verenvuoto ei lopu", "bleeding"),
    ("veri suihkuaa kädestä", "bleeding"),
    ("oksensin verta", "bleeding"),
    ("runsas verenvuoto raskausviikolla 20", "bleeding"),
    ("verta tulee paljon päästä", "bleeding"),
    # poisoning
    ("lapsi joi pesuainetta", "poisoning"),
    ("taapero söi mummon pillereitä", "poisoning"),
    ("otin kaikki lääkkeet purkista", "poisoning"),
    ("kaveri otti 30 parasetamolia", "poisoning"),
    ("epäilen häkämyrkytystä", "poisoning"),
    ("vauva nielaisi nappipariston", "poisoning"),
    ("yliannostus", "poisoning"),
    # suicidal intent
    ("mä aion tappaa itseni", "suicidal"),
    ("haluun vaan kuolla", "suicidal"),
    ("mietin itsemurhaa", "suicidal"),
    ("en halua enää elää", "suicidal"),
    ("aion päättää elämäni tänään", "suicidal"),
    ("hyppään sillalta", "suicidal"),
    ("mulla on itsemurha-ajatuksia", "suicidal"),
    ("viiltelen taas", "suicidal"),
    # violence happening now
    ("mies lyö mua just nyt", "violence"),
    ("isä hakkaa äitiä", "violence"),
    ("poikaystävä uhkaa tappaa", "violence"),
    ("sillä on veitsi kädessä", "violence"),
    ("mies uhkaa minua veitsellä nyt", "violence"),
    ("ex heiluttaa puukkoa oven takana", "violence"),
    ("pelkään henkeni puolesta", "violence"),
    ("olen lukittautunut vessaan, mies raivoaa", "violence"),
    ("joku yrittää murtautua sisään", "violence"),
    # without diacritics, in capitals, amid other text
    ("RINTAKIPU ON TOSI KOVA", "chest_pain"),
    ("missä on terkkari? muuten en saa henkee kunnolla", "breathing"),
    ("paivystys? lapsi on tajuton", "unconscious"),
]

NEAR_MISSES = [
    "rintakehän ihottuma",
    "aivoinfarktin jälkitarkastus",
    "kirja itsemurhasta",
    "itsemurhien ehkäisyn koulutus",
    "elokuva jossa poliisi ampuu",
    "sairastin aivoinfarktin kaksi vuotta sitten, kuntoutus",
    "sydänkohtauksen riski ja kolesteroli",
    "sydäninfarktin jälkeen kontrolli",
    "ei ole kovaa rintakipua",
    "rintakehässä ei ole puristusta",
    "lievä hengenahdistus portaissa",
    "nenä tukossa, vaikea hengittää nenän kautta",
    "hengitysharjoituksia stressiin",
    "pohjelihaksen kouristus yöllä",
    "lihaskouristus jalassa",
    "epilepsialääkkeen resepti pitää uusia",
    "kuumekouristus lapsena, nyt aikuinen",
    "myrkytystietokeskuksen numero",
    "ruokamyrkytys",
    "otin buranan päänsärkyyn",
    "otin lääkkeet aamulla normaalisti",
    "nilkka turvoksissa kaatumisen jälkeen",
    "adrenaliinikynän resepti",
    "ikenet vuotaa verta kun harjaan",
    "kuukautisvuoto on runsasta",
    "nenäverenvuoto loppui itsestään",
    "verikokeet labrassa",
    "verenpaineen mittaus",
    "lapsi ei herää aamulla kouluun",
    "heräsin yöllä yskään",
    "pyörryttää vähän kun nousen",
    "ensiapukurssi tajuttoman elvytys",
    "mies löi minua viime vuonna",
    "väkivaltaa kotona vuosia sitten",
    "lyömäsoittimet musiikkiopistossa",
    "löin pääni kaapin oveen eilen",
    "puhelin ei toimi",
    "puheterapia lapselle",
    "käsi on kipeä",
    "jalka särkee",
    "suussa afta",
    "kasvoissa finnejä",
    "tapan aikaa odotushuoneessa",
    "kuolla nauruun",
    "hammas särkee",
    "kurkku kipeä ja kuumetta",
    "selkä kipeä",
    "päänsärky kolme päivää",
    "yskä viikon",
    "missä on lähin hammashoitola",
    "Imatran terveysaseman puhelinnumero",
    "onko labra auki nyt",
    "milloin palvelubussi tulee Ylämaalle",
    "tarviin apua ruokaan",
    "asunto lähtee alta",
    "oon tosi yksinäinen",
    "rintaliivit hiertää",
    "sydänfilmi otettiin eilen",
    "mehiläisvahakynttilät",
    "veitsiteroitin rikki",
    "ampiaispesä pihalla",
    "hengitysteiden infektio",
    "tajunnanvirtaa kirjoittamisesta",
    "rokotus kouluterveydenhoitajalla",
    "sydän hakkaa ja ahdistaa",
    "sydän lyö tiheään kahvin jälkeen",
]


@pytest.mark.parametrize("text,flag_id", RED_FLAGS)
def test_red_flag_is_detected(text, flag_id):
    found = default_detector().detect(text)
    assert found is not None, f"missed red flag: {text!r}"
    assert found.id == flag_id, f"{text!r}: got {found.id}, expected {flag_id}"
    assert found.reason


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_miss_does_not_trigger(text):
    assert default_detector().detect(text) is None


def test_table_sizes_meet_the_bar():
    assert len(RED_FLAGS) >= 60 and len(NEAR_MISSES) >= 60


def test_every_flag_in_the_rules_is_exercised():
    exercised = {flag_id for _, flag_id in RED_FLAGS}
    assert exercised == set(default_detector().flag_ids)


@pytest.mark.parametrize("text", ["", None, "   ", "🙂🙂", "\x00\x01\x02", "a" * 10_000])
def test_detector_survives_odd_input(text):
    assert default_detector().detect(text) is None


def test_red_flag_at_the_end_of_a_long_message():
    text = "kerron ensin taustaa. " * 400 + "nyt rintaa puristaa kovasti"
    assert default_detector().detect(text).id == "chest_pain"


def test_rules_file_loads_from_a_path(tmp_path):
    path = tmp_path / "flags.yml"
    path.write_text("flags:\n  - id: x\n    reason: r\n    patterns:\n      - match: 'apua'\n")
    assert RedFlagDetector.from_file(path).detect("APUA").id == "x"
