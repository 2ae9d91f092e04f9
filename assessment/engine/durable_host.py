"""The durable-rules adapter: compile conditions to rulesets and ask the engine what fires.

This is the only module that imports `durable`. It works around traps of durable-rules 2.0.28 that
were measured on this project's machines:
- a host with its timer threads off (`SyncHost`), and one process-wide lock around
  assert -> read -> delete, because durable's C core is not safe across threads (the stock host's
  two timer threads ran pending actions on any session: wrong scores and segfaults under threads);
- one fact per evaluation carrying every input as a field (no batches);
- a fresh long random sid per evaluation, `delete_state` in `finally` (a ruleset holds at most 1,024
  live sessions; the 1,025th raises MemoryError and leaks a slot for good), and a check that the
  state that comes back is ours (sids are compared by a 32-bit hash);
- an exception swallowed into `state["exception"]` is raised again;
- rulesets are registered once per name, and the name carries the pack hash;
- a stage is split into rulesets of at most 40 rules (durable's 64-entry match stack);
- `set_rulesets` mutates its argument, so it gets a deep copy.
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import durable.engine
import durable_rules_engine
import orjson

from ..content.conditions import All, Compare, Condition, Not, facts_of
from ..problems import TqmError

_DURABLE_OPS = {"==": None, "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_NO_SUCH_SESSION = "309"
# Every fact carries this field, and every rule requires it:
# - one extra rule matches it alone, so every assertion runs an action. Without it, an assertion that
#   matches no rule leaves a session whose delete_state later corrupted the heap ("free(): invalid
#   pointer") in about one process in four (measured with `tqm score`);
# - a rule that could hold on a message without our fields (e.g. only "$nex" tests) also matches
#   durable's own state messages, and its action re-triggers it for ever; requiring the field
#   anchors every rule to our fact.
_ANCHOR = "tqm_fact"
# durable's matcher keeps the rules one message satisfies on a fixed stack of 64 entries
# (MAX_STACK_SIZE in its events.c): 64 rules on distinct facts all true at once crash the process
# and more fail with error 303. A stage is therefore split into rulesets of at most this many rules.
MAX_RULES_PER_RULESET = 40


class EngineError(TqmError):
    """The rule engine failed; the evaluation has no result."""


class SyncHost(durable.engine.Host):  # type: ignore[misc]  # durable ships no types
    """A host without timer threads: actions run only inside assert_fact, on the caller's thread."""

    def _run(self) -> None:
        pass


_LOCK = threading.Lock()
_HOST: SyncHost | None = None
_REGISTERED: set[str] = set()


@dataclass(frozen=True)
class Chunk:
    """One registered durable ruleset holding rules offset .. offset + size - 1."""

    name: str
    keys: Mapping[str, str]
    offset: int


@dataclass(frozen=True)
class CompiledRuleset:
    """A set of conditions compiled into one or more durable rulesets (chunks)."""

    name: str
    chunks: tuple[Chunk, ...]


def compile_ruleset(name: str, conditions: Sequence[Condition]) -> CompiledRuleset:
    """Register (once) rulesets in which rule i fires when conditions[i] holds."""
    chunks = []
    for offset in range(0, len(conditions), MAX_RULES_PER_RULESET):
        part = conditions[offset : offset + MAX_RULES_PER_RULESET]
        chunks.append(_compile_chunk(f"{name}_c{offset // MAX_RULES_PER_RULESET}", part, offset))
    return CompiledRuleset(name, tuple(chunks))


def _compile_chunk(name: str, conditions: Sequence[Condition], offset: int) -> Chunk:
    facts = sorted({f for c in conditions for f in facts_of(c)})
    keys = {fact: f"f{i}" for i, fact in enumerate(facts)}
    with _LOCK:
        if name not in _REGISTERED:
            definition = {
                # rules are named by their index in the whole stage, so a firing names its rule
                f"r{offset + i}": {
                    "all": [{"m": _anchored(to_durable(cond, keys))}],
                    "run": _ignore,
                }
                for i, cond in enumerate(conditions)
            }
            definition["sink"] = {"all": [{"m": {"$ex": {_ANCHOR: 1}}}], "run": _ignore}
            _host().set_rulesets(copy.deepcopy({name: definition}))  # it mutates its argument
            _REGISTERED.add(name)
    return Chunk(name, keys, offset)


def _anchored(expr: dict[str, Any]) -> dict[str, Any]:
    anchor = {"$ex": {_ANCHOR: 1}}
    return {"$and": [anchor, *expr["$and"]]} if "$and" in expr else {"$and": [anchor, expr]}


def _ignore(c: Any) -> None:
    """Actions are never called: _run_actions drives the engine itself."""


