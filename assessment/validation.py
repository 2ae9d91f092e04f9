"""JSON Schema validation that reports every error at its file:line:col."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from .problems import Problem, did_you_mean
from .source import Document, pointer_join

SCHEMAS = ("questionnaire", "answers", "pack", "baselines", "actions", "packtests", "result")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """One of the bundled JSON Schemas (assessment/schemas/<name>.schema.json)."""
    text = resources.files("assessment.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name))


def schema_problems(doc: Document, schema: str) -> list[Problem]:
    """Every schema violation of the document, each located."""
    errors = validator(schema).iter_errors(doc.data)
    return [
        _problem(doc, _specific(e)) for e in sorted(errors, key=lambda e: list(e.absolute_path))
    ]


def _specific(error: ValidationError) -> ValidationError:
    # oneOf/anyOf failures say "not valid under any of the given schemas"; the closest branch is
    # what the author meant, so report that branch's error instead.
    if error.validator in ("oneOf", "anyOf") and error.context:
        return _specific(best_match(error.context))
    return error


def _problem(doc: Document, error: ValidationError) -> Problem:
    pointer = ""
    for part in error.absolute_path:
        pointer = pointer_join(pointer, part)
    message = error.message
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = list(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        if extra:
            pointer = pointer_join(pointer, extra[0])
            message = f"unexpected field {extra[0]!r}{did_you_mean(extra[0], allowed)}"
    elif error.validator == "enum":
        message = f"{error.instance!r} is not one of {error.validator_value}"
        if isinstance(error.instance, str):
            message += did_you_mean(error.instance, [str(v) for v in error.validator_value])  # type: ignore[union-attr]
    return doc.problem(pointer, message)
