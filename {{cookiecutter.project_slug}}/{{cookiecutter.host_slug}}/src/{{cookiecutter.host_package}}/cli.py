"""The command line: ``{{ cookiecutter.host_slug }} plugins`` and {% if cookiecutter.contract == "hooks" %}``greet``{% else %}``run``{% endif %}{% if cookiecutter.install == "yes" %}, ``install`` and ``uninstall``{% endif %}{% if cookiecutter.search == "yes" %}, ``search``{% endif %}.

:data:`COMMANDS` defines every command once, and argparse builds the parser from it.
``--version`` and the commands with positional arguments only ({% if cookiecutter.contract == "hooks" %}``greet NAME``{% else %}``run NAME ARGS...``{% endif %})
are read from the same table without argparse, whose import alone costs 7.7 ms, most
of a warm {% if cookiecutter.contract == "hooks" %}``greet``{% else %}``run``{% endif %} (benchmarks/imports.py).
{%- if cookiecutter.contract == "hooks" %} Any other command is one a plugin adds:
``registry.py`` runs it.
{%- endif %}
"""

from __future__ import annotations

import os
import sys

from .about import PROG, __version__

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any, TypedDict

    from .records import Report

    class Command(TypedDict):
        """One command: its help, its arguments as argparse takes them, and what runs it."""

        help: str
        arguments: list[tuple[str, dict[str, Any]]]
        handler: Callable[[Options], int]


DEBUG_ENV = "{{ cookiecutter.__env_prefix }}_DEBUG"
{%- if cookiecutter.search == "yes" %}
SEARCH_TIMEOUT_ENV = "{{ cookiecutter.__env_prefix }}_SEARCH_TIMEOUT"
{%- endif %}
BOOTSTRAP_COMMAND = "{% filter replace("\\", "\\\\") | replace('"', '\\"') %}{% include "bootstrap.j2" %}{% endfilter %}"  # noqa: E501


class Options:
    """The parsed command line: argparse (or :func:`fast_parse`) sets what the command has.

    The attributes are those of every command in :data:`COMMANDS`, typed for the handlers.
    """

    command: str
    debug: bool
{%- if cookiecutter.contract == "hooks" %}
    name: str  # greet
{%- else %}
    name: str  # run
    args: list[str]  # run
{%- endif %}
    json: bool  # plugins{% if cookiecutter.search == "yes" %}, search{% endif %}
{%- if cookiecutter.search == "yes" %}
    index_url: str | None  # search
    timeout: float | None  # search
{%- endif %}
{%- if cookiecutter.install == "yes" %}
    requirements: list[str]  # install
    upgrade: bool  # install
    editable: bool  # install
    name_is_exact: bool  # install
    names: list[str]  # uninstall
    force: bool  # install, uninstall
{%- endif %}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args in (["--version"], ["--debug", "--version"]):
            print(f"{PROG} {__version__}")
            return 0
{%- if cookiecutter.contract == "hooks" and cookiecutter.cache == "yes" %}
        if args in (["--help"], ["-h"]):
            sys.stdout.write(_help())
            return 0
{%- endif %}
{%- if cookiecutter.contract == "hooks" %}
        debug = args[:1] == ["--debug"]
        words = args[1:] if debug else args
        if words and words[0] not in COMMANDS and not words[0].startswith("-"):
            from .registry import run_command

            return run_command(words[0], words[1:], list(COMMANDS), debug=debug or _debug_env())
{%- endif %}
        options = fast_parse(args) or parser().parse_args(args, namespace=Options())
        options.debug = options.debug or _debug_env()
        return COMMANDS[options.command]["handler"](options)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _pipe_closed()
    finally:  # here, not at exit, where a closed pipe would end in a traceback
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _pipe_closed()


{%- if cookiecutter.contract == "hooks" and cookiecutter.cache == "yes" %}


def _help() -> str:
    """Return ``--help`` as argparse writes it, cached for the plugins' commands and the width.

    On a warm cache this imports neither argparse nor pluggy nor any plugin: argparse's
    import costs 7.7 ms, two thirds of ``--version`` (benchmarks/imports.py).
    """
    from .cache import cached
    from .loading import discover
    from .registry import commands

    depends_on = (_columns(), tuple(sorted(discover())), tuple(sorted(commands().items())))
    return cached(lambda: (parser().format_help(), []), _is_text, "help", depends_on)


def _is_text(value: object) -> bool:
    """Tell whether a cached help is text."""
    return type(value) is str


def _columns() -> int:
    """Return the terminal's width as argparse reads it (shutil.get_terminal_size)."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(1).columns
    except (ValueError, OSError):
        return 80
{%- endif %}


def _debug_env() -> bool:
    """Tell whether the environment asks for tracebacks."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _pipe_closed() -> int:
    """End quietly when the reader of stdout went away (``| head``), as tools killed by SIGPIPE do.

    What Python still has to flush at exit goes to the null device, not into a traceback.
    """
    import contextlib

    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    return 141  # 128 + SIGPIPE


