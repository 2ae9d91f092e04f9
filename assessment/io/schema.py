"""JSON Schema validation that reports every error at its file:line:col."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from itertools import islice
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from ..problems import MAX_COUNTED, MAX_PROBLEMS, Problem, ProblemCode, Problems, did_you_mean
from .source import Document, pointer_join

if TYPE_CHECKING:  # the Python validator is imported on the slow path only (~40 ms at start-up)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMAS = (
    "framework",
    "questionnaire",
    "answers",
    "pack",
    "baselines",
    "actions",
    "packtests",
    "result",
)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """One of the bundled JSON Schemas (assessment/schemas/<name>.schema.json)."""
    text = resources.files("assessment.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(name: str) -> Draft202012Validator:
    """The located (pure Python) validator: what finds each error once the fast one said no."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


@cache
def fast_validator(name: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(load_schema(name))


def is_plainly_valid(data: Any, schema: str) -> bool:
    """The compiled (Rust) validator's verdict; False when it cannot tell.

    It is ~400x faster than `jsonschema` but gives no positions, so it only answers "valid?". It is
    as strict or stricter than `jsonschema` (it refuses NaN; `$` in a pattern does not match before a
    final newline), so False merely sends the document down the slow path that finds the errors.
    """
    try:
        return bool(fast_validator(schema).is_valid(data))
    except (ValueError, TypeError, OverflowError):  # a type JSON lacks, e.g. a YAML date
        return False


def schema_problems(doc: Document, schema: str) -> Problems:
    """The schema violations of the document, each located: the first MAX_PROBLEMS, the rest
    counted (up to MAX_COUNTED: the work stays bounded however many there are)."""
    if is_plainly_valid(doc.data, schema):
        return Problems()
    errors = list(islice(validator(schema).iter_errors(doc.data), MAX_COUNTED + 1))
    listed = sorted(errors[:MAX_PROBLEMS], key=lambda e: list(e.absolute_path))
    problems = Problems(_problem(doc, _specific(e)) for e in listed)
    problems.more = len(errors[MAX_PROBLEMS:MAX_COUNTED])
    problems.at_least = len(errors) > MAX_COUNTED
    return problems


_SHALLOW = ("type", "required", "const", "enum", "not")
# The problem code of each JSON Schema keyword the bundled schemas use (others: schema.invalid).
_CODES: dict[str, ProblemCode] = {
    "type": "schema.type",
    "required": "schema.required",
    "enum": "schema.enum",
    "const": "schema.const",
    "pattern": "schema.pattern",
    "minimum": "schema.range",
    "maximum": "schema.range",
    "exclusiveMinimum": "schema.range",
    "exclusiveMaximum": "schema.range",
    "minLength": "schema.length",
    "maxLength": "schema.length",
    "minItems": "schema.length",
    "maxItems": "schema.length",
    "minProperties": "schema.length",
    "maxProperties": "schema.length",
    "uniqueItems": "schema.unique",
    "additionalProperties": "schema.unexpected_field",
}


def _specific(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the error of the branch the author most likely meant (recursively).

    "Not valid under any of the given schemas" helps nobody. A branch that fails on the value's own
    type or required keys was probably not meant; among the others, the one whose error lies deepest
    is the closest match.
    """
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return error
    from jsonschema.exceptions import relevance

    branches: dict[object, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def fit(errors: list[ValidationError]) -> tuple[bool, int, int]:
        shallow = any(not e.relative_path and e.validator in _SHALLOW for e in errors)
        return (shallow, -max(len(e.absolute_path) for e in errors), len(errors))

    chosen = min(branches.values(), key=fit)
    # A misspelt field also makes the real one "required": the misspelling is the better message.
    typos = [e for e in chosen if e.validator == "additionalProperties"]
    return _specific(typos[0] if typos else max(chosen, key=relevance))


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
    return doc.problem(pointer, message, code=_CODES.get(str(error.validator), "schema.invalid"))
