"""The site's contact channels and interface strings, kept in ONE file (``site/site.yml``).

Templates, the JS (through a JSON block in ``base.html``) and the static export all read the same
values, so the phone number or a sentence is changed once. A broken file is an error naming the
file and line, raised when the app starts, never a page without a phone number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SITE_FILE = Path(__file__).resolve().parents[1] / "site" / "site.yml"
CONTACT_KEYS = ("phone", "phone_hours", "chat_url", "inquiry_url")


class SiteSettingsError(ValueError):
    """site.yml cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Contact:
    phone: str
    phone_hours: str = ""
    chat_url: str = ""
    inquiry_url: str = ""

    @property
    def tel(self) -> str:
        """The tel: URI: the digits with their hyphens (RFC 3966 visual separators); spaces and dots dropped."""
        return "tel:" + re.sub(r"[^\d+-]", "", self.phone)


@dataclass(frozen=True)
class SiteSettings:
    contact: Contact
    strings: dict[str, str] = field(default_factory=dict)

    def js_settings(self) -> dict:
        """What search.js needs: the strings and the contact channels."""
        contact = {key: getattr(self.contact, key) for key in CONTACT_KEYS}
        return {"strings": self.strings, "contact": {**contact, "tel": self.contact.tel}}


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def load_site_settings(path: str | Path = SITE_FILE) -> SiteSettings:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SiteSettingsError(f"{path}: cannot read: {error.strerror}") from error
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise SiteSettingsError(f"{path}:{line}: not valid YAML: {getattr(error, 'problem', error)}") from error
    sections = {key.value: value for key, value in root.value} if isinstance(root, yaml.MappingNode) else {}
    if not isinstance(data, dict) or not isinstance(data.get("contact"), dict):
        raise SiteSettingsError(f"{path}:{_line(root)}: needs a 'contact' section with at least 'phone'")
    contact, strings = data["contact"], data.get("strings") or {}
    unknown = sorted(set(contact) - set(CONTACT_KEYS))
    if unknown:
        raise SiteSettingsError(
            f"{path}:{_line(sections.get('contact'))}: unknown contact key '{unknown[0]}' "
            f"(known: {', '.join(CONTACT_KEYS)})"
        )
    if not str(contact.get("phone") or "").strip():
        raise SiteSettingsError(f"{path}:{_line(sections.get('contact'))}: contact.phone is missing")
    if not isinstance(strings, dict):
        raise SiteSettingsError(f"{path}:{_line(sections.get('strings'))}: 'strings' must map names to text")
    return SiteSettings(
        contact=Contact(**{key: str(contact.get(key) or "").strip() for key in CONTACT_KEYS}),
        strings={str(key): str(value) for key, value in strings.items()},
    )
