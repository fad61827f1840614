"""Scale-out on one machine: two Rasa servers and two action servers, each pair behind a load
balancer (bot/balancer.py), sharing one Redis (the lock store, queue and streams) and one
PostgreSQL tracker store (a database of the test's own on the machine's PostgreSQL).

1. Messages of one conversation sent to both Rasa servers at once are each run once, one at a
   time, in the order sent (the shared Redis lock store).
2. Residents chat concurrently through the balancer while a Rasa server and an action server are
   killed (SIGKILL) and started again: no message is lost or answered twice, and every
   conversation's messages are in PostgreSQL in the order the resident sent them.

Prints the figures the closing note reports. Needs PostgreSQL on 127.0.0.1:5432 (trust auth, as
on these machines; NEUVOKAS_TEST_POSTGRES overrides the address)."""
from __future__ import annotations

import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter

import pytest

from bot.stack import Stack, free_port

pytestmark = pytest.mark.restarts
POSTGRES = os.environ.get("NEUVOKAS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")

SCRIPTS = [
    ["moi", "Imatran terveysaseman puhelinnumero", "kiitos", "missä on lähin hammashoitola", "Imatra", "kiitos"],
    ["mulla on ollut kuumetta neljä päivää", "aikuinen", "ei", "ei", "ei", "ei", "ei", "Joutsenossa", "kiitos"],
    ["hei", "neuvola Taavetissa", "mitä osaat", "päihdepalvelut Imatralla", "kiitos avusta"],
    ["korva on kipeä", "aikuinen", "ei", "ei", "ei", "ei", "Lappeenranta", "kiitos"],
    ["onko labra auki nyt", "asun Lappeenrannassa", "sosiaalitoimiston numero Lemillä", "moikka"],
]


def http(method: str, url: str, body: dict | None = None, timeout: float = 120) -> tuple[int, object]:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"null")
        except json.JSONDecodeError:
            return error.code, None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, str(error)


@pytest.fixture(scope="module")
def database():
    psycopg2 = pytest.importorskip("psycopg2")
    name = f"neuvokas_test_{secrets.token_hex(4)}"
    try:
        admin = psycopg2.connect(POSTGRES, connect_timeout=5)
    except psycopg2.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES} ({error}); the scale-out test needs it")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = psycopg2.extensions.parse_dsn(POSTGRES)
    yield {"name": name, "host": url.get("host", "127.0.0.1"), "port": url.get("port", "5432"),
           "user": url.get("user", "postgres"), "password": url.get("password", ""), "admin": admin}
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="module")
def cluster(model_path, database, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("scale-var")
    token = secrets.token_urlsafe(16)
    action_lb, rasa_lb = free_port(), free_port()
    env = {"TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": database["host"],
           "TRACKER_DB_PORT": str(database["port"]), "TRACKER_DB": database["name"],
           "TRACKER_DB_USER": database["user"], "TRACKER_DB_PASSWORD": database["password"],
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_lb}/webhook",
           "RASA_URL": f"http://127.0.0.1:{rasa_lb}",
           "NEUVOKAS_SECRET_KEY": secrets.token_urlsafe(32),
           "NEUVOKAS_TRUSTED_PROXIES": "127.0.0.1", "NEUVOKAS_RATE_LIMIT_EXEMPT": "127.0.0.1"}
    from tests.conftest import OUTPUT

    logs = OUTPUT / "logs" / "scale-out"
    a = Stack(model=model_path, var_dir=var_dir, rasa_port=free_port(), action_port=free_port(),
              console_port=free_port(), api_token=token, log_dir=logs / "a", extra_env=env)
    b = Stack(model=model_path, var_dir=var_dir, rasa_port=free_port(), action_port=free_port(),
              api_token=token, log_dir=logs / "b", extra_env=env)
    try:
        a.start_redis()
        b.redis_url = a.redis_url
        _create_tables(database)  # once, before two servers race to create them
        a.start_action_server()
        b.start_action_server()
        a.start_balancer("action-lb", action_lb, [f"http://127.0.0.1:{s.action_port}" for s in (a, b)],
                         retry=True, health="/health")
        started = time.monotonic()
        other = threading.Thread(target=a.start_rasa)
        other.start()
        b.start_rasa()
        other.join()
        assert "rasa" in a.processes and a.processes["rasa"].poll() is None, "both Rasa servers started"
        print(f"\ntwo Rasa servers started in {time.monotonic() - started:.0f} s")
        lb = a.start_balancer("rasa-lb", rasa_lb, [a.rasa_url, b.rasa_url], affinity=True, health="/")
        a.start_console()
        # One service question to each server first: the first such message after a start costs
        # about a second more than later ones (measured in session 6; issue 22 profiles it), and the
        # ordering test below is about the lock, not about a cold start.
        for server in (a, b):
            status, _ = http("POST", f"{server.rasa_url}/webhooks/rest/webhook",
                             {"sender": f"warm-{uuid.uuid4().hex}", "message": "Imatran terveysaseman aukioloajat"})
            assert status == 200
        yield {"a": a, "b": b, "lb": lb, "token": token}
    finally:
        b.stop()
        a.stop()


