"""Who may see an article: one named type instead of string tuples written everywhere."""

from __future__ import annotations

from typing import Literal

Audience = Literal["public", "internal"]
Audiences = tuple[Audience, ...]

AUDIENCES: Audiences = ("public", "internal")  # every value an article's ``audience`` may take
PUBLIC: Audiences = ("public",)  # customers: public pages, the public API, suggestions, the export
EVERYONE: Audiences = ("public", "internal")  # logged-in agents