def fast_parse(args: list[str]) -> Options | None:
    """Parse a command whose arguments are all positional, as argparse would; else None.

    Only `args` that argparse would read alike are taken: no option, no ``--``.
    """
    debug = args[:1] == ["--debug"]
    rest = args[1:] if debug else args
    spec = COMMANDS.get(rest[0]) if rest else None
    if spec is None or any(flag.startswith("-") for flag, _ in spec["arguments"]):
        return None
    command, words = rest[0], rest[1:]
    if "--" in words:
        return None  # what argparse makes of "--" differs between Python versions: let it decide
    options = Options()
    options.command, options.debug = command, debug
    for name, settings in spec["arguments"]:
        if settings.get("nargs") == "...":
            setattr(options, name, words)
            words = []
        elif words and not words[0].startswith("-"):
            setattr(options, name, words.pop(0))
        else:
            return None
    return None if words else options


def parser() -> argparse.ArgumentParser:
    """Build the argument parser from :data:`COMMANDS`."""
    import argparse
{% if cookiecutter.cache == "yes" %}
    from .cache import NO_CACHE_ENV
{%- endif %}
    from .loading import DISABLE_ENV, LOAD_ENV

    class Parser(argparse.ArgumentParser):
        """A parser whose help may end with the discovered plugins."""

        lists_plugins = False

        def format_help(self) -> str:
            """Return the help, then the plugins if this parser lists them."""
            text = super().format_help()
            return f"{text}\n{_plugins_help()}" if self.lists_plugins else text

    parser = Parser(
        prog=PROG,
        description="{{ cookiecutter.host_name }}: run the plugins installed next to it.",
        epilog=(
            f"environment: {DISABLE_ENV}=a,b never loads those plugins (by plugin or "
            f"distribution name); {LOAD_ENV}=a,b loads only those (empty: none); "
{%- if cookiecutter.cache == "yes" %}
            f"{NO_CACHE_ENV}=1 turns the discovery cache off; "
{%- endif %}
{%- if cookiecutter.search == "yes" %}
            f"{SEARCH_TIMEOUT_ENV}=SECONDS bounds search (default: 30); "
{%- endif %}
            f"{DEBUG_ENV}=1 shows tracebacks."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of plugin errors")
    parser.lists_plugins = True
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, spec in COMMANDS.items():
        command = commands.add_parser(name, help=spec["help"])
{%- if cookiecutter.contract == "command" %}
        command.lists_plugins = name == "run"
{%- endif %}
        for flag, settings in spec["arguments"]:
            command.add_argument(flag, **settings)
    return parser


def bootstrap_command() -> str:
    """Return the command that bootstraps a new plugin package for this host."""
    return BOOTSTRAP_COMMAND


{% if cookiecutter.contract == "hooks" %}def _plugins_help() -> str:
    """Describe the commands plugins add, for ``--help``{% if cookiecutter.cache == "yes" %}: warm, from the cache alone{% endif %}."""
    from .display import for_terminal
    from .loading import discover
    from .registry import commands

    added = commands()
    if not added:
        start = "Start one with (add plugin_name=<name>):"
        if discover():
            return f"commands from plugins: none. {start}\n  {bootstrap_command()}\n"
        return f"plugins: none installed. {start}\n  {bootstrap_command()}\n"
    width = max(len(command) for command in added)
    lines = [
        for_terminal(f"  {command.ljust(width)}  {text} (plugin {plugin})")
        for command, (plugin, text) in sorted(added.items())
    ]
    return "commands from plugins:\n" + "\n".join(lines) + "\n"


def _greet(options: Options) -> int:
    """``greet NAME``: print the greetings of every plugin that implements the greet hook."""
    from .contract import greetings
    from .display import for_terminal
    from .registry import load_implementing, report_failures

    load_implementing("greet")
    for greeting in greetings(options.name):
        print(for_terminal(greeting))
    return report_failures(options.debug)
{%- else %}def _plugins_help() -> str:
    """Describe the discovered plugins for ``--help``; discovery imports none of them."""
    from .display import for_terminal
    from .loading import discover

    plugins = {for_terminal(name): found for name, found in discover().items()}
    if not plugins:
        return (
            "plugins: none installed. Start one with (add plugin_name=<name>):\n"
            f"  {bootstrap_command()}\n"
        )
    width = max(len(name) for name in plugins)
    lines = [
        for_terminal(
            f"  {name.ljust(width)}  {found['distribution']} {found['version']}"
            if found["distribution"]
            else f"  {name.ljust(width)}  {found['location']}"
        )
        for name, found in sorted(plugins.items())
    ]
    return "plugins:\n" + "\n".join(lines) + "\n"


def _run(options: Options) -> int:
    """``run NAME ARGS...``: run a plugin through the contract's call."""
    from .contract import call
    from .loading import run

    return run(options.name, lambda plugin: call(plugin, options.args), debug=options.debug)
{%- endif %}


def _plugins(options: Options) -> int:
    """``plugins [--json]``: list the discovered plugins and their status.

    While plugins load, file descriptor 1 points at stderr: whatever their code writes,
    at import, from a child process or at exit, cannot get into the listing, which goes
    to the real stdout. A plugin that leaves a thread running does not keep the command
    from ending.
    """
    from .display import for_terminal
    from .loading import Interrupted, report

    listing = _keep_stdout()
    try:
        _write(listing, _listing(report(), as_json=options.json))
        code = 0
    except Interrupted as interrupted:  # Ctrl-C: show what was gathered, then say so
        if interrupted.reports or options.json:
            _write(listing, _listing(interrupted.reports, as_json=options.json))
        print(f"{PROG}: {for_terminal(str(interrupted))}", file=sys.stderr)
        code = 130
    _end_if_threads_linger(code)
    return code


def _keep_stdout() -> int:
    """Point file descriptor 1 at stderr and return a new descriptor of the real stdout.

    Where that cannot be done (no stdout, say), return 1 itself.
    """
    sys.stdout.flush()
    try:
        kept = os.dup(1)
        os.dup2(2, 1)
    except OSError:
        return 1
    return kept


def _write(descriptor: int, text: str) -> None:
    """Write `text` to `descriptor` whole, unbuffered: nothing is left to flush at exit."""
    data = text.encode(sys.stdout.encoding or "utf-8", "backslashreplace")
    while data:
        data = data[os.write(descriptor, data) :]


def _end_if_threads_linger(code: int) -> None:
    """Exit now with `code` if a plugin left a thread running, which Python would wait for."""
    if "threading" not in sys.modules:
        return  # no plugin started a thread
    import threading

    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.stderr.flush()
        os._exit(code)


def _listing(reports: list[Report], *, as_json: bool) -> str:
    """Return the plugin reports as a table or as JSON, ending in a newline."""
    from .display import for_json, for_terminal

    if as_json:
        import json

        return json.dumps(for_json(reports), indent=2) + "\n"
    if not reports:
        start = "No plugins installed. Start one with (add plugin_name=<name>):"
        return f"{start}\n  {bootstrap_command()}\n"
    rows = [["NAME", "STATUS", "DISTRIBUTION", "VERSION", "DETAIL"]]
    for r in reports:
        cells = [r["name"], r["status"], r["distribution"] or "-", r["version"] or "-"]
        rows.append([for_terminal(cell) for cell in [*cells, r["error"] or r["summary"]]])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "".join(
        "  ".join([*(v.ljust(w) for v, w in zip(row[:-1], widths, strict=True)), row[-1]]) + "\n"
        for row in rows
    )


{%- if cookiecutter.search == "yes" %}


def _seconds(text: str) -> float:
    """Parse a positive number of seconds; raise ValueError naming the bad value."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):  # also refuses nan
        raise ValueError(f"expected a positive number of seconds, not {text!r}")
    return value


def _argparse_seconds(text: str) -> float:
    """Parse ``--timeout`` for argparse."""
    import argparse

    try:
        return _seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _search(options: Options) -> int:
    """``search``: search a package index for plugins and mark the installed ones."""
    from .display import for_json, for_terminal
    from .search import (
        DEFAULT_INDEX_URL,
        DEFAULT_TIMEOUT,
        MAX_NAME_LENGTH,
        SearchError,
        installed_distributions,
        normalize,
        search_index,
    )

    timeout = options.timeout
    if timeout is None:
        try:
            timeout = _seconds(os.environ.get(SEARCH_TIMEOUT_ENV) or str(DEFAULT_TIMEOUT))
        except ValueError as exc:
            _error(f"{SEARCH_TIMEOUT_ENV}: {exc}")
            return 2
    prefixes = sorted({normalize("{{ cookiecutter.host_slug }}-"), normalize("{{ cookiecutter.host_package }}_")})
    url = options.index_url or DEFAULT_INDEX_URL
    try:
        names = search_index(url, prefixes, timeout=timeout)
    except SearchError as exc:
        _error(str(exc))
        return 1
    if names.dropped:
        what = "name" if names.dropped == 1 else "names"
        verb = "is" if names.dropped == 1 else "are"
        print(
            f"{PROG}: warning: left out {names.dropped} {what} from the index that {verb} "
            f"invalid or longer than {MAX_NAME_LENGTH} characters",
            file=sys.stderr,
        )
    installed = installed_distributions()
    found = [
        {"project": name, "installed": name in installed, "version": installed.get(name)}
        for name in names
    ]
    if options.json:
        import json

        print(json.dumps(for_json(found), indent=2))
        return 0
    if not found:
        print(f"No project on {url} starts with {' or '.join(prefixes)}")
    for project in found:
        mark = f"installed {project['version']}" if project["installed"] else ""
        print(for_terminal(f"{project['project']:40} {mark}".rstrip()))
    return 0
{%- endif %}

{%- if cookiecutter.search == "yes" or cookiecutter.install == "yes" %}


def _error(message: str) -> None:
    """Print an error message (display.py, imported only when there is one)."""
    from .display import error

    error(message)
{%- endif %}

{%- if cookiecutter.install == "yes" %}


def _install(options: Options) -> int:
    """``install REQ...``: install plugins next to the host and say which appeared."""
    from .install import InstallError, install

    try:
        return install(
            options.requirements,
            upgrade=options.upgrade,
            editable=options.editable,
            exact=options.name_is_exact,
            force=options.force,
        )
    except InstallError as exc:
        _error(str(exc))
        return exc.code


def _uninstall(options: Options) -> int:
    """``uninstall NAME...``: remove plugins' distributions and say which plugins went."""
    from .install import InstallError, uninstall

    try:
        return uninstall(options.names, force=options.force)
    except InstallError as exc:
        _error(str(exc))
        return exc.code


_FORCE_HELP = "change the environment even if uv tool or pipx manages it"
{%- endif %}


#: Every command: its help, its arguments as argparse takes them, and what runs it.
{%- if cookiecutter.contract == "hooks" %}
#: The contract is exposed by ``greet`` and the commands plugins add (``registry.py``).
{%- else %}
#: The contract is exposed by ``run`` alone: change it there when the contract changes.
{%- endif %}
COMMANDS: dict[str, Command] = {
    "plugins": {
        "help": "list the discovered plugins",
        "arguments": [("--json", {"action": "store_true", "help": "print a JSON array"})],
        "handler": _plugins,
    },
{%- if cookiecutter.contract == "hooks" %}
    "greet": {
        "help": "print every plugin's greeting",
        "arguments": [("name", {"metavar": "NAME", "help": "who to greet"})],
        "handler": _greet,
    },
{%- else %}
    "run": {
        "help": "run a plugin",
        "arguments": [
            ("name", {"metavar": "NAME", "help": "the plugin to run"}),
            ("args", {"metavar": "ARGS", "nargs": "...", "help": "passed to the plugin"}),
        ],
        "handler": _run,
    },
{%- endif %}
{%- if cookiecutter.search == "yes" %}
    "search": {
        "help": "find plugins on a package index",
        "arguments": [
            ("--index-url", {"metavar": "URL", "help": "a simple API index (default: PyPI)"}),
            ("--json", {"action": "store_true", "help": "print a JSON array"}),
            (
                "--timeout",
                {
                    "metavar": "SECONDS",
                    "type": _argparse_seconds,
                    "help": f"give up after this long (default: ${SEARCH_TIMEOUT_ENV}, else 30)",
                },
            ),
        ],
        "handler": _search,
    },
{%- endif %}
{%- if cookiecutter.install == "yes" %}
    "install": {
        "help": "install plugins into the environment {{ cookiecutter.host_slug }} runs in",
        "arguments": [
            (
                "requirements",
                {
                    "metavar": "REQ",
                    "nargs": "+",
                    "help": "a path, wheel, URL or distribution name ({{ cookiecutter.host_slug }}-NAME)",
                },
            ),
            ("-U", {"dest": "upgrade", "action": "store_true", "help": "upgrade if installed"}),
            ("--upgrade", {"dest": "upgrade", "action": "store_true", "help": "same as -U"}),
            ("-e", {"dest": "editable", "action": "store_true", "help": "install editable"}),
            ("--editable", {"dest": "editable", "action": "store_true", "help": "same as -e"}),
            (
                "--name-is-exact",
                {"action": "store_true", "help": "take a bare name as a distribution name"},
            ),
            ("--force", {"action": "store_true", "help": _FORCE_HELP}),
        ],
        "handler": _install,
    },
    "uninstall": {
        "help": "remove plugins from the environment {{ cookiecutter.host_slug }} runs in",
        "arguments": [
            (
                "names",
                {"metavar": "NAME", "nargs": "+", "help": "a plugin or its distribution"},
            ),
            ("--force", {"action": "store_true", "help": _FORCE_HELP}),
        ],
        "handler": _uninstall,
    },
{%- endif %}
}
