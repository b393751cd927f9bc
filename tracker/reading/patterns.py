"""Regular expressions for phrases, searched only when the text holds the literals they need.

A phrase pattern is searched branch by branch (its top-level alternatives), each branch only
when the text contains one literal of every group of literals the branch cannot match without,
found by reading the pattern (``parse``: the few constructs the phrases use). Plain substring
tests are far cheaper than the regex engine, and most branches of most phrases are absent from
most letters. Each branch must start at a word (``word_start``).
"""

from __future__ import annotations

import re

__all__ = ["Phrase", "parse", "top_level_branches", "trigger_sets", "word_start"]

_MIN_TRIGGER = 3
# A parsed pattern is a list of (op, value) items, enough to tell which literals it cannot match
# without: a literal character, a zero-width assertion, a group (its alternatives, each a list of
# items), a repeat ((minimum, items)), or anything else (a class, ".", "\d").
_LITERAL, _ZERO_WIDTH, _GROUP, _REPEAT, _OTHER = "literal", "zero width", "group", "repeat", "other"
_QUANTIFIER = re.compile(r"(?:[*+?]|\{(?=[\d,])(\d*)(?:,\d*)?\})[?+]?")
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")


class _Unread(ValueError):
    """A construct the literal finder does not read: that pattern is searched without a prefilter."""


def parse(pattern: str) -> list[tuple[str, object]]:
    """``r"ab(?:c|de)?\\b"`` -> literal a, literal b, repeat (0, [group [[c], [d, e]]]), zero width."""
    branches, end = _alternatives(pattern, 0)
    if end != len(pattern):
        raise _Unread(pattern)  # a ")" without its "("
    return branches[0] if len(branches) == 1 else [(_GROUP, branches)]


def _alternatives(pattern: str, i: int) -> tuple[list[list[tuple[str, object]]], int]:
    branches = []
    while True:
        items, i = _sequence(pattern, i)
        branches.append(items)
        if not pattern.startswith("|", i):
            return branches, i
        i += 1


def _sequence(pattern: str, i: int) -> tuple[list[tuple[str, object]], int]:
    items: list[tuple[str, object]] = []
    while i < len(pattern) and pattern[i] not in "|)":
        item, i = _atom(pattern, i)
        quantifier = _QUANTIFIER.match(pattern, i)
        if quantifier:
            minimum = 1 if quantifier.group(0)[0] == "+" else int(quantifier.group(1) or 0)
            item, i = (_REPEAT, (minimum, [item])), quantifier.end()
        items.append(item)
    return items, i


def _atom(pattern: str, i: int) -> tuple[tuple[str, object], int]:
    char = pattern[i]
    if char == "(":
        if pattern.startswith(_LOOKAROUND, i):
            start, op = pattern.index("?", i) + 2 + pattern.startswith("(?<", i), _ZERO_WIDTH
        elif pattern.startswith("(?:", i):
            start, op = i + 3, _GROUP
        elif pattern.startswith("(?", i):
            raise _Unread(pattern)  # flags, names, back references, conditions
        else:
            start, op = i + 1, _GROUP
        branches, end = _alternatives(pattern, start)
        if not pattern.startswith(")", end):
            raise _Unread(pattern)
        return (op, branches if op == _GROUP else None), end + 1
    if char == "[":
        end = i + 1 + pattern.startswith("^", i + 1)
        end += pattern.startswith("]", end)  # a "]" first in a class is itself
        while end < len(pattern) and pattern[end] != "]":
            end += 2 if pattern[end] == "\\" else 1
        if end >= len(pattern):
            raise _Unread(pattern)
        return (_OTHER, None), end + 1
    if char == "\\":
        escaped = pattern[i + 1:i + 2]
        if escaped and escaped in "bBAZ":
            return (_ZERO_WIDTH, None), i + 2
        if escaped and escaped in "dDsSwW":
            return (_OTHER, None), i + 2
        if not escaped or escaped.isascii() and escaped.isalnum():
            raise _Unread(pattern)  # \n, \x41, octal, back references ...
        return (_LITERAL, escaped), i + 2
    if char in "^$":
        return (_ZERO_WIDTH, None), i + 1
    if char == ".":
        return (_OTHER, None), i + 1
    if _QUANTIFIER.match(pattern, i):
        raise _Unread(pattern)  # nothing to repeat
    return (_LITERAL, char), i + 1


def _rank(literals: set[str]) -> tuple[int, int]:
    return min(len(x) for x in literals), -len(literals)


def _mandatory(items: list) -> list[set[str]]:
    """For each mandatory part of a parsed sequence, the literals one of which it contains."""
    sets: list[set[str]] = []
    run = ""
    for op, av in items:
        if op == _LITERAL:
            run += av
            continue
        if run:
            sets.append({run})
            run = ""
        if op == _ZERO_WIDTH:
            continue
        inner: set[str] | None = None
        if op == _GROUP:
            alternatives = [_most_selective(branch) for branch in av]
            inner = set().union(*alternatives) if all(alternatives) else None
        elif op == _REPEAT and av[0] >= 1:
            inner = _most_selective(av[1])
        if inner:
            sets.append(inner)
    if run:
        sets.append({run})
    return [literals for literals in sets if min(len(x) for x in literals) >= _MIN_TRIGGER]


def _most_selective(items: list) -> set[str] | None:
    sets = _mandatory(items)
    return max(sets, key=_rank) if sets else None


def trigger_sets(pattern: str) -> tuple[tuple[str, ...], ...]:
    """Groups of literals: a text can only match if it contains one literal of every group."""
    try:
        sets = _mandatory(parse(pattern))
    except (_Unread, RecursionError):
        return ()
    groups = []
    for literals in sets:
        kept: list[str] = []
        for literal in sorted(literals, key=len):  # "attach" makes "attached" redundant
            if not any(k in literal for k in kept):
                kept.append(literal)
        groups.append(tuple(kept))
    return tuple(sorted(groups, key=lambda group: -min(len(x) for x in group)))  # rarest first


def top_level_branches(pattern: str) -> list[str]:
    """``"a|b(c|d)"`` -> ``["a", "b(c|d)"]``."""
    branches, depth, in_class, escaped, start = [], 0, False, False, 0
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    branches.append(pattern[start:])
    return branches


def word_start(branch: str) -> str:
    """Phrases start at a word: "here is the" must not match inside "there is therefore"."""
    return branch if branch.startswith(("^", "\\b")) else r"(?<![a-z0-9'])" + branch


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'")


class Phrase:
    """A pattern searched branch by branch, each branch only when the text holds the literals
    it needs: plain substring tests are far cheaper than the regex engine.

    A branch must start at a word (``word_start``). That is checked on each match rather than
    written into the regex: a pattern that opens with a look-behind loses the regex engine's
    fast scan for its first characters, and searches a long letter ten times slower."""

    __slots__ = ("source", "parts")

    def __init__(self, pattern: str):
        self.source = pattern
        self.parts = [(re.compile(branch), not branch.startswith(("^", "\\b")), trigger_sets(branch))
                      for branch in top_level_branches(pattern)]

    def search(self, text: str) -> re.Match[str] | None:
        for regex, at_word, groups in self.parts:
            for group in groups:  # plain loops: this runs thousands of times per thread
                for literal in group:
                    if literal in text:
                        break
                else:
                    break
            else:
                match = regex.search(text)
                while match and at_word and match.start() and text[match.start() - 1] in _WORD_CHARS:
                    match = regex.search(text, match.start() + 1)
                if match:
                    return match
        return None
