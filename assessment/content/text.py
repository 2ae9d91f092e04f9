"""User-facing text in English and Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGS: tuple[str, ...] = ("en", "zh")


@dataclass(frozen=True)
class Text:
    """A user-facing string in English and Chinese."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        """The string in `lang`, English when the language is unknown."""
        return self.zh if lang == "zh" else self.en

    @classmethod
    def from_data(cls, data: Mapping[str, str]) -> Text:
        return cls(en=data["en"], zh=data["zh"])
