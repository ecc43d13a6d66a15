"""Loading plugins: the control switches, API checks and error isolation.

Every plugin is imported at most once, and only when a command needs it. A plugin
that fails to import, breaks the contract or targets another API version is
reported with its name and distribution; it never stops the host.

Everything a plugin's code can do while it is imported, described or run is
contained: any exception, ``BaseException`` subclasses such as ``SystemExit`` and
``GeneratorExit`` included, and failures of ``str()`` or attribute access on its
objects. Only ``KeyboardInterrupt`` gets through: it is the user's Ctrl-C.
"""

from __future__ import annotations

import os
import sys

from . import __version__, cache
from . import discovery_{{ cookiecutter.discovery | replace("-", "_") }} as discovery
from .contract import EXIT_CODES, PLUGIN_API_VERSION, exit_code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypedDict, TypeVar

    from .cache import Result
    from .contract import Plugin

    T = TypeVar("T")

    class Found(TypedDict):
        """A plugin as discovery finds it, before any of its code runs."""

        name: str
        target: str  # what to import: "module" or "module:attribute"
        distribution: str | None
        version: str | None
        location: str  # the file or metadata folder it was found in
        api_version: int | None  # as declared in metadata, where the style allows

    class Report(TypedDict):
        """One plugin as ``plugins --json`` shows it."""

        name: str
        status: str  # "ok", "failed", "disabled" or "incompatible"
        distribution: str | None
        version: str | None
        error: str | None
        summary: str
        location: str


PROG = "{{ cookiecutter.host_slug }}"
DISABLE_ENV = "{{ cookiecutter.__env_prefix }}_DISABLE_PLUGINS"
LOAD_ENV = "{{ cookiecutter.__env_prefix }}_LOAD_PLUGINS"
NO_CACHE_ENV = cache.NO_CACHE_ENV
BOOTSTRAP_COMMAND = "{% filter replace("\\", "\\\\") | replace('"', '\\"') %}{% include "bootstrap.j2" %}{% endfilter %}"  # noqa: E501


class PluginError(Exception):
    """A plugin could not be loaded or run; the message is one line."""


class IncompatibleError(PluginError):
    """A plugin targets another plugin API version."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while ``plugins`` loaded them: carries the reports gathered before it."""

    def __init__(self, message: str, reports: list[Report]) -> None:
        """Say what was interrupted; keep the `reports` done before."""
        super().__init__(message)
        self.reports = reports


def discover() -> dict[str, Found]:
    """Return the discovered plugins by name, warning about duplicates.

    The first plugin of a name, in sys.path order, wins.
    """
    result = cache.cached(discovery.find, _sound)
    plugins: dict[str, Found] = {}
    for warning in result["warnings"]:
        _warn(warning)
    for found in result["plugins"]:
        first = plugins.setdefault(found["name"], found)
        if first is not found:
            _warn(
                f"plugin {found['name']!r} is offered twice: by {_source(first)} and by "
                f"{_source(found)}; using the first"
            )
    return plugins


def disabled_reason(name: str) -> str | None:
    """Say why the switches in the environment keep plugin `name` from loading, if they do."""
    if name in _names(os.environ.get(DISABLE_ENV, "")):
        return f"disabled by {DISABLE_ENV}"
    allowed = os.environ.get(LOAD_ENV)
    if allowed is not None and name not in _names(allowed):
        return f"not listed in {LOAD_ENV}"
    return None


def load(found: Found) -> Plugin:
    """Import one plugin and check it against the contract.

    Raises PluginError, or IncompatibleError for another API version; metadata
    that declares one is checked before any of the plugin's code runs.
    """
    _check_api(found, found["api_version"])
    plugin = _contained(found, "failed to import", discovery.load, found)
    api_version = _contained(found, f"{_BREAKS}: its API_VERSION cannot be read", _api, plugin)
    if api_version is None:
        raise PluginError(f"{_who(found)} {_BREAKS}: it has no int API_VERSION")
    _check_api(found, api_version)
    if not _contained(found, f"{_BREAKS}: its run cannot be read", _runnable, plugin):
        raise PluginError(f"{_who(found)} {_BREAKS}: it has no run(args) function")
    return plugin  # type: ignore[return-value]  # checked just above


