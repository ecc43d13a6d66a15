"""The plugin contract: all that the host knows of a plugin's shape.

This is the one place that describes the contract; every README points here. To
change the contract, change this module (and the command in ``cli.py`` that
exposes it): loading, isolation, the switches{% if cookiecutter.cache == "yes" %}, the cache{% endif %} and discovery only call
what is defined here. The host's README, "Changing the plugin contract", lists
the rest.

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

from .about import PROG, __version__
from .records import IncompatibleError, PluginError

#: The plugin API version this host implements. Raise it on any incompatible change.
PLUGIN_API_VERSION = 1

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
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

#: What to say of a plugin whose attributes raise while the host checks, describes or calls it.
CHECKING = "breaks the plugin contract: its API_VERSION or run cannot be read"
DESCRIBING = "breaks the plugin contract: its SUMMARY cannot be shown"
CALLING = "crashed"


def check_api(api_version: int | None) -> None:
    """Raise IncompatibleError unless `api_version` is this host's (None: not declared)."""
    if api_version is not None and api_version != PLUGIN_API_VERSION:
        raise IncompatibleError(
            f"targets plugin API {api_version}, but {PROG} {__version__} "
            f"implements plugin API {PLUGIN_API_VERSION}"
        )


def check(plugin: object) -> Plugin:
    """Return `plugin` if it has the contract's shape; raise PluginError if it has not.

    Reading a plugin's attributes runs its code (a module ``__getattr__``), which
    may raise anything: the caller contains that.
    """
    api_version = getattr(plugin, "API_VERSION", None)
    if isinstance(api_version, bool) or not isinstance(api_version, int):
        raise PluginError("breaks the plugin contract: it has no int API_VERSION")
    check_api(int(api_version))
    if not callable(getattr(plugin, "run", None)):
        raise PluginError("breaks the plugin contract: it has no run(args) function")
    return plugin  # type: ignore[return-value]  # checked just above


def describe(plugin: Plugin) -> str:
    """Return what ``plugins`` shows of a plugin: its SUMMARY, on one line."""
    return " ".join(str(getattr(plugin, "SUMMARY", "")).split())


def call(plugin: Plugin, args: list[str]) -> int:
    """Call the plugin's ``run(args)`` and return the exit code it stands for.

    ``sys.exit(code)`` in run() counts as returning code; ``sys.exit("message")``
    is a failure with that message, as in any Python program. A value that is no
    exit code raises PluginError. Whatever else run() raises is the caller's to contain.
    """
    how = "returned"
    try:
        returned: object = plugin.run(list(args))
    except SystemExit as exc:  # sys.exit() in run(), as argparse does for --help
        how, returned = "exited with", exc.code
        if type(returned) is str:
            raise PluginError(f"exited: {' '.join(returned.split())}") from None
    code = exit_code(returned)
    if code is None:
        shown = f"run() {how} {_brief(returned)}"
        raise PluginError(f"breaks the plugin contract: {shown}; exit codes: {EXIT_CODES}")
    return code


def exit_code(returned: object) -> int | None:
    """Return the exit code that run()'s return value stands for, or None if it breaks the contract.

    An ``int`` from 0 to 255 is the code (an ``IntEnum`` member counts as its value),
    and ``None`` means 0. Anything else breaks the contract: a code outside 0-255
    would be silently truncated by the operating system (256 exits 0), a string is
    not a code even if it looks like one, and a ``bool`` is refused although it is
    an ``int`` in Python, because ``return True`` reads as success but would exit 1.
    """
    if returned is None:
        return 0
    if isinstance(returned, bool) or not isinstance(returned, int):
        return None
    code = int(returned)  # a plain int, whatever comparisons a subclass defines
    return code if 0 <= code <= 255 else None


def _brief(value: object) -> str:
    """Return the repr of a value a plugin returned, on one line and at most 60 characters."""
    try:
        text = " ".join(repr(value).split())
    except Exception:  # a plugin's __repr__ may raise
        return "a value that cannot be shown"
    return text if len(text) <= 60 else f"{text[:57]}..."
