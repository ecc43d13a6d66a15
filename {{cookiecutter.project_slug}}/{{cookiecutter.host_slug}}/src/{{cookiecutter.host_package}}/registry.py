"""The hook host: which plugins implement which hooks, and loading only the plugins a command needs.

The index says, for every enabled plugin, the hooks it implements and the commands it
adds, with their help; building it imports every enabled plugin once.
{%- if cookiecutter.cache == "yes" %} It is cached
(``cache.py``), keyed on the plugins discovered and the switches, and stale once a
plugin's module file changes: a warm ``--help`` imports neither pluggy nor any plugin.
{%- endif %}
A command a plugin adds loads that plugin only; a hook call, only the plugins that
implement it (and any whose hooks are unknown because they failed to load).

Every hookimpl is called contained (``contract.register``): a failure is kept, the
other plugins' results stay, and :func:`report_failures` reports each in one line.
"""

from __future__ import annotations

import sys

from . import {% if cookiecutter.cache == "yes" %}cache, {% endif %}contract, loading
from .about import PROG
from .records import PluginError

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypedDict

    from .hookspecs import Command
    from .records import Found

    class Entry(TypedDict):
        """What the index knows of one enabled plugin."""

        hooks: list[str] | None  # the hooks it implements; None: it failed to load
        commands: dict[str, str]  # the commands it adds, with their one-line help
        file: str | None  # its module's file, whose change makes the entry stale


# The plugins registered with pluggy in this process, and the failures seen since it started.
_registered: set[str] = set()
_failures: list[PluginError] = []


def index() -> dict[str, Entry]:
    """Return what each enabled plugin implements and adds, by plugin name."""
    plugins = loading.enabled()
{%- if cookiecutter.cache == "yes" %}
    depends_on = tuple(
        (found["name"], found["target"], found["distribution"], found["version"], found["location"])
        for found in plugins
    )
    return cache.cached(lambda: _build(plugins), _is_index, "hooks", depends_on)
{%- else %}
    return _build(plugins)[0]
{%- endif %}


def _build(plugins: list[Found]) -> tuple[dict[str, Entry], list[str]]:
    """Load `plugins` and index them; return the index and the files it depends on.

    Failures are not reported here: the command that needs a failed plugin loads it
    again, and reports its failure then.
    """
    entries: dict[str, Entry] = {}
    files = []
    # What a plugin prints is not a command's output. contextlib.redirect_stdout would do
    # it, and cost a cold start 2.8 ms (benchmarks/imports.py).
    stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        for found in reversed(plugins):  # registered as load_implementing does
            failed = len(_failures)
            try:
                plugin = _load(found)
                hooks = loading.contained(found, contract.CHECKING, contract.implemented, plugin)
                added = contract.commands(found["name"])
            except PluginError:
                added, hooks = {}, None
            if len(_failures) > failed:
                hooks = None  # its register_commands failed: its commands are not known
                del _failures[failed:]
            file = _module_file(found)
            files += [file] if file else []
            helps = {name: " ".join(command["help"].split()) for name, command in added.items()}
            entries[found["name"]] = {"hooks": hooks, "commands": helps, "file": file}
    finally:
        sys.stdout = stdout
    return entries, files


def _is_index(result: object) -> bool:
    """Tell whether `result` has the shape of an index (a cache entry may not)."""
    return type(result) is dict and all(
        type(name) is str
        and type(entry) is dict
        and (
            entry.get("hooks") is None
            or (type(entry["hooks"]) is list and all(type(hook) is str for hook in entry["hooks"]))
        )
        and type(entry.get("commands")) is dict
        and all(type(key) is str and type(text) is str for key, text in entry["commands"].items())
        and type(entry.get("file", 0)) in (str, type(None))
        for name, entry in result.items()
    )


def _module_file(found: Found) -> str | None:
    """Return the file of the module plugin `found` was loaded from, if it is loaded."""
    module = sys.modules.get(found["target"].partition(":")[0].strip())
    file = vars(module).get("__file__") if module is not None else None  # no plugin code runs
    return file if type(file) is str else None


