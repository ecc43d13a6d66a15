"""Reading ``entry_points.txt`` as importlib.metadata reads it, without importing it.

The file is INI-like, as the PyPA entry points specification defines it: ``[group]``
sections of ``name = value`` lines, where the value is an object reference,
``module`` or ``module:attribute.sub``, with optional extras, ``[extra1, extra2]``;
spaces around ``=``, ``:`` and the brackets are allowed. Each line is stripped;
blank lines and lines starting with ``#`` or ``;`` are comments, and lines before
the first section are ignored. Entry point names are case-sensitive.

On every file both accept, this gives what importlib.metadata gives; importing that
costs ~20 ms. Where they differ, this follows the specification: importlib.metadata
takes a ``;`` comment for an entry point (or fails on it).
"""

from __future__ import annotations


def parse(text: str) -> list[tuple[str, str, str]]:
    """Return the (group, name, value) of every entry point in `text`, in file order.

    Raises ValueError for a line in a section that is neither a comment nor
    ``name = value`` (importlib.metadata fails there too).
    """
    points: list[tuple[str, str, str]] = []
    group: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line.strip("[]")
        elif group is not None:
            name, equals, value = line.partition("=")
            if not equals:
                raise ValueError(f"entry_points.txt line {number} is not name = value: {line!r}")
            points.append((group, name.strip(), value.strip()))
    return points
