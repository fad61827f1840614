"""Console users: names, roles and scrypt password hashes in one JSON file under var/.

Managed with `scripts/neuvokas.sh users ...` (see `main`). Roles: `advisor` (with the teams whose
queues the advisor works) and `editor` (content editors, issue 7). The file is written atomically
with mode 0600; passwords are never stored or logged, only their scrypt hashes.
"""
from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

ROLES = ("advisor", "editor")
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 10
# scrypt cost: n=2^15, r=8, p=1 takes ~50-100 ms and 32 MiB per check (OWASP's recommended floor).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1


def hash_password(password: str, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * 1024 * 1024, dklen=32)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                maxmem=128 * 1024 * 1024, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of nothing anyone can type, checked for unknown names so that the answer time does
    not tell which user names exist."""
    return hash_password(secrets.token_urlsafe(32))


@dataclass
class User:
    name: str
    role: str
    password_hash: str
    display_name: str = ""
    teams: list[str] = field(default_factory=list)

    def public(self) -> dict:
        return {"name": self.name, "role": self.role, "display_name": self.display_name or self.name,
                "teams": list(self.teams)}


class UserStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: Optional[tuple[tuple[int, int, int], dict[str, User]]] = None

    def load(self) -> dict[str, User]:
        """The users; the file is parsed again only when it changed (every console request asks)."""
        try:
            info = self.path.stat()
            stamp = (info.st_mtime_ns, info.st_ino, info.st_size)  # save() replaces the file: a new inode
        except FileNotFoundError:
            return {}
        if self._cache is None or self._cache[0] != stamp:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self._cache = (stamp, {name: User(**data) for name, data in raw.get("users", {}).items()})
        return {name: User(**asdict(user)) for name, user in self._cache[1].items()}

    def save(self, users: dict[str, User]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"users": {n: asdict(u) for n, u in sorted(users.items())}}, handle, ensure_ascii=False, indent=1)
        os.replace(temporary, self.path)

    def get(self, name: str) -> Optional[User]:
        return self.load().get(name)

    def authenticate(self, name: str, password: str) -> Optional[User]:
        user = self.get(name) if isinstance(name, str) else None
        if user is None:
            verify_password(password, _dummy_hash())
            return None
        return user if verify_password(password, user.password_hash) else None

    def add(self, name: str, role: str, password: str, teams: list[str], display_name: str = "",
            replace: bool = False) -> User:
        validate(name, role, password, teams)
        users = self.load()
        if name in users and not replace:
            raise ValueError(f"käyttäjä {name} on jo olemassa")
        users[name] = User(name=name, role=role, password_hash=hash_password(password),
                           display_name=display_name.strip()[:60], teams=sorted(set(teams)))
        self.save(users)
        return users[name]

    def set_password(self, name: str, password: str) -> None:
        users = self.load()
        if name not in users:
            raise ValueError(f"käyttäjää {name} ei ole")
        validate(name, users[name].role, password, users[name].teams)
        users[name].password_hash = hash_password(password)
        self.save(users)

    def remove(self, name: str) -> bool:
        users = self.load()
        if users.pop(name, None) is None:
            return False
        self.save(users)
        return True


def validate(name: str, role: str, password: str, teams: list[str]) -> None:
    from bot.handoff.config import load

    if not NAME.match(name or ""):
        raise ValueError("käyttäjätunnus: 2-40 merkkiä, pienet kirjaimet a-z, numerot ja . _ -")
    if role not in ROLES:
        raise ValueError(f"rooli on jokin näistä: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"salasanassa on oltava vähintään {MIN_PASSWORD} merkkiä")
    known = load().teams
    if role == "advisor" and not teams:
        raise ValueError(f"neuvojalla on oltava tiimi: {', '.join(known)}")
    for team in teams:
        if team not in known:
            raise ValueError(f"tuntematon tiimi {team}; tiimit: {', '.join(known)}")


def default_store() -> UserStore:
    from bot.settings import Settings

    settings = Settings.from_env()
    return UserStore(Path(os.environ.get("NEUVOKAS_CONSOLE_USERS") or settings.var_dir / "console_users.json"))


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Salasana: ")
    if first != getpass.getpass("Salasana uudelleen: "):
        raise ValueError("salasanat eivät täsmää")
    return first


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvokas users", description="Neuvojakonsolin käyttäjät")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="lisää käyttäjä (salasana kysytään, tai luetaan stdinistä)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--teams", default="", help="neuvojan tiimit pilkuin eroteltuina, esim. health,social")
    add.add_argument("--display-name", default="")
    add.add_argument("--password-stdin", action="store_true")
    add.add_argument("--replace", action="store_true", help="korvaa olemassa oleva käyttäjä")
    passwd = commands.add_parser("passwd", help="vaihda salasana")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    remove = commands.add_parser("remove", help="poista käyttäjä")
    remove.add_argument("name")
    commands.add_parser("list", help="listaa käyttäjät")
    args = parser.parse_args(argv)
    store = default_store()
    try:
        if args.command == "add":
            teams = [t.strip() for t in args.teams.split(",") if t.strip()]
            user = store.add(args.name, args.role, _read_password(args.password_stdin), teams, args.display_name,
                             replace=args.replace)
            print(f"lisätty: {user.name} ({user.role}{': ' + ','.join(user.teams) if user.teams else ''})")
        elif args.command == "passwd":
            store.set_password(args.name, _read_password(args.password_stdin))
            print(f"salasana vaihdettu: {args.name}")
        elif args.command == "remove":
            if not store.remove(args.name):
                print(f"käyttäjää {args.name} ei ole", file=sys.stderr)
                return 1
            print(f"poistettu: {args.name}")
        else:
            for user in store.load().values():
                print(f"{user.name}\t{user.role}\t{','.join(user.teams)}\t{user.display_name}")
    except ValueError as error:
        print(f"virhe: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
