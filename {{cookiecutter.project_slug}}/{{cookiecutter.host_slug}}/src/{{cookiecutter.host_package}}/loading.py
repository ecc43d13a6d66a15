"""Loading plugins: the control switches, API checks and error isolation.

Every plugin is imported at most once, and only when a command needs it. A plugin
that fails to import, breaks the contract or targets another API version is
reported with its name and distribution; it never stops the host.
"""

from __future__ import annotations

import os
import sys

from . import __version__, cache
from . import discovery_{{ cookiecutter.discovery | replace("-", "_") }} as discovery
from .contract import PLUGIN_API_VERSION

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypedDict

    from .contract import Plugin

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


def discover() -> dict[str, Found]:
    """Return the discovered plugins by name, warning about duplicates.

    The first plugin of a name, in sys.path order, wins.
    """
    result = cache.cached(discovery.find)
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
    try:
        plugin = discovery.load(found)
    except (Exception, SystemExit) as exc:  # a plugin's import may raise anything
        raise PluginError(f"{_who(found)} failed to import: {_one_line(exc)}") from exc
    api_version = getattr(plugin, "API_VERSION", None)
    if not isinstance(api_version, int):
        raise PluginError(f"{_who(found)} breaks the plugin contract: it has no int API_VERSION")
    _check_api(found, api_version)
    if not callable(getattr(plugin, "run", None)):
        raise PluginError(f"{_who(found)} breaks the plugin contract: it has no run(args) function")
    return plugin  # type: ignore[return-value]  # checked just above


def run(name: str, args: list[str], *, debug: bool = False) -> int:
    """Run plugin `name` with `args` and return its exit code."""
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
        plugin = load(found)
    except PluginError as exc:
        return _fail(exc, debug)
    try:
        code = plugin.run(list(args))
    except Exception as exc:  # the plugin's own bug: report it, do not crash
        return _fail(PluginError(f"{_who(found)} crashed: {_one_line(exc)}"), debug, exc)
    return code if isinstance(code, int) else 0


def report() -> list[Report]:
    """Load every enabled plugin once and report its status.

    Whatever plugins print while they load goes to stderr, so that it cannot
    corrupt the report (``plugins --json`` must stay valid JSON).
    """
    from contextlib import redirect_stdout

    reports: list[Report] = []
    for name, found in sorted(discover().items()):
        status, error, summary = "ok", None, ""
        reason = disabled_reason(name)
        if reason:
            status, error = "disabled", reason
        else:
            try:
                with redirect_stdout(sys.stderr):
                    summary = " ".join(str(getattr(load(found), "SUMMARY", "")).split())
            except IncompatibleError as exc:
                status, error = "incompatible", str(exc)
            except PluginError as exc:
                status, error = "failed", str(exc)
        reports.append(
            {
                "name": name,
                "status": status,
                "distribution": found["distribution"],
                "version": found["version"],
                "error": error,
                "summary": summary,
                "location": found["location"],
            }
        )
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
    """Describe an exception in one line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _fail(error: PluginError, debug: bool, cause: BaseException | None = None) -> int:
    """Report a plugin error in one line, or with its traceback in debug mode."""
    if debug:
        import traceback

        traceback.print_exception(cause or error.__cause__ or error)
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
