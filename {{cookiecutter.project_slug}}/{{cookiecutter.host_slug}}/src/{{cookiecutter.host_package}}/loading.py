"""Loading plugins: the control switches, import with isolation, and reports.

What a plugin must provide, and how it is called, is the contract's business
(``contract.py``): this module only asks it. What it offers a command is free of the
contract: :func:`discover`, :func:`disabled_reason` (the switches), :func:`load`,
:func:`contained` (a call of plugin code, contained) and :func:`report_failure` (the
one-line report), and {% if cookiecutter.contract == "hooks" %}:func:`enabled` (the plugins a command may load)
and{% else %}:func:`run` and{% endif %} :func:`report`, built from them.

Every plugin is imported at most once, and only when a command needs it. A plugin
that fails to import, breaks the contract or targets another API version is
reported with its name and distribution; it never stops the host.

Everything a plugin's code can do while it is imported, described or run is
contained: any exception, ``BaseException`` subclasses such as ``SystemExit`` and
``GeneratorExit`` included, and failures of ``str()`` or attribute access on its
objects. Only the user's Ctrl-C gets through; while ``plugins`` loads them, a
``KeyboardInterrupt`` that a plugin raises itself is that plugin's failure. A
``BrokenPipeError`` gets through when the reader of stdout went away (``| head``):
that is no plugin's fault.

The switches are read once, when this module is imported, before any plugin's code
runs: a plugin that sets them in ``os.environ`` changes nothing for the others.
"""

from __future__ import annotations

import os
import sys

{% if cookiecutter.cache == "yes" %}from . import cache, contract{% else %}from . import contract{% endif %}
from . import discovery_{{ cookiecutter.discovery | replace("-", "_") }} as discovery
from .records import IncompatibleError, PluginError{% if cookiecutter.cache == "yes" %}, is_discovery{% endif %}

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from .contract import Plugin
    from .records import Found, Report

    T = TypeVar("T")

