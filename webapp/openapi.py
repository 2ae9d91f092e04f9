"""The OpenAPI 3.1 document of the JSON API, embedding the library's own JSON Schemas.

OpenAPI 3.1 schemas are JSON Schema 2020-12, so the bundled schemas go into `components.schemas`
with their `$defs` hoisted beside them (openapi_schemas.py); the answers request schema is built
from the questionnaires served. The scoring and questionnaire operations are open (`security: []`),
the rounds API needs a bearer token; every operation describes its 4XX answers.
"""

from __future__ import annotations

import copy
from typing import Any

from assessment.content.library import Library

from .config import MAX_BODY
from .openapi_schemas import answers_schemas, hoisted
from .openapi_schemas import ref as _ref

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
    "properties": {
        "errors": {"type": "array", "minItems": 1, "items": _ref("Problem")},
        "more": {
            "type": "integer",
            "minimum": 0,
            "description": "how many more problems were found than are listed (at most 100 are)",
        },
        "more_at_least": {
            "type": "boolean",
            "description": "true when counting stopped: there are at least `more` more",
        },
    },
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


OPEN: list[dict[str, list[str]]] = []  # no authentication (the scoring API stores nothing)
REFUSED = _error("the request was refused (e.g. 405 with the methods allowed, or 429)")


SCORE = {
    "summary": "Score an answers document",
    "description": "Checks and scores one organisation's answers (one or several respondents) "
    "and returns the result. Nothing is stored. The body is the answers file format, as JSON "
    f"or YAML, at most {MAX_BODY} bytes.",
    "operationId": "score",
    "security": OPEN,
    "parameters": [
        {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": "language of the result's texts",
            "schema": {"type": "string", "enum": ["en", "zh"], "default": "en"},
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
        "4XX": REFUSED,
        "500": _error("internal error (a bug: please report it)"),
        "503": _error("the scoring took longer than the server allows (TQM_SCORE_TIMEOUT)"),
    },
}
PATHS = {
    "/api/v1/score": {"post": SCORE},
    "/api/v1/questionnaires": {
        "get": {
            "summary": "List the questionnaires",
            "operationId": "listQuestionnaires",
            "security": OPEN,
            "responses": {
                "200": {"description": "the questionnaires", "content": _json("QuestionnaireList")},
                "4XX": REFUSED,
            },
        }
    },
    "/api/v1/questionnaires/{id}": {
        "get": {
            "summary": "One questionnaire, in its file format",
            "operationId": "getQuestionnaire",
            "security": OPEN,
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "description": "id (the latest version) or id@version",
                    "schema": {"type": "string"},  # the served ids: see openapi_document
                }
            ],
            "responses": {
                "200": {"description": "the questionnaire", "content": _json("Questionnaire")},
                "404": _error("no questionnaire with this id or version"),
                "4XX": REFUSED,
            },
        }
    },
    "/api/openapi.json": {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "security": OPEN,
            "responses": {
                "200": {
                    "description": "the OpenAPI 3.1 document",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "4XX": REFUSED,
            },
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
            "4XX": REFUSED,
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
    "/api/v1/rounds/{round_id}/export": {
        "get": _consultant_op(
            "The whole round: answers by role (anonymised as the round says), the reconciliation "
            "log and the result",
            "exportRound",
            "the round export (tqm-round-export/1)",
        )
    },
}


def openapi_document(library: Library) -> dict[str, Any]:
    """The OpenAPI document of this server, whose request schemas name the questionnaires served."""
    paths = copy.deepcopy({**PATHS, **ROUND_PATHS})
    served = [f"{qid}@{v}" for qid in sorted(library.versions) for v in library.versions[qid]]
    get_one = paths["/api/v1/questionnaires/{id}"]["get"]
    get_one["parameters"][0]["schema"] = {
        "type": "string",
        "enum": sorted(library.versions) + served,
    }
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
        "servers": [{"url": "/", "description": "this server"}],
        "paths": paths,
        "components": {
            "schemas": {
                **answers_schemas(library),
                **hoisted("Result", "result"),
                **hoisted("Questionnaire", "questionnaire"),
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
