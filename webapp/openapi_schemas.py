"""The schemas of the OpenAPI document: the library's JSON Schemas made tool-friendly, and the
answers request schema as strict as the server.

Client generators resolve references by plain JSON pointer and make a class of every titled
schema, so the bundled schemas' `$defs` become top-level components (`Result` + `$defs/level` ->
`ResultLevel`, referenced as `#/components/schemas/ResultLevel`), `$id`/`$schema` are dropped, and
titles become descriptions (a title such as "Answers to a TQM questionnaire (one respondent…)"
would be a class name). The answers schema is built from the questionnaires this server scores:
one branch per questionnaire version and shape (`answers` or `responses`, never both), with its
questions, required answers and scale, so that a request valid by the schema is one the server
accepts.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from assessment.content.library import Library
from assessment.content.model import Framework, Question, Questionnaire
from assessment.engine.answers import NA, UNKNOWN
from assessment.io.schema import load_schema

Schema = dict[str, Any]
COMPONENTS = "#/components/schemas/"


def ref(name: str) -> Schema:
    """A reference to a component schema."""
    return {"$ref": f"{COMPONENTS}{name}"}


def camel(text: str) -> str:
    """'respondent_group' / 'tqm-quick' -> 'RespondentGroup' / 'TqmQuick' (a component name)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text))


def hoisted(name: str, schema: str) -> dict[str, Schema]:
    """A bundled JSON Schema as components: itself under `name`, each of its $defs beside it."""
    data = copy.deepcopy(load_schema(schema))
    data.pop("$id", None)
    data.pop("$schema", None)
    defs = data.pop("$defs", {})
    names = {key: f"{name}{camel(key)}" for key in defs}
    out = {name: _rewritten(data, names)}
    out.update({names[key]: _rewritten(value, names) for key, value in defs.items()})
    return out


_BY_NAME = ("properties", "patternProperties", "$defs", "dependentSchemas")  # names -> schemas


def _rewritten(node: Any, names: dict[str, str]) -> Any:
    """A schema whose references to `#/$defs/x` point at the hoisted components, and whose
    titles are descriptions."""
    if isinstance(node, list):
        return [_rewritten(v, names) for v in node]
    if not isinstance(node, dict):
        return node
    out: Schema = {}
    for key, value in node.items():
        if key in _BY_NAME and isinstance(value, dict):
            out[key] = {name: _rewritten(sub, names) for name, sub in value.items()}
        elif key != "title" or not isinstance(value, str):
            out[key] = _rewritten(value, names)
    if isinstance(node.get("title"), str):
        out.setdefault("description", node["title"])
    target = out.get("$ref")
    if isinstance(target, str) and target.startswith("#/$defs/"):
        key, _, rest = target.removeprefix("#/$defs/").partition("/")
        out["$ref"] = f"{COMPONENTS}{names[key]}" + (f"/{rest}" if rest else "")
    return out


def answers_schemas(library: Library) -> dict[str, Schema]:
    """The answers request schema (`Answers`) and its parts, from the questionnaires served."""
    base = load_schema("answers")
    common = {
        key: _rewritten(base["properties"][key], {})
        for key in ("organisation", "date", "target", "previous")
    }
    out: dict[str, Schema] = {"AnswersRespondent": _rewritten(base["$defs"]["respondent"], {})}
    branches = []
    for qid in sorted(library.versions):
        latest = max(library.versions[qid])
        for version, questionnaire in sorted(library.versions[qid].items()):
            refs = [f"{qid}@{version}", *([qid] if version == latest else [])]
            stem = f"Answers{camel(qid)}V{version}"
            entries = _entries(questionnaire, library.framework_of(questionnaire), stem, out)
            fields = _with_dimensions(common, [d.id for d in questionnaire.dimensions])
            for entry in entries:  # one respondent: a branch per role (the questions it is asked)
                name = f"{entry}Answers"
                out[name] = _one_respondent(refs, out[entry], fields)
                branches.append(ref(name))
            out[f"{stem}Responses"] = _several(refs, [ref(e) for e in entries], fields)
            branches.append(ref(f"{stem}Responses"))
    out["Answers"] = {
        "description": "Answers to one of the questionnaires this server scores: one respondent "
        "(`answers`) or several (`responses`), never both (the answers file format)",
        "oneOf": branches,
    }
    return out