def _load(found: Found) -> contract.Plugin:
    """Load a plugin and register it with pluggy, its hookimpls contained."""
    plugin = loading.load(found)
    if found["name"] not in _registered:
        loading.contained(
            found, contract.CHECKING, contract.register, found["name"], plugin, _contain(found)
        )
        _registered.add(found["name"])
    return plugin


def _contain(found: Found) -> contract.Contain:
    """Return what wraps a hookimpl of `found`: a failure is kept, and the call returns None."""

    def contain(function: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            try:
                return loading.contained(found, contract.CALLING, lambda: function(*args, **kwargs))
            except PluginError as exc:
                _failures.append(exc)
                return None

        return call

    return contain


def commands() -> dict[str, tuple[str, str]]:
    """Return the commands the enabled plugins add: command -> (plugin, help).

    Of two plugins that add a command, the first by name has it.
    """
    owners: dict[str, tuple[str, str]] = {}
    for name, entry in sorted(index().items()):
        for command, text in entry["commands"].items():
            owners.setdefault(command, (name, text))
    return owners


def load_implementing(hook: str) -> None:
    """Load and register the enabled plugins that implement `hook`, for a call of it.

    They are registered in reverse name order: pluggy calls the last registered first,
    so that its order (``tryfirst``, the rest, ``trylast``) is by plugin name within each.
    """
    plugins = loading.discover()
    for name, entry in sorted(index().items(), reverse=True):
        if entry["hooks"] is None or hook in entry["hooks"]:
            try:
                _load(plugins[name])
            except PluginError as exc:
                _failures.append(exc)


def run_command(command: str, args: list[str], host_commands: list[str], *, debug: bool) -> int:
    """Run the command a plugin adds, loading that plugin only; return the exit code.

    A command named after a plugin is looked for in that plugin first, so that such a
    command loads no other plugin even before the index is built; any other is looked
    up in the index. A command that neither the host (`host_commands`) nor an enabled
    plugin has is an error (2), said in one line; so is a plugin that is switched off
    (1), or that fails (1).
    """
    plugins = loading.discover()
    try:
        found = plugins.get(command)
        if found is not None:  # a command named after a plugin: that plugin's, first
            reason = loading.disabled_reason(command, found["distribution"])
            if reason:
                _error(f"plugin {command!r} is {reason}")
                return 1
            _load(found)
            spec = contract.commands(command).get(command)
            if _failures:
                return report_failures(debug)
            if spec is not None:
                return _run(found, spec, command, args)
        owners = commands()
        if command not in owners:
            available = ", ".join(sorted({*host_commands, *owners}))
            _error(f"unknown command {command!r}; available: {available}")
            return 2
        found = plugins[owners[command][0]]
        _load(found)
        spec = contract.commands(found["name"]).get(command)
        if spec is None:
            if _failures:
                return report_failures(debug)
            _error(f"plugin {found['name']!r} no longer adds the command {command!r}")
            return 1
        return _run(found, spec, command, args)
    except PluginError as exc:
        return loading.report_failure(exc, debug)


def _run(found: Found, spec: Command, command: str, args: list[str]) -> int:
    """Parse `args` with the arguments of plugin `found`'s `command`, then run it."""
    options = loading.contained(
        found, contract.CALLING, contract.parse, spec, f"{PROG} {command}", args
    )
    if isinstance(options, int):
        return options  # argparse printed the usage error, or the help
    return loading.contained(found, contract.CALLING, contract.call, spec, options)


def report_failures(debug: bool) -> int:
    """Report each plugin failure seen, in one line; return 1 if there was one, else 0."""
    for failure in _failures:
        loading.report_failure(failure, debug)
    code = 1 if _failures else 0
    _failures.clear()
    return code


def _error(message: str) -> None:
    """Print an error message (display.py, imported only when there is one)."""
    from .display import error

    error(message)