def _host() -> SyncHost:
    global _HOST
    if _HOST is None:
        _HOST = SyncHost()
    return _HOST


def fire(ruleset: CompiledRuleset, facts: Mapping[str, float]) -> set[int]:
    """Indices of the rules whose conditions hold for these facts, as decided by durable-rules."""
    fired: set[int] = set()
    for chunk in ruleset.chunks:
        fired |= _fire_chunk(chunk, facts)
    return fired


def _fire_chunk(chunk: Chunk, facts: Mapping[str, float]) -> set[int]:
    message: dict[str, Any] = {key: facts[f] for f, key in chunk.keys.items() if f in facts}
    sid = secrets.token_hex(16)
    message["sid"] = sid
    message[_ANCHOR] = 1
    with _LOCK:
        host = _host()
        try:
            fired, state = _run_actions(
                host.get_ruleset(chunk.name), orjson.dumps(message).decode()
            )
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"rule engine failed on {chunk.name}: {exc}") from exc
        finally:
            _delete(host, chunk.name, sid)
    _check_state(state, sid)
    return fired


def _run_actions(ruleset: Any, message: str) -> tuple[set[int], dict[str, Any]]:
    """Assert one fact and collect the rules it fires.

    This is durable's own loop (Ruleset.do_actions / _flush_actions) without its per-action
    bookkeeping: our actions only record which rule fired and never change the session state, so
    neither the Closure objects nor the state round-trip (JSON both ways) per action are needed.
    That made an evaluation 3-4x faster. The state is still read once, to check the sid.
    """
    handle = ruleset._handle
    code, state_handle = durable_rules_engine.assert_fact(handle, message)
    if code in (1, 2):  # not handled / already observed: impossible with the anchor rule
        raise EngineError(f"rule engine did not take the fact (code {code})")
    result = durable_rules_engine.start_action_for_state(handle, state_handle)
    if not result:
        raise EngineError("rule engine ran no action (the anchor rule should always match)")
    state = orjson.loads(result[0])
    fired: set[int] = set()
    pending: str | None = result[1]
    while pending:
        name = pending[2 : pending.index('"', 2)]  # '{"r12": {...}}' -> 'r12'
        if name != "sink":
            fired.add(int(name[1:]))
        pending = durable_rules_engine.complete_and_start_action(handle, state_handle)
    return fired, state


def _delete(host: SyncHost, name: str, sid: str) -> None:
    try:
        host.delete_state(name, sid)
    except Exception as exc:  # durable reports a missing session as error 309
        if _NO_SUCH_SESSION not in str(exc):
            raise EngineError(f"could not delete session {sid}: {exc}") from exc


def _check_state(state: Mapping[str, Any] | None, sid: str) -> None:
    if not state:
        return
    if state.get("sid") != sid:
        raise EngineError(f"rule engine returned session {state.get('sid')!r}, expected {sid!r}")
    if "exception" in state:
        raise EngineError(f"rule action failed: {state['exception']}")


def to_durable(cond: Condition, keys: Mapping[str, str], negate: bool = False) -> dict[str, Any]:
    """The durable-rules expression of a condition; `not` is pushed down to the comparisons."""
    if isinstance(cond, Not):
        return to_durable(cond.item, keys, not negate)
    if isinstance(cond, Compare):
        return _compare(cond, keys, negate)
    conjunctive = isinstance(cond, All) != negate
    parts = [to_durable(c, keys, negate) for c in cond.items]
    if len(parts) == 1:
        return parts[0]
    return {"$and" if conjunctive else "$or": parts}


def _compare(cond: Compare, keys: Mapping[str, str], negate: bool) -> dict[str, Any]:
    key = keys[cond.fact]
    if cond.op in ("present", "absent"):
        exists = (cond.op == "present") != negate
        return {"$ex" if exists else "$nex": {key: 1}}
    op = _NEGATED[cond.op] if negate else cond.op
    right: Any = cond.value
    guards = [key]
    if cond.ref is not None:
        ref = keys[cond.ref]
        guards.append(ref)
        right = {"$m": ref} if not cond.plus else {"$add": {"$l": {"$m": ref}, "$r": cond.plus}}
    durable_op = _DURABLE_OPS[op]
    test = {key: right} if durable_op is None else {durable_op: {key: right}}
    if not negate:
        # An absent fact never satisfies a comparison; durable already agrees for the fact itself,
        # but an absent *referenced* fact would compare as 0, so guard it.
        return test if cond.ref is None else {"$and": [{"$ex": {guards[1]: 1}}, test]}
    # not(fact op x) holds when either side is absent, or the negated comparison holds.
    return {"$or": [*({"$nex": {g: 1}} for g in guards), test]}