def _create_tables(database) -> None:
    from bot.privacy.tracker_store import RedactingSQLTrackerStore

    RedactingSQLTrackerStore(dialect="postgresql", host=database["host"], port=database["port"],
                             db=database["name"], username=database["user"], password=database["password"])


def user_texts(cluster, sender: str) -> list[str]:
    status, tracker = http("GET", f"{cluster['lb']}/conversations/{sender}/tracker?token={cluster['token']}")
    assert status == 200, tracker
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def events_in_postgres(database, sender: str) -> list[str]:
    import psycopg2

    with psycopg2.connect(host=database["host"], port=database["port"], user=database["user"],
                          password=database["password"] or None, dbname=database["name"]) as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            rows = cursor.fetchall()
    connection.close()
    return [json.loads(data).get("text") for type_name, data in rows if type_name == "user"]


def test_one_conversation_on_both_servers_at_once_runs_each_message_once_in_order(cluster, database):
    sender = f"scale-{uuid.uuid4().hex}"
    servers = [cluster["a"].rasa_url, cluster["b"].rasa_url]
    sent = ["moi", "Imatran terveysaseman puhelinnumero", "kiitos", "neuvola Taavetissa", "mitä osaat",
            "päihdepalvelut Imatralla", "kiitos avusta", "hei", "missä on päivystys", "Parikkala"]
    results: dict[int, tuple[int, object]] = {}

    def send(number: int, text: str) -> None:
        results[number] = http("POST", f"{servers[number % 2]}/webhooks/rest/webhook",
                               {"sender": sender, "message": text})

    threads = []
    for number, text in enumerate(sent):  # without waiting for answers, alternating servers
        threads.append(threading.Thread(target=send, args=(number, text)))
        threads[-1].start()
        time.sleep(0.15)
    for thread in threads:
        thread.join()
    assert all(status == 200 and body for status, body in results.values()), results
    assert user_texts(cluster, sender) == sent
    status, tracker = http("GET", f"{cluster['lb']}/conversations/{sender}/tracker?token={cluster['token']}")
    kinds = [e["event"] for e in tracker["events"] if e["event"] in ("user", "bot")]
    turns = " ".join(kinds).split("user")[1:]
    assert all("bot" in turn for turn in turns), "every message answered before the next one ran"
    assert events_in_postgres(database, sender) == sent, "stored in PostgreSQL"


