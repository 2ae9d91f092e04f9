"""The OpenAPI 3.1 document of the JSON API, embedding the library's own JSON Schemas.

OpenAPI 3.1 schemas are JSON Schema 2020-12, so the bundled schemas go into `components.schemas`
as they are, except that their internal references (`#/$defs/x`) are rewritten to point into the
OpenAPI document (`#/components/schemas/Result/$defs/x`) and `$id`/`$schema` are dropped: many
OpenAPI tools resolve references by plain JSON pointer and do not treat `$id` as a new base.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from assessment.io.schema import load_schema

from .config import MAX_BODY


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


PROBLEM = {
    "type": "object",
    "required": ["file", "line", "col", "pointer", "message"],
    "additionalProperties": False,
    "properties": {
        "file": {"type": "string", "description": "'request' (the body) or 'query'"},
        "line": {"type": ["integer", "null"], "minimum": 1},
        "col": {"type": ["integer", "null"], "minimum": 1},
        "pointer": {"type": "string", "description": "where in the document, e.g. $.answers"},
        "message": {"type": "string"},
        "code": {"type": "string", "description": "stable kind: docs/problem-codes.md"},
    },
}
ERRORS = {
    "type": "object",
    "required": ["errors"],
    "additionalProperties": False,
    "properties": {"errors": {"type": "array", "minItems": 1, "items": _ref("Problem")}},
}
TEXT = {
    "type": "object",
    "required": ["en", "zh"],
    "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
}
SUMMARY = {
    "type": "object",
    "required": [
        *("id", "version", "versions", "title", "description"),
        *("dimensions", "questions", "minutes", "evidence"),
    ],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "version": {"type": "integer", "description": "the latest version"},
        "versions": {
            "type": "array",
            "items": {"type": "integer"},
            "description": "every version installed; GET /api/v1/questionnaires/{id}@{version}",
        },
        "title": _ref("Text"),
        "description": {"oneOf": [_ref("Text"), {"type": "null"}]},
        "dimensions": {"type": "array", "items": {"type": "string"}},
        "questions": {"type": "integer", "minimum": 1},
        "minutes": {"type": "integer", "minimum": 1, "description": "rough time to answer"},
        "evidence": {"type": "boolean", "description": "whether questions ask for evidence"},
    },
}
LIST = {
    "type": "object",
    "required": ["questionnaires"],
    "additionalProperties": False,
    "properties": {"questionnaires": {"type": "array", "items": _ref("QuestionnaireSummary")}},
}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(schema)}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json("Errors")}


SCORE = {
    "summary": "Score an answers document",
    "description": "Checks and scores one organisation's answers (one or several respondents) "
    "and returns the result. Nothing is stored. The body is the answers file format, as JSON "
    f"or YAML, at most {MAX_BODY} bytes.",
    "operationId": "score",
    "parameters": [
        {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": "language of the result's texts",
            "schema": {"enum": ["en", "zh"], "default": "en"},
        }
    ],
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _ref("Answers")},
            "application/yaml": {"schema": _ref("Answers")},
        },
    },
    "responses": {
        "200": {"description": "the result (tqm-result/1)", "content": _json("Result")},
        "400": _error("the document has problems; every one is listed with its pointer"),
        "413": _error(f"the body is larger than {MAX_BODY} bytes"),
        "415": _error("the body is neither application/json nor application/yaml"),
        "429": {
            **_error("too many requests from this client (setting TQM_LIMIT_API)"),
            "headers": {
                "Retry-After": {
                    "description": "seconds until a request is accepted again",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
        },
        "500": _error("internal error (a bug: please report it)"),
    },
}
PATHS = {
    "/api/v1/score": {"post": SCORE},
    "/api/v1/questionnaires": {
        "get": {
            "summary": "List the questionnaires",
            "operationId": "listQuestionnaires",
            "responses": {
                "200": {"description": "the questionnaires", "content": _json("QuestionnaireList")}
            },
        }
    },
    "/api/v1/questionnaires/{id}": {
        "get": {
            "summary": "One questionnaire, in its file format",
            "operationId": "getQuestionnaire",
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "description": "id (the latest version) or id@version",
                    "schema": {"type": "string"},
                }
            ],
            "responses": {
                "200": {"description": "the questionnaire", "content": _json("Questionnaire")},
                "404": _error("no questionnaire with this id or version"),
            },
        }
    },
    "/api/openapi.json": {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "responses": {"200": {"description": "the OpenAPI 3.1 document"}},
        }
    },
}


# --- the rounds API (consultant audits): bearer tokens, every object within the token's tenant ---

_BEARER: list[dict[str, list[str]]] = [{"consultantToken": []}]
_ROUND_ID = {
    "name": "round_id",
    "in": "path",
    "required": True,
    "description": "a round of the token's consultancy (another tenant's id answers 404)",
    "schema": {"type": "integer"},
}
_OBJECT = {"application/json": {"schema": {"type": "object"}}}


def _consultant_op(
    summary: str, operation: str, ok: str, body: str | None = None, path_id: bool = True
) -> dict[str, Any]:
    """An operation of the rounds API: token required, 401 without, 404 outside the tenant."""
    status = "201" if body else "200"
    out: dict[str, Any] = {
        "summary": summary,
        "operationId": operation,
        "security": _BEARER,
        "responses": {
            status: {"description": ok, "content": _OBJECT},
            "401": _error("no valid API token"),
            "404": _error("no such object in the token's consultancy"),
        },
    }
    if path_id:
        out["parameters"] = [_ROUND_ID]
    if body:
        out["requestBody"] = {"required": True, "description": body, "content": _OBJECT}
        out["responses"]["400"] = _error("the request's problems, each with its place")
    return out


ROUND_PATHS = {
    "/api/v1/clients": {
        "get": _consultant_op("The consultancy's clients", "listClients", "clients", None, False)
    },
    "/api/v1/rounds": {
        "post": _consultant_op(
            "Open a round for a client",
            "createRound",
            "the round",
            "{client, title, questionnaire (id or id@N), min_group?, anonymous?}",
            False,
        )
    },
    "/api/v1/rounds/{round_id}": {
        "get": _consultant_op("A round and its progress per role", "getRound", "the round")
    },
    "/api/v1/rounds/{round_id}/invitations": {
        "post": _consultant_op(
            "Invite respondents (private links, shown once)",
            "createInvitations",
            "the invitations with their links",
            '{"respondents": [{"role": ..., "name"?: ...}]}',
        )
    },
    "/api/v1/rounds/{round_id}/result": {
        "get": _consultant_op(
            "The round's result: frozen once signed off, else provisional",
            "getRoundResult",
            "waiting, provisional (self-assessed, agreed, consensus) or signed (agreed)",
        )
    },
}


def embed(name: str, schema: str) -> dict[str, Any]:
    """A bundled JSON Schema as components.schemas[name], its references made document-wide."""
    data = copy.deepcopy(load_schema(schema))
    data.pop("$id", None)
    data.pop("$schema", None)
    rebased: dict[str, Any] = _rebase(data, f"#/components/schemas/{name}")
    return rebased


def _rebase(node: Any, base: str) -> Any:
    if isinstance(node, dict):
        out = {k: _rebase(v, base) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            out["$ref"] = base + ref[1:]
        return out
    if isinstance(node, list):
        return [_rebase(v, base) for v in node]
    return node


@cache
def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "TQM maturity assessment API",
            "version": "1.0.0",
            "description": "Scores TQM maturity answers with the same engine as the web app "
            "and the `tqm` command. Scoring and the questionnaires need no authentication and "
            "store nothing; the rounds API (consultant audits) needs a consultant's API token. "
            "No cookies are used.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "paths": {**PATHS, **ROUND_PATHS},
        "components": {
            "schemas": {
                "Answers": embed("Answers", "answers"),
                "Result": embed("Result", "result"),
                "Questionnaire": embed("Questionnaire", "questionnaire"),
                "QuestionnaireSummary": SUMMARY,
                "QuestionnaireList": LIST,
                "Text": TEXT,
                "Problem": PROBLEM,
                "Errors": ERRORS,
            },
            "securitySchemes": {
                "consultantToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a consultant's API token (page 'API tokens')",
                }
            },
        },
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_document())
