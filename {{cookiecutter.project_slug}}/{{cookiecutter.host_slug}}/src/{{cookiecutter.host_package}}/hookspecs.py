"""The hooks that plugins implement: their names, their arguments and what they return.

A plugin implements any of them with the host's marker, and nothing else::

    from {{ cookiecutter.host_package }} import hookimpl

    @hookimpl
    def greet(name: str) -> str:
        return f"Hi, {name}!"

pluggy checks every hookimpl against these specifications when the host loads the
plugin: one whose name or arguments match no hook here breaks the plugin contract.
To add a hook, declare it here and call it from ``contract.py``, which also checks what
it returns (:data:`contract.RESULTS`).
"""

from __future__ import annotations

import pluggy

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any, TypedDict

    class Command(TypedDict):
        """A command a plugin adds: its help, its arguments as argparse takes them, what runs it."""

        help: str
        arguments: list[tuple[str, dict[str, Any]]]
        handler: Callable[[argparse.Namespace], int | None]


#: The project name that pluggy's markers carry.
PROJECT = "{{ cookiecutter.host_package }}"
#: Marks a hook specification (here) and a plugin's implementation of one.
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_commands() -> dict[str, Command]:  # type: ignore[empty-body]  # a specification
    """Return the commands the plugin adds to ``{{ cookiecutter.host_slug }}``, by name.

    Each runs as ``{{ cookiecutter.host_slug }} NAME ARGS...``: the host parses ARGS with the
    command's ``arguments`` (``parser.add_argument(flag, **settings)`` for each) and calls
    ``handler(options)``, which returns the exit code (an int from 0 to 255, or None for 0).
    """


@hookspec
def greet(name: str) -> str | None:
    """Return a greeting for `name`, or None for none; ``{{ cookiecutter.host_slug }} greet NAME`` prints them all.

    The greetings come in pluggy's call order: the ``tryfirst`` hookimpls first, the
    ``trylast`` ones last, and the rest by plugin name.
    """
