"""The plugin contract: what every {{ cookiecutter.host_name }} plugin provides.

A plugin is a module (or any object) with:

- ``API_VERSION``: the plugin API version it was written for, an ``int``.
  The host loads it only if this equals :data:`PLUGIN_API_VERSION`.
- ``SUMMARY``: one line saying what the plugin does, shown by ``{{ cookiecutter.host_slug }} plugins``.
- ``run(args)``: does the work for ``{{ cookiecutter.host_slug }} run NAME ARGS...`` and returns
  the exit code.

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