def _entries(
    questionnaire: Questionnaire, framework: Framework, stem: str, out: dict[str, Schema]
) -> list[str]:
    """A respondent and their answers, a schema per role: each role answers only the questions
    it is asked (`questions_for`); a respondent without a role answers every question."""
    names = []
    for role in (None, *framework.role_ids):
        asked = questionnaire.questions_for(role)
        if not asked:
            continue
        suffix = camel(role) if role else "AnyRole"
        values, entry = f"{stem}Values{suffix}", f"{stem}{suffix}"
        out[values] = _values(questionnaire, role, out, framework.dont_know)
        respondent: Schema = copy.deepcopy(out["AnswersRespondent"])
        if role:
            respondent["properties"]["role"] = {"type": "string", "enum": [role]}
            respondent["required"] = sorted({*respondent.get("required", []), "role"})
        else:
            respondent["properties"].pop("role", None)
        out[entry] = {
            "type": "object",
            "required": ["respondent", "answers"] if role else ["answers"],
            "additionalProperties": False,
            "properties": {"respondent": respondent, "answers": ref(values)},
        }
        names.append(entry)
    return names


def _with_dimensions(common: Schema, dimensions: list[str]) -> Schema:
    """The common fields with `target` and `previous` keyed by the questionnaire's dimensions."""
    out = dict(common)
    for key in ("target", "previous"):
        out[key] = {**common[key], "propertyNames": {"enum": dimensions}}
    return out


def _one_respondent(refs: list[str], entry: Schema, common: Schema) -> Schema:
    """One questionnaire version answered by one respondent in one role (`answers`)."""
    return {
        "type": "object",
        "required": ["questionnaire", *entry["required"]],
        "additionalProperties": False,
        "properties": {
            "questionnaire": {"type": "string", "enum": refs},
            **common,
            **entry["properties"],
        },
    }


def _several(refs: list[str], entries: list[Schema], common: Schema) -> Schema:
    """One questionnaire version answered by several respondents (`responses`)."""
    return {
        "type": "object",
        "required": ["questionnaire", "responses"],
        "additionalProperties": False,
        "properties": {
            "questionnaire": {"type": "string", "enum": refs},
            **common,
            "responses": {
                "type": "array",
                "minItems": 1,
                "maxItems": 10_000,
                "items": {"oneOf": entries},
            },
        },
    }


def _values(
    questionnaire: Questionnaire, role: str | None, forms: dict[str, Schema], dont_know: bool
) -> Schema:
    """A role's answers (None: every question): on its scale, 'unknown' where the framework
    offers "don't know", or 'na' where the question allows it."""
    asked = questionnaire.questions_for(role)
    whose = f", by a respondent in the role {role}" if role else ""
    return {
        "description": f"answers to {questionnaire.id}@{questionnaire.version}{whose}, by id",
        "type": "object",
        "additionalProperties": False,
        "required": [q.id for q in asked if q.required],
        "properties": {q.id: ref(_answer_form(q, forms, dont_know)) for q in asked},
    }


def _answer_form(question: Question, forms: dict[str, Schema], dont_know: bool) -> str:
    """The component of a question's answer, shared by every question with its scale, N/A and
    "don't know" (the server refuses 'unknown' where the framework does not offer it)."""
    values = sorted({_number(o.value) for o in question.options})
    words = [*([UNKNOWN] if dont_know else []), *([NA] if question.allow_na else [])]
    name = "Answer" + "Or".join(str(v).replace(".", "_") for v in values)
    name += "OrNa" if question.allow_na else ""
    name += "" if dont_know else "Known"
    kind = "integer" if all(isinstance(v, int) for v in values) else "number"
    words_form = [{"type": "string", "enum": words}] if words else []  # enum may not be empty
    choice = {"anyOf": [{"type": kind, "enum": values}, *words_form]}
    text = {"type": "string", "maxLength": 5000}
    forms[f"{name}Detailed"] = {
        "description": "an answer with its evidence and note",
        "type": "object",
        "required": ["value"],
        "additionalProperties": False,
        "properties": {"value": choice, "evidence": text, "note": text},
    }
    forms[name] = {
        "description": f"one of {values}{_or_words(words)}, or that with evidence and a note",
        "anyOf": [*choice["anyOf"], ref(f"{name}Detailed")],
    }
    return name


def _or_words(words: list[str]) -> str:
    """ ", 'unknown' or 'na'": the words an answer may be, after its values."""
    return f", {' or '.join(repr(w) for w in words)}" if words else ""


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