DISABLE_ENV = "{{ cookiecutter.__env_prefix }}_DISABLE_PLUGINS"
LOAD_ENV = "{{ cookiecutter.__env_prefix }}_LOAD_PLUGINS"
# The switches as the user set them (None: unset), read before any plugin can change them.
DISABLED = os.environ.get(DISABLE_ENV, "")
ALLOWED = os.environ.get(LOAD_ENV)
# What discover() found in this process, once it has run.
_discovered: dict[str, Found] | None = None
# While report() loads plugins: whether it watches for the user's Ctrl-C, and saw one.
_watching_ctrl_c = False
_ctrl_c_pressed = False


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while ``plugins`` loaded them: carries the reports gathered before it."""

    def __init__(self, message: str, reports: list[Report]) -> None:
        """Say what was interrupted; keep the `reports` done before."""
        super().__init__(message)
        self.reports = reports


def discover() -> dict[str, Found]:
    """Return the discovered plugins by name, warning about duplicates.

    The first plugin of a name, in sys.path order, wins. Discovery runs (or reads its
    cache) once a process, and warns once: later calls return the same result.
    """
    global _discovered
    if _discovered is not None:
        return _discovered
{%- if cookiecutter.cache == "yes" %}
    result = cache.cached(discovery.find, is_discovery)
{%- else %}
    result = discovery.find()
{%- endif %}
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
    _discovered = plugins
    return plugins


def disabled_reason(name: str, distribution: str | None = None) -> str | None:
    """Say why the switches in the environment keep plugin `name` from loading, if they do.

    A switch names plugins or their distributions, as PEP 503 normalizes names.
    """
    switched = switched_off_by(name, distribution)
    if switched == DISABLE_ENV:
        return f"disabled by {DISABLE_ENV}"
    if switched == LOAD_ENV:
        return f"not listed in {LOAD_ENV}"
    return None


def switched_off_by(name: str, distribution: str | None = None) -> str | None:
    """Return the variable that keeps plugin `name` (of `distribution`) from loading, if any."""
    if not DISABLED and ALLOWED is None:
        return None  # no switch set, as on most starts: environment.py need not be imported
    from .environment import normalize

    own = {normalize(name)} | ({normalize(distribution)} if distribution else set())
    if own & _names(DISABLED):
        return DISABLE_ENV
    if ALLOWED is not None and not own & _names(ALLOWED):
        return LOAD_ENV
    return None


def load(found: Found) -> Plugin:
    """Import one plugin and check it against the contract.

    Raises PluginError, or IncompatibleError for another API version; metadata
    that declares one is checked before any of the plugin's code runs.
    """
    contained(found, "", contract.check_api, found["api_version"])
    plugin = contained(found, "failed to import", discovery.load, found)
    return contained(found, contract.CHECKING, contract.check, plugin)


{% if cookiecutter.contract == "hooks" %}def enabled() -> list[Found]:
    """Return the discovered plugins that the switches let load, by name."""
    plugins = discover()
    return [
        found
        for name, found in sorted(plugins.items())
        if not switched_off_by(name, found["distribution"])
    ]
{%- else %}def run(name: str, call: Callable[[Plugin], int], *, debug: bool = False) -> int:
    """Load plugin `name`, hand it to `call` and return the exit code `call` returns.

    `call` is how a command uses a plugin (see contract.call). A plugin that is
    unknown, switched off, cannot be loaded, or fails while called is reported in
    one line, and the code is 2 (unknown) or 1.
    """
    plugins = discover()
    found = plugins.get(name)
    if found is None:
        available = ", ".join(sorted(plugins)) or "none installed"
        _error(f"unknown plugin {name!r}; available: {available}")
        return 2
    reason = disabled_reason(name, found["distribution"])
    if reason:
        _error(f"plugin {name!r} is {reason}")
        return 1
    try:
        return contained(found, contract.CALLING, call, load(found))
    except PluginError as exc:
        return report_failure(exc, debug)
{%- endif %}


def report() -> list[Report]:
    """Load every enabled plugin once and report its status.

    Whatever plugins print while they load goes to stderr, so that it cannot
    corrupt the report (``plugins --json`` must stay valid JSON). Ctrl-C raises
    Interrupted, which holds the reports of the plugins done before it.
    """
    import signal  # here only: 4.2 ms (benchmarks/imports.py), which a warm run does not pay

    global _watching_ctrl_c, _ctrl_c_pressed
    reports: list[Report] = []
    doing = "discovering plugins"
    # Where SIGINT is ignored (a background job), no Ctrl-C can come: any KeyboardInterrupt
    # is a plugin's. Where the program set its own handler, any is taken as the user's.
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_ctrl_c)
    _watching_ctrl_c = previous in (signal.default_int_handler, signal.SIG_IGN)
    try:
        for _, found in sorted(discover().items()):
            doing = f"loading {_label(found)}"
            reports.append(_report(found))
    except KeyboardInterrupt:
        done = len(reports)
        listed = {0: "no plugin is listed", 1: "only the plugin done before it is listed"}
        message = listed.get(done, f"only the {done} plugins done before it are listed")
        raise Interrupted(f"interrupted while {doing}; {message}", reports) from None
    finally:
        _watching_ctrl_c = _ctrl_c_pressed = False
        if previous is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous)
    return reports


def _on_ctrl_c(signum: int, frame: object) -> None:
    """Note that the user pressed Ctrl-C, then interrupt as Python does."""
    global _ctrl_c_pressed
    _ctrl_c_pressed = True
    raise KeyboardInterrupt


def contained(found: Found, failure: str, function: Callable[..., T], *args: object) -> T:
    """Call `function`, which may run plugin code, turning whatever it raises into a PluginError.

    The contract's own PluginError gains the plugin's name; anything else the plugin
    raised reads "<plugin> <failure>: <exception>". Only Ctrl-C gets through.
    """
    try:
        return function(*args)
    except KeyboardInterrupt as exc:
        if not _watching_ctrl_c or _ctrl_c_pressed:
            raise  # the user's Ctrl-C
        raised = f"{_one_line(exc)} (raised by its code, not by Ctrl-C)"
        raise PluginError(f"{_label(found)} {failure}: {raised}") from exc
    except BrokenPipeError as exc:
        if _output_closed():
            raise  # `| head` stopped reading: the command ends quietly
        raise PluginError(f"{_label(found)} {failure}: {_one_line(exc)}") from exc
    except PluginError as exc:  # the contract's: IncompatibleError stays one
        raise type(exc)(f"{_label(found)} {exc}") from None
    except BaseException as exc:  # a plugin's code may raise anything, SystemExit included
        raise PluginError(f"{_label(found)} {failure}: {_one_line(exc)}") from exc


def _output_closed() -> bool:
    """Tell whether the reader of stdout went away, as when ``| head`` has read enough.

    The write end of such a pipe polls as an error; where poll is missing (Windows),
    a broken pipe is taken to be stdout's.
    """
    import select

    if not hasattr(select, "poll"):
        return True
    poller = select.poll()
    poller.register(1, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


def _str_or_none(produce: Callable[[], object]) -> str | None:
    """Return str() of what `produce` returns, on one line; None if plugin code raised."""
    try:
        return " ".join(str(produce()).split())
    except KeyboardInterrupt:
        raise
    except BaseException:  # a plugin's __str__ (even its class's __name__) may raise anything
        return None


def _report(found: Found) -> Report:
    """Load one plugin, unless it is disabled, and report its status."""
    from contextlib import redirect_stdout

    status, error, summary = "ok", None, ""
{%- if cookiecutter.contract == "hooks" %}
    hooks: list[str] = []
{%- endif %}
    reason = disabled_reason(found["name"], found["distribution"])
    if reason:
        status, error = "disabled", reason
    else:
        try:
            with redirect_stdout(sys.stderr):
{%- if cookiecutter.contract == "hooks" %}
                plugin = load(found)
                summary = contained(found, contract.DESCRIBING, contract.describe, plugin)
                hooks = contained(found, contract.CHECKING, contract.implemented, plugin)
{%- else %}
                summary = contained(found, contract.DESCRIBING, contract.describe, load(found))
{%- endif %}
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
        "switch": switched_off_by(found["name"], found["distribution"]),
        "summary": summary,
{%- if cookiecutter.contract == "hooks" %}
        "hooks": hooks,
{%- endif %}
        "location": found["location"],
    }


def _names(value: str) -> set[str]:
    """Split a comma-separated list of plugin or distribution names, normalized."""
    from .environment import normalize

    return {normalize(name.strip()) for name in value.split(",") if name.strip()}


def _label(found: Found) -> str:
    """Name a plugin and its distribution for a message."""
    return f"plugin {found['name']!r} ({_source(found)})"


def _source(found: Found) -> str:
    """Name where a plugin comes from: its distribution, else its location."""
    if found["distribution"]:
        return f"{found['distribution']} {found['version']}"
    return found["location"]


def _one_line(exc: BaseException) -> str:
    """Describe an exception in one line, even one whose __str__ raises."""
    name = _str_or_none(lambda: type(exc).__name__) or "an exception"
    text = _str_or_none(lambda: exc)
    if text is None:
        return f"{name} (its message cannot be shown: its __str__ raised)"
    return f"{name}: {text}" if text else name


def report_failure(error: PluginError, debug: bool) -> int:
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
    """Print an error message (display.py, imported only when there is one)."""
    from .display import error

    error(message)


def _warn(message: str) -> None:
    """Print a warning (display.py, imported only when there is one)."""
    from .display import warning

    warning(message)
