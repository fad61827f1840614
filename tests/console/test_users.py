"""Console users: scrypt hashes, the user file and the `users` command."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.settings import ROOT
from console.users import UserStore, hash_password, verify_password


def test_passwords_are_scrypt_hashed_and_verified():
    stored = hash_password("oikea hevonen patteri")
    assert stored.startswith("scrypt$32768$8$1$") and "hevonen" not in stored
    assert verify_password("oikea hevonen patteri", stored)
    assert not verify_password("oikea hevonen patteri!", stored)
    assert hash_password("sama salasana 1") != hash_password("sama salasana 1"), "salted"
    assert not verify_password("x", "md5$abc") and not verify_password("x", "garbage")


def test_store_add_authenticate_remove(tmp_path):
    store = UserStore(tmp_path / "users.json")
    store.add("sari", "advisor", "pitkä salasana 1", ["health"], "Sari H.")
    assert store.authenticate("sari", "pitkä salasana 1").teams == ["health"]
    assert store.authenticate("sari", "väärä salasana") is None
    assert store.authenticate("nobody", "pitkä salasana 1") is None
    assert oct(os.stat(tmp_path / "users.json").st_mode & 0o777) == "0o600"
    assert "pitkä" not in (tmp_path / "users.json").read_text()
    with pytest.raises(ValueError):
        store.add("sari", "advisor", "pitkä salasana 1", ["health"])
    for bad in [("Sari", "advisor", "pitkä salasana", ["health"]), ("ville", "root", "pitkä salasana", []),
                ("ville", "advisor", "lyhyt", ["health"]), ("ville", "advisor", "pitkä salasana", []),
                ("ville", "advisor", "pitkä salasana", ["police"])]:
        with pytest.raises(ValueError):
            store.add(*bad)
    store.set_password("sari", "uusi salasana 22")
    assert store.authenticate("sari", "uusi salasana 22") and not store.authenticate("sari", "pitkä salasana 1")
    assert store.remove("sari") and not store.remove("sari")


def test_users_command(tmp_path):
    env = {**os.environ, "NEUVOKAS_CONSOLE_USERS": str(tmp_path / "u.json"), "PYTHONPATH": str(ROOT)}

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "bot.cli", "users", *args], input=stdin, text=True,
                              capture_output=True, env=env, cwd=ROOT, timeout=60)

    added = run("add", "ville", "--role", "advisor", "--teams", "health,social", "--password-stdin",
                stdin="villen salasana 1\n")
    assert added.returncode == 0, added.stderr
    assert run("add", "eeva", "--role", "editor", stdin="eevan salasana 1\n").returncode == 0
    listed = run("list").stdout.splitlines()
    assert listed == ["eeva\teditor\t\t", "ville\tadvisor\thealth,social\t"]
    short = run("add", "kalle", "--role", "advisor", "--teams", "health", stdin="lyhyt\n")
    assert short.returncode == 2 and "vähintään 10 merkkiä" in short.stderr
    assert run("remove", "eeva").returncode == 0 and run("remove", "eeva").returncode == 1
    saved = json.loads((tmp_path / "u.json").read_text())
    assert list(saved["users"]) == ["ville"] and saved["users"]["ville"]["password_hash"].startswith("scrypt$")