def describe(found: Found, plugin: Plugin) -> str:
    """Return a loaded plugin's SUMMARY on one line; raise PluginError if it cannot be shown."""
    return _contained(found, f"{_BREAKS}: its SUMMARY cannot be shown", _summary, plugin)


def run(name: str, args: list[str], *, debug: bool = False) -> int:
    """Run plugin `name` with `args` and return its exit code.

    The code is what run() returns or passes to sys.exit(), if it keeps the
    contract (see contract.exit_code); any other value, a crash, or a plugin that
    cannot be loaded is reported in one line and exits 1.
    """
    plugins = discover()
    found = plugins.get(name)
    if found is None:
        available = ", ".join(sorted(plugins)) or "none installed"
        _error(f"unknown plugin {name!r}; available: {available}")
        return 2
    reason = disabled_reason(name)
    if reason:
        _error(f"plugin {name!r} is {reason}")
        return 1
    try:
        return _exit_code(found, load(found), args)
    except PluginError as exc:
        return _fail(exc, debug)


def report() -> list[Report]:
    """Load every enabled plugin once and report its status.

    Whatever plugins print while they load goes to stderr, so that it cannot
    corrupt the report (``plugins --json`` must stay valid JSON). Ctrl-C raises
    Interrupted, which holds the reports of the plugins done before it.
    """
    reports: list[Report] = []
    doing = "discovering plugins"
    try:
        for _, found in sorted(discover().items()):
            doing = f"loading {_who(found)}"
            reports.append(_report(found))
    except KeyboardInterrupt:
        done = len(reports)
        listed = {0: "no plugin is listed", 1: "only the plugin done before it is listed"}
        message = listed.get(done, f"only the {done} plugins done before it are listed")
        raise Interrupted(f"interrupted while {doing}; {message}", reports) from None
    return reports


def installed_distributions() -> dict[str, str]:
    """Return the installed distributions as {normalized name: version}.

    Of a distribution installed twice, the copy first on sys.path counts, as it
    does for imports and for importlib.metadata.version(). A distribution whose
    metadata cannot be read (not UTF-8, a symlink loop, ...) is skipped, as
    ``plugins`` skips it.
    """
    from importlib.metadata import distributions

    from .environment import normalize

    installed: dict[str, str] = {}
    for dist in distributions():
        try:
            name, version = dist.metadata["Name"], dist.version
        except Exception:  # unreadable metadata must not stop the search
            continue
        if isinstance(name, str) and isinstance(version, str):
            installed.setdefault(normalize(name), version)
    return installed


def bootstrap_command() -> str:
    """Return the command that bootstraps a new plugin package for this host."""
    return BOOTSTRAP_COMMAND


_BREAKS = "breaks the plugin contract"


def _contained(found: Found, failure: str, function: Callable[..., T], *args: object) -> T:
    """Call `function`, which runs plugin code, turning whatever it raises into a PluginError.

    The message is "<plugin> <failure>: <exception>". Only Ctrl-C gets through.
    """
    try:
        return function(*args)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a plugin's code may raise anything, SystemExit included
        raise PluginError(f"{_who(found)} {failure}: {_one_line(exc)}") from exc


def _api(plugin: object) -> int | None:
    """Return a plugin's API_VERSION as a plain int, or None if it has no int one."""
    api_version = getattr(plugin, "API_VERSION", None)  # a module __getattr__ may raise
    return int(api_version) if isinstance(api_version, int) else None


def _runnable(plugin: object) -> bool:
    """Tell whether a plugin has a callable run."""
    return callable(getattr(plugin, "run", None))


def _summary(plugin: object) -> str:
    """Return a plugin's SUMMARY on one line; its __str__ may raise."""
    return " ".join(str(getattr(plugin, "SUMMARY", "")).split())


