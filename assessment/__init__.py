"""TQM maturity assessment: the library's public API.

    from assessment import load_library, load_answers, assess, render_result

    library = load_library()                      # the bundled content (or a folder of your own)
    answers = load_answers("answers.yaml", library)
    result = assess(answers, library)             # a typed Result, texts in every language
    document = result.to_document("zh")           # the JSON contract tqm-result/1
    pdf = render_result("pdf", result, answers, "en")  # any format of the registry

The names are loaded on first use (PEP 562), so importing one part of the library (the format
registry, the YAML reader) does not import the engine or the renderers with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "load_library": "assessment.content.library",
    "Library": "assessment.content.library",
    "load_answers": "assessment.engine.answers",
    "parse_answers": "assessment.engine.answers",
    "AnswerSet": "assessment.engine.answers",
    "assess": "assessment.engine.pipeline",
    "Result": "assessment.engine.result",
    "render_result": "assessment.render",
    "FORMATS": "assessment.render",
    "Problem": "assessment.problems",
    "ProblemsFound": "assessment.problems",
    "TqmError": "assessment.problems",
}
__all__ = [
    "FORMATS",
    "AnswerSet",
    "Library",
    "Problem",
    "ProblemsFound",
    "Result",
    "TqmError",
    "assess",
    "load_answers",
    "load_library",
    "parse_answers",
    "render_result",
]

if TYPE_CHECKING:
    from .content.library import Library, load_library
    from .engine.answers import AnswerSet, load_answers, parse_answers
    from .engine.pipeline import assess
    from .engine.result import Result
    from .problems import Problem, ProblemsFound, TqmError
    from .render import FORMATS
    from .render import render as render_result


_RENAMED = {"render_result": "render"}  # `assessment.render` is the subpackage of the formats


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'assessment' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), _RENAMED.get(name, name))
