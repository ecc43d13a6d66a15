"""The plugin contract: what every {{ cookiecutter.host_name }} plugin provides.

A plugin is a module (or any object) with:

- ``API_VERSION``: the plugin API version it was written for, an ``int``.
  The host loads it only if this equals :data:`PLUGIN_API_VERSION`.
- ``SUMMARY``: one line saying what the plugin does, shown by ``{{ cookiecutter.host_slug }} plugins``.
- ``run(args)``: does the work for ``{{ cookiecutter.host_slug }} run NAME ARGS...`` and returns
  the exit code: an ``int`` from 0 to 255, or ``None`` for 0 (see :func:`exit_code`).
  ``sys.exit(code)`` inside ``run`` counts as returning ``code``; ``sys.exit("text")``
  is a failure that prints the text, as in any Python program.

Check a plugin against :class:`Plugin` with a type checker::

    from typing import TYPE_CHECKING

    if TYPE_CHECKING:
        from {{ cookiecutter.host_package }}.contract import Plugin

        import my_plugin

        _: Plugin = my_plugin
"""

from __future__ import annotations

#: The plugin API version this host implements. Raise it on any incompatible change.
PLUGIN_API_VERSION = 1

# The protocol exists for type checkers only: importing typing at run time would
# add several milliseconds to every start of the command.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    class Plugin(Protocol):
        """What the host needs from a plugin."""

        API_VERSION: int
        SUMMARY: str

        def run(self, args: list[str]) -> int:
            """Do the plugin's work and return the exit code (0 for success)."""
            ...


#: What ``run(args)`` may return, for messages.
EXIT_CODES = "an int from 0 to 255 (or None for 0)"


def exit_code(returned: object) -> int | None:
    """Return the exit code that run()'s return value stands for, or None if it breaks the contract.

    An ``int`` from 0 to 255 is the code (an ``IntEnum`` member counts as its value),
    and ``None`` means 0. Anything else breaks the contract: a code outside 0-255
    would be silently truncated by the operating system (256 exits 0), a string is
    not a code even if it looks like one, and a ``bool`` is refused although it is
    an ``int`` in Python, because ``return True`` reads as success but would exit 1.
    The host reports such a value as a plugin error and exits 1.
    """
    if returned is None:
        return 0
    if isinstance(returned, bool) or not isinstance(returned, int):
        return None
    code = int(returned)  # a plain int, whatever comparisons a subclass defines
    return code if 0 <= code <= 255 else None
