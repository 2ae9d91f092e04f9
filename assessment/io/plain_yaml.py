"""Untrusted YAML read fast: libyaml for plain documents, positions found only to report a problem.

The positioned reader in `yaml_reader` (ruamel.yaml, pure Python) takes ~10x longer than libyaml, and
most answers documents are plain: mappings, lists, strings, numbers, booleans and nulls. So a
document is first read by libyaml with a strict YAML 1.2 reading of plain scalars; anything the two
readers could read differently (a tag, an alias, a merge key, a duplicate key, a number in another
notation, a non-string key, a date with a time, deep nesting, too many values) sends the whole
document to the positioned reader, which gives the same data or the located problem. Positions for
a plain document are taken from libyaml's node tree the first time a problem is reported (the JSON
bodies of the API use the same lazy positions).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from .source import (
    MAX_DEPTH,
    MAX_NODES,
    Document,
    pointer_join,
    real_unicode,
    refuse_large_or_deep,
)
from .yaml_reader import parse_yaml, yaml_positions

Positions = dict[str, tuple[int | None, int | None]]
_TAG = "tag:yaml.org,2002:"
_UNUSUAL = "tag:tqm:unusual"  # a plain scalar the positioned reader may read otherwise
_C_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Unusual(Exception):
    """The document holds something only the positioned reader reads exactly."""


class _PlainLoader(_C_LOADER):  # type: ignore[valid-type,misc]
    """libyaml's safe loader with YAML 1.2 core-schema scalars, refusing whatever is unusual."""

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        """The tag of a node: for plain scalars YAML 1.2's (none of YAML 1.1's yes, no, 0o7, 1:20)."""
        if kind is not ScalarNode:
            return f"{_TAG}map" if kind is MappingNode else f"{_TAG}seq"
        match = _SCALAR.fullmatch(value) if implicit[0] else None
        return _TAGS[str(match.lastgroup)] if match else f"{_TAG}str"

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise _Unusual("an alias")
        if isinstance(node, ScalarNode):
            implicit = self.resolve(ScalarNode, node.value, (True, False))
            if node.tag != (implicit if not node.style else f"{_TAG}str"):  # plain: None or ""
                raise _Unusual("an explicit tag")
        elif node.tag != self.resolve(type(node), "", (True, False)):  # !!map [1] is not a map
            raise _Unusual("a tagged collection")
        return super().construct_object(node, deep)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [key.value for key, _ in node.value]
        plain_keys = all(isinstance(k, ScalarNode) and k.tag == f"{_TAG}str" for k, _ in node.value)
        if not plain_keys or len(set(keys)) != len(keys) or "<<" in keys:
            raise _Unusual("a duplicate, merge or non-string key")
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]


class _NodeLoader(_C_LOADER):  # type: ignore[valid-type,misc]
    """libyaml's node tree, every scalar left a string (only positions are wanted)."""

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        return f"{_TAG}str"


def _unusual(_loader: Any, _node: Node) -> Any:
    raise _Unusual("a scalar read differently by YAML 1.1 and 1.2")


def _integer(loader: Any, node: ScalarNode) -> int:
    return int(loader.construct_scalar(node), 10)  # "012" is 12 in YAML 1.2 (not octal 10)


def _float(loader: Any, node: ScalarNode) -> float:
    return float(loader.construct_scalar(node))


def _date(loader: Any, node: ScalarNode) -> str:
    text = str(loader.construct_scalar(node))
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise _Unusual("an impossible date") from None
    return text  # the positioned reader's date, as it gives it: date.isoformat()


# YAML 1.2 core-schema plain scalars, each kind a named group (one match per scalar, not one per
# kind); "unusual" is any other plain scalar without spaces that starts like a number (0x1F, 1_000,
# 1:20, .inf, 2026-09-21T10:00) or is YAML 1.1's "=": the positioned reader decides those.
_SCALAR = re.compile(
    r"(?P<bool>true|True|TRUE|false|False|FALSE)"
    r"|(?P<null>~|null|Null|NULL|)"
    r"|(?P<int>[-+]?[0-9]+)"
    r"|(?P<float>[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+)"
    r"|(?P<timestamp>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"|(?P<unusual>[-+.0-9]\S*|=)"
)
_TAGS = {kind: f"{_TAG}{kind}" for kind in ("bool", "null", "int", "float", "timestamp")}
_TAGS["unusual"] = _UNUSUAL
_PlainLoader.add_constructor(_UNUSUAL, _unusual)
_PlainLoader.add_constructor(f"{_TAG}int", _integer)
_PlainLoader.add_constructor(f"{_TAG}float", _float)
_PlainLoader.add_constructor(f"{_TAG}timestamp", _date)


