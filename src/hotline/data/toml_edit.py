"""Small, exact edits of a staff TOML file that keep everything else as staff wrote it (comments,
order, spacing): the commands that write circular.toml for staff (``make explain``,
``make issue``, a draft imported again) change only the lines they own.

A table is found by its header line (``[acknowledged]``) and runs to the next header; values are
written with :func:`toml_value`, so no text staff typed can become TOML syntax.
"""

from __future__ import annotations

import json
import re

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def toml_value(value) -> str:
    """A value as TOML: strings as JSON strings (a JSON string is a TOML basic string)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


def _span(lines: list[str], name: str) -> tuple[int, int] | None:
    """Lines [start, end) of table ``name``: its header and its keys, up to the next header."""
    start = None
    for n, line in enumerate(lines):
        match = _HEADER.match(line)
        if match and start is None and match.group(1) == name and not line.lstrip().startswith("[["):
            start = n
        elif match and start is not None:
            end = n
            while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
                end -= 1  # comments just above the next header belong to it
            return start, end
    return (start, len(lines)) if start is not None else None


def section(text: str, name: str) -> str | None:
    lines = text.splitlines()
    span = _span(lines, name)
    return None if span is None else "\n".join(lines[span[0] : span[1]]).rstrip() + "\n"


def without_section(text: str, name: str) -> str:
    lines = text.splitlines()
    span = _span(lines, name)
    if span is None:
        return text
    return "\n".join(lines[: span[0]] + lines[span[1] :]).rstrip() + "\n"


def replace_section(text: str, name: str, body: list[str]) -> str:
    """The table ``name`` with these key lines (at the end of the file; removed when empty)."""
    text = without_section(text, name)
    if not body:
        return text
    return text.rstrip() + f"\n\n[{name}]\n" + "\n".join(body) + "\n"


def set_in_section(text: str, name: str, values: dict) -> str:
    """Set keys of table ``name`` (top level when ``name`` is ""): an existing ``key = …`` line is
    replaced, a new key is added after the table's last key."""
    lines = text.splitlines()
    if name:
        span = _span(lines, name)
        if span is None:
            return replace_section(text, name, [f"{k} = {toml_value(v)}" for k, v in values.items()])
        start, end = span[0] + 1, span[1]
    else:
        start = 0
        end = next((n for n, line in enumerate(lines) if _HEADER.match(line)), len(lines))
        while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
    for key, value in values.items():
        written = f"{key} = {toml_value(value)}"
        found = next(
            (n for n in range(start, end) if re.match(rf"^\s*{re.escape(key)}\s*=", lines[n])),
            None,
        )
        if found is not None:
            lines[found] = written
        else:
            lines.insert(end, written)
            end += 1
    return "\n".join(lines).rstrip() + "\n"
