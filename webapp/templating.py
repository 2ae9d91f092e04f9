"""Template helpers: level names, finding labels and number formats, taken from the library."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _

from assessment.content.model import Question
from assessment.engine.result import Result
from assessment.numbers import decimal, percent, signed
from assessment.render.messages import msg

from .answering import field_name, format_value
from .catalog import frameworks
from .i18n import current_lang


def level_name(result: Result, level: int) -> str:
    """The framework's name of a maturity level in the interface language."""
    return result.level_name(level, current_lang())


def site_name() -> str:
    """What the site is called: the title of its framework when the content has one, else the
    product's own name."""
    found = frameworks()
    return found[0].title.get(current_lang()) if len(found) == 1 else _("Maturity assessment")


def cap_reason(result: Result, rule: str) -> str:
    """Why a rule holds the overall level: the title of the finding it made ('' without one)."""
    found = next((f for f in result.findings if f.rule == rule), None)
    return found.title.get(current_lang()) if found else ""


def finding_label(kind: str, value: str) -> str:
    """'kind'/'severity' labels of findings, as the library words them."""
    return msg(f"{kind}.{value}", current_lang())


def anchor(question: Question, value: float) -> str:
    """The anchor text of one option of a question ('' when it has none)."""
    text = question.anchors.get(int(value)) if float(value).is_integer() else None
    return text.get(current_lang()) if text else ""


def width(value: float | None, scale: float = 100.0) -> str:
    """A bar length for SVG presentation attributes (no inline styles under the CSP)."""
    return f"{max(0.0, min(100.0, value or 0.0)) * scale / 100:.1f}"


def init_templating(app: Flask) -> None:
    """Register the helpers as template globals."""
    helpers: dict[str, Any] = {
        "level_name": level_name,
        "finding_label": finding_label,
        "cap_reason": cap_reason,
        "site_name": site_name,
        "anchor": anchor,
        "field_name": field_name,
        "format_value": format_value,
        "format_number": lambda value: decimal(value, current_lang()),
        "format_signed": lambda value: signed(value, current_lang()),
        "format_percent": lambda share: percent(share, current_lang()),
        "bar_width": width,
    }
    app.jinja_env.globals.update(helpers)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