def parse_plain_first(text: str, name: str = "<input>") -> Document:
    """Parse untrusted YAML (or JSON) text: fast when plain, else by the positioned reader."""
    refuse_large_or_deep(text, name)
    try:
        data = yaml.load(text, Loader=_PlainLoader)  # a safe loader: plain data only
    except (_Unusual, yaml.YAMLError, ValueError, RecursionError):
        return parse_yaml(text, name)
    if not _is_plain(data):
        return parse_yaml(text, name)
    return Document(name, data, LazyPositions(text, name))


def _is_plain(data: Any) -> bool:
    """Within the depth and value limits, finite numbers, no unpaired surrogate."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            return False
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
            if any(real_unicode(k) is None for k in node):
                return False
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
        elif isinstance(node, float):
            if not math.isfinite(node):
                return False
        elif isinstance(node, str):
            if real_unicode(node) is None:
                return False
        elif not (node is None or isinstance(node, (bool, int))):
            return False
    return True


class LazyPositions(dict[str, tuple[int | None, int | None]]):
    """Positions read from the text as lookups ask for them (a problem is being reported).

    libyaml's events are read only as far as the pointer asked for: the first problems of a large
    document are located without reading all of it. If libyaml cannot read the text, the
    positioned reader locates everything at once.
    """

    def __init__(self, text: str, name: str):
        super().__init__({"": (1, 1)})
        self.text = text
        self.name = name
        self.events: Iterator[yaml.Event] | None = None
        self.frames: list[_Frame] = []
        self.done = False

    def __contains__(self, key: object) -> bool:
        if key == "":  # the whole document: no need to read it
            return True
        self._read_until(key)
        return super().__contains__(key)

    def __getitem__(self, key: str) -> tuple[int | None, int | None]:
        self._read_until(key)
        return super().__getitem__(key)

    def _read_until(self, key: object) -> None:
        if self.events is None:
            self.events = yaml.parse(self.text, Loader=_NodeLoader)
        try:
            while not self.done and not super().__contains__(key):
                event = next(self.events, None)
                if event is None:
                    self.done = True
                else:
                    self._locate(event)
        except (yaml.YAMLError, ValueError, RecursionError):
            self.update(yaml_positions(self.text, self.name))
            self.done = True

    def _locate(self, event: yaml.Event) -> None:
        """Record where the node an event opens stands, and keep track of the path to it."""
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.frames.pop()
            return
        if not isinstance(event, (yaml.NodeEvent, yaml.CollectionStartEvent)):
            return  # stream and document starts and ends
        mark = event.start_mark
        here: tuple[int | None, int | None] = (
            (mark.line + 1, mark.column + 1) if mark else (None, None)
        )
        pointer = ""
        if self.frames:
            frame = self.frames[-1]
            if frame.mapping and frame.key is None:  # a key: its value is located next
                frame.key = str(getattr(event, "value", ""))
                frame.key_mark = here
                if isinstance(event, yaml.CollectionStartEvent):
                    self.frames.append(_Frame("", isinstance(event, yaml.MappingStartEvent)))
                return
            if frame.mapping:
                pointer = pointer_join(frame.pointer, frame.key)
                # At the value for scalars (where the mistake usually is), at the key otherwise.
                scalar = not isinstance(event, yaml.CollectionStartEvent)
                where = here if scalar else frame.key_mark
                frame.key = None
            else:
                pointer = pointer_join(frame.pointer, frame.index)
                frame.index += 1
                where = here
            self.setdefault(pointer, where)
        if isinstance(event, yaml.CollectionStartEvent):
            self.frames.append(_Frame(pointer, isinstance(event, yaml.MappingStartEvent)))


@dataclass
class _Frame:
    """An open mapping or sequence while events are read: its pointer and where in it we are."""

    pointer: str
    mapping: bool
    key: str | None = None
    key_mark: tuple[int | None, int | None] = (1, 1)
    index: int = 0