def _brief(value: object) -> str:
    """Return the repr of a value a plugin returned, on one line and at most 60 characters."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 60 else f"{text[:57]}..."


def _shown(produce: Callable[[], object]) -> str | None:
    """Return str() of what `produce` returns, on one line; None if plugin code raised."""
    try:
        return " ".join(str(produce()).split())
    except KeyboardInterrupt:
        raise
    except BaseException:  # a plugin's __str__ (even its class's __name__) may raise anything
        return None


#: The keys of Found and the types of their values, to check cached results cheaply.
_FOUND_TYPES = (
    ("name", (str,)),
    ("target", (str,)),
    ("distribution", (str, type(None))),
    ("version", (str, type(None))),
    ("location", (str,)),
    ("api_version", (int, type(None))),
)


def _sound(result: Result) -> bool:
    """Tell whether a cached discovery result has the shape that discover() relies on."""
    plugins, warnings = result.get("plugins"), result.get("warnings")
    return (
        type(plugins) is list
        and type(warnings) is list
        and all(type(warning) is str for warning in warnings)
        and all(
            type(found) is dict
            and all(key in found and type(found[key]) in types for key, types in _FOUND_TYPES)
            for found in plugins
        )
    )


def _report(found: Found) -> Report:
    """Load one plugin, unless it is disabled, and report its status."""
    from contextlib import redirect_stdout

    status, error, summary = "ok", None, ""
    reason = disabled_reason(found["name"])
    if reason:
        status, error = "disabled", reason
    else:
        try:
            with redirect_stdout(sys.stderr):
                summary = describe(found, load(found))
        except IncompatibleError as exc:
            status, error = "incompatible", str(exc)
        except PluginError as exc:
            status, error = "failed", str(exc)
    return {
        "name": found["name"],
        "status": status,
        "distribution": found["distribution"],
        "version": found["version"],
        "error": error,
        "summary": summary,
        "location": found["location"],
    }


def _exit_code(found: Found, plugin: Plugin, args: list[str]) -> int:
    """Run a loaded plugin and return its exit code; raise PluginError if it fails.

    sys.exit(code) in run() counts as returning code; sys.exit("message") is a
    failure with that message, as in any Python program.
    """
    how = "returned"
    try:
        returned: object = plugin.run(list(args))
    except KeyboardInterrupt:
        raise  # the user's Ctrl-C
    except SystemExit as exc:  # sys.exit() in run(), as argparse does for --help
        how, returned = "exited with", exc.code
    except BaseException as exc:  # the plugin's own bug: report it, do not crash
        raise PluginError(f"{_who(found)} crashed: {_one_line(exc)}") from exc
    if how == "exited with" and type(returned) is str:
        raise PluginError(f"{_who(found)} exited: {' '.join(returned.split())}")
    code = _contained(found, f"{_BREAKS}: run() {how} a broken value", exit_code, returned)
    if code is None:
        shown = _shown(lambda: _brief(returned)) or "a value that cannot be shown"
        raise PluginError(f"{_who(found)} {_BREAKS}: run() {how} {shown}; exit codes: {EXIT_CODES}")
    return code


def _check_api(found: Found, api_version: int | None) -> None:
    """Raise IncompatibleError if `api_version` is set and is not this host's."""
    if api_version is not None and api_version != PLUGIN_API_VERSION:
        raise IncompatibleError(
            f"{_who(found)} targets plugin API {api_version}, but {PROG} {__version__} "
            f"implements plugin API {PLUGIN_API_VERSION}"
        )


def _names(value: str) -> set[str]:
    """Split a comma-separated list of plugin names."""
    return {name.strip() for name in value.split(",") if name.strip()}


def _who(found: Found) -> str:
    """Name a plugin and its distribution for a message."""
    return f"plugin {found['name']!r} ({_source(found)})"


def _source(found: Found) -> str:
    """Name where a plugin comes from: its distribution, else its location."""
    if found["distribution"]:
        return f"{found['distribution']} {found['version']}"
    return found["location"]


def _one_line(exc: BaseException) -> str:
    """Describe an exception in one line, even one whose __str__ raises."""
    name = _shown(lambda: type(exc).__name__) or "an exception"
    text = _shown(lambda: exc)
    if text is None:
        return f"{name} (its message cannot be shown: its __str__ raised)"
    return f"{name}: {text}" if text else name


def _fail(error: PluginError, debug: bool) -> int:
    """Report a plugin error in one line, after the plugin's traceback in debug mode.

    An error that no exception of the plugin's caused (a contract error, such as
    a wrong exit code) has no traceback worth showing, so none is offered.
    """
    if error.__cause__ is None:
        _error(str(error))
    elif debug:
        import traceback

        traceback.print_exception(error.__cause__)
        _error(str(error))
    else:
        _error(f"{error} (--debug shows the traceback)")
    return 1


def _error(message: str) -> None:
    """Print an error message."""
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _warn(message: str) -> None:
    """Print a warning."""
    print(f"{PROG}: warning: {message}", file=sys.stderr)
