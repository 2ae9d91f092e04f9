"""assessment/__init__.py: the public API loads each name on first use and works end to end."""

from __future__ import annotations

import subprocess
import sys

import assessment


def test_the_public_api_scores_and_renders_an_answers_file() -> None:
    library = assessment.load_library()
    answers = assessment.load_answers("examples/traditional.yaml", library)
    result = assessment.assess(answers, library)
    assert isinstance(result, assessment.Result)
    assert result.to_document("zh")["schema"] == "tqm-result/1"
    assert "customer" in str(assessment.render_result("csv", result, answers, "en"))


def test_importing_the_registry_does_not_load_the_engine() -> None:
    code = "import sys, assessment.render; print('assessment.engine.pipeline' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        assessment.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")
