"""Cross-references within a rule pack and to its questionnaires: facts, questions, actions, cycles."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..io.source import Document, pointer_join
from ..problems import Problem, ProblemCode, unknown
from .framework_fit import framework_fit_problems
from .model import Framework, Questionnaire
from .placeholders import action_placeholder_problems, finding_placeholder_problems
from .reach import threshold_problems
from .rules import fact_problem


def pack_problems(
    docs: Mapping[str, Document], questionnaires: Mapping[str, Questionnaire], framework: Framework
) -> list[Problem]:
    """Cross-reference problems between a pack's files, its framework and its questionnaires."""
    pack, actions = docs["pack.yaml"], docs["actions.yaml"]
    action_ids = [a["id"] for a in actions.data["actions"]]
    problems = action_problems(actions) + action_placeholder_problems(actions)
    asked: set[str] = set()
    scored: list[Questionnaire] = []
    for index, qid in enumerate(pack.data["questionnaires"]):
        if qid in questionnaires:
            asked |= questionnaires[qid].question_ids
            scored.append(questionnaires[qid])
        else:
            ptr = pointer_join("/questionnaires", index)
            msg = unknown("questionnaire", qid, questionnaires)
            problems.append(pack.problem(ptr, msg, code="unknown.questionnaire"))
    scored = [questionnaires[q] for q in pack.data["questionnaires"] if q in questionnaires]
    problems += threshold_problems(pack, pack.data["rules"], scored)
    seen: set[str] = set()
    for index, rule in enumerate(pack.data["rules"]):
        ptr = pointer_join("/rules", index)
        if rule["id"] in seen:
            msg = f"rule id {rule['id']!r} appears twice"
            problems.append(pack.problem(f"{ptr}/id", msg, code="content.duplicate_id"))
        seen.add(rule["id"])
        problems += _rule_problems(pack, ptr, rule, asked, action_ids, framework)
    return problems + framework_fit_problems(docs, scored, framework)


def _rule_problems(
    doc: Document,
    ptr: str,
    rule: Mapping[str, Any],
    asked: set[str],
    action_ids: list[str],
    framework: Framework,
) -> list[Problem]:
    for_each = rule.get("for_each")
    out = [
        doc.problem(p, wrong[1], code=wrong[0])
        for p, fact in _condition_facts(rule["when"], f"{ptr}/when")
        if (wrong := fact_problem(fact, asked, for_each, framework))
    ]
    out += _placeholder_problems(doc, ptr, rule)
    out += finding_placeholder_problems(doc, ptr, rule, asked, framework)
    then = rule["then"]
    dims = [*framework.dimension_ids, *(["{dimension}"] if for_each else [])]
    questions = [*asked, *(["{question}"] if for_each == "question" else [])]
    checks: list[tuple[str, str, str, list[str]]] = []
    if "level" in then:
        checks.append(
            (f"{ptr}/then/level/dimension", "dimension", then["level"]["dimension"], dims)
        )
    if isinstance(then.get("cap", {}).get("to"), dict):
        fact = then["cap"]["to"]["fact"]
        if wrong := fact_problem(fact, asked, for_each, framework):
            out.append(doc.problem(f"{ptr}/then/cap/to/fact", wrong[1], code=wrong[0]))
    if "plan_first" in then:
        checks.append((f"{ptr}/then/plan_first", "dimension", then["plan_first"], dims))
    finding = then.get("finding", {})
    for i, dim in enumerate(finding.get("dimensions", [])):
        checks.append((f"{ptr}/then/finding/dimensions/{i}", "dimension", dim, dims))
    for i, qid in enumerate(finding.get("evidence", [])):
        checks.append((f"{ptr}/then/finding/evidence/{i}", "question", qid, questions))
    for i, action in enumerate(then.get("actions", [])):
        checks.append((f"{ptr}/then/actions/{i}", "action", action, action_ids))
    out += [
        doc.problem(p, unknown(kind, name, known), code=_UNKNOWN[kind])
        for p, kind, name, known in checks
        if name not in known
    ]
    return out


_UNKNOWN: dict[str, ProblemCode] = {
    "dimension": "unknown.dimension",
    "question": "unknown.question",
    "action": "unknown.action",
}


def _placeholder_problems(doc: Document, ptr: str, rule: Mapping[str, Any]) -> list[Problem]:
    """{question} needs for_each: question; {dimension} needs a for_each."""
    for_each = rule.get("for_each")
    texts = [("/title", rule["title"])]
    finding = rule["then"].get("finding", {})
    texts += [(f"/then/finding/{k}", finding[k]) for k in ("title", "detail") if k in finding]
    out = []
    for where, text in texts:
        for lang, value in text.items():
            if "{question}" in value and for_each != "question":
                msg = "the {question} placeholder needs for_each: question"
                out.append(doc.problem(f"{ptr}{where}/{lang}", msg, code="content.placeholder"))
            elif "{dimension}" in value and not for_each:
                msg = "the {dimension} placeholder needs a for_each"
                out.append(doc.problem(f"{ptr}{where}/{lang}", msg, code="content.placeholder"))
    return out


def _condition_facts(cond: Mapping[str, Any], ptr: str) -> Iterator[tuple[str, str]]:
    for key in ("all", "any"):
        for index, child in enumerate(cond.get(key, [])):
            yield from _condition_facts(child, pointer_join(f"{ptr}/{key}", index))
    if "not" in cond:
        yield from _condition_facts(cond["not"], f"{ptr}/not")
    for key in ("fact", "ref"):
        if key in cond:
            yield f"{ptr}/{key}", cond[key]


def action_problems(doc: Document) -> list[Problem]:
    """Cross-checks of an action catalogue: ids, lifts, prerequisites and their cycles."""
    actions = doc.data["actions"]
    ids = [a["id"] for a in actions]
    out = []
    for index, action in enumerate(actions):
        ptr = pointer_join("/actions", index)
        if ids.count(action["id"]) > 1 and ids.index(action["id"]) != index:
            msg = f"action id {action['id']!r} appears twice"
            out.append(doc.problem(f"{ptr}/id", msg, code="content.duplicate_id"))
        if action["id"].split(".")[0] != action["dimension"]:
            msg = f"action id must start with {action['dimension'] + '.'!r}"
            out.append(doc.problem(f"{ptr}/id", msg, code="content.id_prefix"))
        if action["lifts"]["from"] >= action["lifts"]["to"]:
            msg = "lifts.from must be below lifts.to"
            out.append(doc.problem(f"{ptr}/lifts", msg, code="content.lift_order"))
        for i, req in enumerate(action.get("requires", [])):
            if req not in ids:
                msg = unknown("action", req, ids)
                out.append(doc.problem(f"{ptr}/requires/{i}", msg, code="unknown.action"))
    out += _cycle_problems(
        doc, {a["id"]: [r for r in a.get("requires", []) if r in ids] for a in actions}
    )
    return out


def _cycle_problems(doc: Document, graph: Mapping[str, list[str]]) -> list[Problem]:
    """One problem per prerequisite cycle, naming the whole cycle."""
    state: dict[str, int] = {}
    index = {node: i for i, node in enumerate(graph)}
    out = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                ptr = f"/actions/{index[node]}/requires"
                msg = "prerequisite cycle: " + " -> ".join(cycle)
                out.append(doc.problem(ptr, msg, code="content.cycle"))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
    return out
