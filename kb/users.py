"""Agent and editor accounts: names with salted password hashes, never plain passwords.

Accounts live in a JSON file (``kb user add NAME`` writes it) and/or the ``KB_USERS``
environment variable (``name=hash;name2=hash2``) for deployments that inject secrets.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")
MIN_PASSWORD = 8


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Compared against when the name is unknown, so timing does not reveal which names exist.

    Made on first use: hashing takes a fifth of a second, too slow for every import of this module.
    """
    return generate_password_hash("not-a-real-password")


class UserError(ValueError):
    pass


def _json_kind(value) -> str:
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _read_users_file(users_file: Path) -> dict:
    """The whole file, checked enough that callers can trust ``data["users"]`` is an object."""
    try:
        data = json.loads(users_file.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"{users_file}: cannot read file ({error.strerror or error})") from None
    except ValueError as error:
        raise UserError(f"{users_file}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise UserError(f'{users_file}: must be a JSON object like {{"users": {{...}}}}, not {_json_kind(data)}')
    if not isinstance(data.setdefault("users", {}), dict):
        kind = _json_kind(data["users"])
        raise UserError(f'{users_file}: "users" must be an object mapping names to password hashes, not {kind}')
    return data


def _account(name, password_hash) -> tuple[str, str] | None:
    """(name, hash) as login will look it up, or None for an entry no one could log in with."""
    if not isinstance(name, str) or not isinstance(password_hash, str):
        return None
    name, password_hash = name.strip().lower(), password_hash.strip()
    return (name, password_hash) if NAME.match(name) and password_hash else None


def load_users(users_file: Path) -> dict[str, str]:
    """Login lower-cases the name it is given, so names are lower-cased here too (``Bob=...`` is bob)."""
    entries = []
    if users_file.exists():
        entries += _read_users_file(users_file)["users"].items()
    for entry in filter(None, os.environ.get("KB_USERS", "").split(";")):
        name, _, password_hash = entry.partition("=")
        entries.append((name, password_hash))
    return dict(filter(None, (_account(name, password_hash) for name, password_hash in entries)))


def add_user(users_file: Path, name: str, password: str) -> None:
    if not NAME.match(name):
        raise UserError(f"user name '{name}' must be lowercase letters, digits, '.', '_' or '-' (max 32)")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password must be at least {MIN_PASSWORD} characters")
    data = _read_users_file(users_file) if users_file.exists() else {"users": {}}
    data["users"][name] = generate_password_hash(password)
    users_file.parent.mkdir(parents=True, exist_ok=True)
    temp = users_file.with_suffix(".tmp")
    temp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.chmod(temp, 0o600)
    os.replace(temp, users_file)


def verify(users: dict[str, str], name: str, password: str) -> bool:
    password_hash = users.get(name)
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)
