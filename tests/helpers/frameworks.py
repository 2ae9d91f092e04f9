"""The bundled framework (frameworks/tqm.yaml) as tests read its names: level, role and dimension
names come from content, never from code."""

from __future__ import annotations

from pathlib import Path

from assessment.content.framework import Framework
from assessment.content.library import load_frameworks

ROOT = Path(__file__).resolve().parents[2]


def bundled_framework() -> Framework:
    """The framework of the bundled questionnaires and packs."""
    found, problems = load_frameworks(ROOT)
    assert not problems, problems
    return found["tqm"]


TQM = bundled_framework()