class Resident(threading.Thread):
    def __init__(self, number: int, lb: str, stop: threading.Event, minimum: int) -> None:
        super().__init__(daemon=True)
        self.number, self.lb, self.stop, self.minimum = number, lb, stop, minimum
        self.script = SCRIPTS[number % len(SCRIPTS)]
        self.sent: list[str] = []
        self.lost: list[str] = []
        self.retries = Counter()
        self.latencies: list[float] = []
        self.sender = ""
        self.log: list[list] = []  # per message: the statuses of its attempts

    def run(self) -> None:
        status, body = http("POST", f"{self.lb}/webhooks/webchat/session")
        assert status == 200, body
        conversation = body["conversation"]
        self.sender = "web-" + conversation.split(".")[0]
        turn = 0
        while len(self.sent) < self.minimum or not self.stop.is_set():
            text = self.script[turn % len(self.script)]
            turn += 1
            client_id = uuid.uuid4().hex
            started, deadline = time.monotonic(), time.monotonic() + 180
            attempts: list = []
            self.log.append(attempts)
            while True:  # as the web chat page does: resend with the same id until answered
                status, body = http("POST", f"{self.lb}/webhooks/webchat/webhook",
                                    {"conversation": conversation, "message": text, "client_id": client_id})
                attempts.append((round(time.monotonic() - started, 1), status,
                                 body.get("duplicate") if isinstance(body, dict) else None))
                if status == 200:
                    break
                self.retries[status] += 1
                if time.monotonic() > deadline:
                    self.lost.append(text)
                    break
                time.sleep(2)
            if status == 200:
                if not any(m["role"] == "bot" for m in body["messages"]):
                    self.lost.append(text)
                self.sent.append(text)
                self.latencies.append(time.monotonic() - started)


def test_residents_keep_chatting_while_a_rasa_server_and_an_action_server_are_killed(cluster, database):
    a, b, lb = cluster["a"], cluster["b"], cluster["lb"]
    stop = threading.Event()
    residents = [Resident(n, lb, stop, minimum=10) for n in range(20)]
    started = time.monotonic()
    for resident in residents:
        resident.start()
    time.sleep(10)
    a.halt("rasa")  # SIGKILL mid-load
    b.halt("actions")
    killed = time.monotonic()
    b.resume("actions")
    a.resume("rasa")
    restarted = time.monotonic() - killed
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the balancer sees it back
        status, body = http("GET", f"{lb}/lb/status")
        if all(u["healthy"] for u in body["upstreams"]):
            break
        time.sleep(1)
    before = {u["url"]: u["requests"] for u in http("GET", f"{lb}/lb/status")[1]["upstreams"]}
    time.sleep(15)  # load on both again
    stop.set()
    for resident in residents:
        resident.join(timeout=400)
    after = {u["url"]: u["requests"] for u in http("GET", f"{lb}/lb/status")[1]["upstreams"]}
    elapsed = time.monotonic() - started

    turns = sum(len(r.sent) for r in residents)
    lost = [t for r in residents for t in r.lost]
    retries = sum((r.retries for r in residents), Counter())
    latencies = sorted(x for r in residents for x in r.latencies)
    out_of_order = []
    for resident in residents:
        stored = user_texts(cluster, resident.sender)
        if stored != resident.sent:
            at = next((i for i, (x, y) in enumerate(zip(stored, resident.sent)) if x != y), min(len(stored), len(resident.sent)))
            out_of_order.append({"sender": resident.sender, "sent": len(resident.sent), "stored": len(stored),
                                 "first difference at": at, "sent there": resident.sent[max(0, at - 2):at + 3],
                                 "stored there": stored[max(0, at - 2):at + 3], "log": resident.log[max(0, at - 2):at + 3]})
    print(f"\nscale-out: {len(residents)} residents, {turns} turns in {elapsed:.0f} s; Rasa server A and action "
          f"server B SIGKILLed {10:.0f} s in, both back after {restarted:.0f} s; resends by status {dict(retries)}; "
          f"lost {len(lost)}; out of order or twice {len(out_of_order)}; turn p50 "
          f"{latencies[len(latencies) // 2] * 1000:.0f} ms, max {latencies[-1]:.1f} s; requests to A after its "
          f"restart {after[a.rasa_url] - before[a.rasa_url]}, to B {after[b.rasa_url] - before[b.rasa_url]}")
    assert lost == []
    assert out_of_order == [], json.dumps(out_of_order, ensure_ascii=False, indent=1)
    assert all(r.sent for r in residents)
    assert after[a.rasa_url] > before[a.rasa_url], "the restarted server took load again"
    sample = residents[0]
    assert events_in_postgres(database, sample.sender) == sample.sent
