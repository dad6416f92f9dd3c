"""Reads the resolved recipe that `garden run RECIPE --dry-run` prints (the venv has no PyYAML).

That text is written by the project's own ConfigEmitter in a small, fixed subset of YAML:
block mappings with two-space indents, plain or double-quoted scalars, flow lists of scalars
(`[32, 32]`), block lists (`- item`), and flow mappings as list items. This reads exactly
that subset and fails loudly on anything else.
"""

from __future__ import annotations

import json
import re


def scalar(text: str):
    """A YAML 1.1 plain or double-quoted scalar as a Python value."""
    t = text.strip()
    if t.startswith('"'):
        return json.loads(t)
    if t in ("null", "~", ""):
        return None
    if t in ("true", "false"):
        return t == "true"
    if re.fullmatch(r"[-+]?\d+", t):
        return int(t)
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", t):
        return float(t)
    return t


def inline(text: str):
    """A scalar, a flow list of scalars, or a flow mapping of scalars."""
    t = text.strip()
    if t.startswith("[") and t.endswith("]"):
        body = t[1:-1].strip()
        return [] if not body else [scalar(x) for x in body.split(",")]
    if t.startswith("{") and t.endswith("}"):
        body = t[1:-1].strip()
        out = {}
        for item in filter(None, (x.strip() for x in body.split(","))):
            k, _, v = item.partition(":")
            out[scalar(k)] = scalar(v)
        return out
    return scalar(t)


def parse(text: str) -> dict:
    """The resolved recipe as nested dicts and lists."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    pos = 0

    def block(indent: int):
        nonlocal pos
        if pos < len(lines) and lines[pos].startswith(" " * indent + "- "):
            items = []
            while pos < len(lines) and lines[pos].startswith(" " * indent + "- "):
                items.append(inline(lines[pos][indent + 2:]))
                pos += 1
            return items
        out: dict = {}
        while pos < len(lines):
            line = lines[pos]
            depth = len(line) - len(line.lstrip(" "))
            if depth < indent:
                break
            if depth != indent:
                raise ValueError(f"recipe line {pos + 1}: unexpected indent: {line!r}")
            key, sep, rest = line.strip().partition(":")
            if not sep:
                raise ValueError(f"recipe line {pos + 1}: not 'key: value': {line!r}")
            pos += 1
            if rest.strip():
                out[scalar(key)] = inline(rest)
            else:
                out[scalar(key)] = block(indent + 2)
        return out

    return block(0)


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return parse(f.read())
