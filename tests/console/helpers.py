"""Console helpers: accounts in the stack's user file and logged-in HTTP sessions (fixtures in tests/conftest.py)."""
from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass

import requests

from console.users import UserStore

PASSWORDS = {"sari": "sarin salasana 1", "ville": "villen salasana 1", "eeva": "eevan salasana 1",
             "both": "kahden tiimin salasana"}


def make_accounts(stack) -> UserStore:
    store = UserStore(stack.var_dir / "console_users.json")
    store.add("sari", "advisor", PASSWORDS["sari"], ["health"], "Sari", replace=True)
    store.add("ville", "advisor", PASSWORDS["ville"], ["social"], "Ville", replace=True)
    store.add("both", "advisor", PASSWORDS["both"], ["health", "social"], "Hanna", replace=True)
    store.add("eeva", "editor", PASSWORDS["eeva"], [], "Eeva", replace=True)
    return store


@dataclass
class Console:
    base: str
    http: requests.Session
    csrf: str = ""

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base + path, timeout=30, allow_redirects=False, **kwargs)

    def post(self, path: str, body: dict | None = None, csrf: bool = True, **kwargs) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if csrf and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        return self.http.post(self.base + path, data=json.dumps(body or {}), headers=headers, timeout=30,
                              allow_redirects=False, **kwargs)


def login(stack, name: str) -> Console:
    console = Console(stack.console_url, requests.Session())
    reply = console.post("/api/login", {"username": name, "password": PASSWORDS[name]}, csrf=False)
    assert reply.status_code == 200, reply.text
    console.csrf = reply.json()["csrf"]
    return console


def sender_of(conversation: str) -> str:
    return "web-" + urllib.parse.unquote(conversation).split(".")[0]
