"""Agent and editor accounts: names with salted password hashes, never plain passwords.

Accounts live in a JSON file (``kb user add NAME`` writes it) and/or the ``KB_USERS``
environment variable (``name=hash;name2=hash2``) for deployments that inject secrets.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")
MIN_PASSWORD = 8
# Compared against when the name is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class UserError(ValueError):
    pass


def load_users(users_file: Path) -> dict[str, str]:
    users: dict[str, str] = {}
    if users_file.exists():
        try:
            data = json.loads(users_file.read_text(encoding="utf-8"))
        except ValueError as error:
            raise UserError(f"{users_file}: not valid JSON ({error})") from None
        users.update({str(k): str(v) for k, v in data.get("users", {}).items()})
    for entry in filter(None, os.environ.get("KB_USERS", "").split(";")):
        name, _, password_hash = entry.partition("=")
        if name and password_hash:
            users[name.strip()] = password_hash.strip()
    return users


def add_user(users_file: Path, name: str, password: str) -> None:
    if not NAME.match(name):
        raise UserError(f"user name '{name}' must be lowercase letters, digits, '.', '_' or '-' (max 32)")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password must be at least {MIN_PASSWORD} characters")
    data = {"users": {}}
    if users_file.exists():
        data = json.loads(users_file.read_text(encoding="utf-8"))
    data.setdefault("users", {})[name] = generate_password_hash(password)
    users_file.parent.mkdir(parents=True, exist_ok=True)
    temp = users_file.with_suffix(".tmp")
    temp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.chmod(temp, 0o600)
    os.replace(temp, users_file)


def verify(users: dict[str, str], name: str, password: str) -> bool:
    password_hash = users.get(name)
    if password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
