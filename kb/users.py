"""Agent and editor accounts: names with salted password hashes, never plain passwords.

Accounts live in a JSON file (``kb user add NAME`` writes it) and/or the ``KB_USERS``
setting (``name=hash;name2=hash2``, read by ``Settings.from_env``) for deployments that inject secrets.

Each account has roles: ``agent`` (the console) and ``editor`` (preview, analyze, insights).
An entry is either a bare hash (an agent, as files written before roles were) or
``{"hash": ..., "roles": [...]}``; in ``KB_USERS`` roles follow a second ``=``:
``name=hash=agent+editor``.
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
ROLES = ("agent", "editor")
DEFAULT_ROLES = ("agent",)


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


def _entry(value) -> tuple[str | None, tuple[str, ...]]:
    """(hash, roles) of one stored entry: a bare hash string is an agent account."""
    if isinstance(value, dict):
        roles = value.get("roles")
        roles = tuple(r for r in roles if r in ROLES) if isinstance(roles, list) else DEFAULT_ROLES
        return value.get("hash"), roles
    return value, DEFAULT_ROLES


def _account(name, password_hash) -> tuple[str, str] | None:
    """(name, hash) as login will look it up, or None for an entry no one could log in with."""
    if not isinstance(name, str) or not isinstance(password_hash, str):
        return None
    name, password_hash = name.strip().lower(), password_hash.strip()
    return (name, password_hash) if NAME.match(name) and password_hash else None


def _entries(users_file: Path, inline: str = "") -> list[tuple[object, object, tuple[str, ...]]]:
    """(name, hash, roles) from the file, then from ``inline``, the KB_USERS setting (which wins for a name in both)."""
    entries = []
    if users_file.exists():
        for name, value in _read_users_file(users_file)["users"].items():
            entries.append((name, *_entry(value)))
    for entry in filter(None, inline.split(";")):
        name, _, rest = entry.partition("=")
        password_hash, _, roles = rest.partition("=")
        role_list = tuple(r.strip() for r in roles.split("+") if r.strip() in ROLES) if roles else DEFAULT_ROLES
        entries.append((name, password_hash, role_list))
    return entries


def load_users(users_file: Path, inline: str = "") -> dict[str, str]:
    """The accounts in ``users_file`` and ``inline`` (``name=hash;…``, the ``KB_USERS`` setting).

    Login lower-cases the name it is given, so names are lower-cased here too (``Bob=...`` is bob).
    """
    accounts = (_account(name, password_hash) for name, password_hash, _ in _entries(users_file, inline))
    return dict(filter(None, accounts))


def load_roles(users_file: Path, inline: str = "") -> dict[str, frozenset[str]]:
    """Each usable account's roles (the same accounts ``load_users`` returns)."""
    roles = {}
    for name, password_hash, role_list in _entries(users_file, inline):
        account = _account(name, password_hash)
        if account:
            roles[account[0]] = frozenset(role_list)
    return roles


def add_user(users_file: Path, name: str, password: str, roles: tuple[str, ...] | None = None) -> None:
    """Create an account or change its password; ``roles`` None keeps an existing account's roles."""
    if not NAME.match(name):
        raise UserError(f"user name '{name}' must be lowercase letters, digits, '.', '_' or '-' (max 32)")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password must be at least {MIN_PASSWORD} characters")
    if roles is not None and (not roles or any(r not in ROLES for r in roles)):
        raise UserError(f"roles must be some of: {', '.join(ROLES)}")
    data = _read_users_file(users_file) if users_file.exists() else {"users": {}}
    kept = _entry(data["users"][name])[1] if name in data["users"] else DEFAULT_ROLES
    roles = tuple(dict.fromkeys(roles)) if roles is not None else kept
    password_hash = generate_password_hash(password)
    data["users"][name] = password_hash if roles == DEFAULT_ROLES else {"hash": password_hash, "roles": list(roles)}
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
