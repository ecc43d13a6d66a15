"""The command line: ``{{ cookiecutter.host_slug }} plugins``, ``run`` and ``search``.

The two commands run most often, ``--version`` and ``run NAME``, take a fast path
that skips argparse (about 10 ms of start-up); everything else goes through it.
"""

from __future__ import annotations

import os
import sys

from . import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from .loading import Report

PROG = "{{ cookiecutter.host_slug }}"
DEBUG_ENV = "{{ cookiecutter.__env_prefix }}_DEBUG"
SEARCH_TIMEOUT_ENV = "{{ cookiecutter.__env_prefix }}_SEARCH_TIMEOUT"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = args[:1] == ["--debug"] or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    command = args[1:] if args[:1] == ["--debug"] else args
    try:
        if command == ["--version"]:
            print(f"{PROG} {__version__}")
            return 0
        if len(command) >= 2 and command[0] == "run" and not command[1].startswith("-"):
            from .loading import run

            return run(command[1], command[2:], debug=debug)
        return _dispatch(_parser().parse_args(args), debug)
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    """Build the argument parser for everything but the fast paths."""
    import argparse

    from .loading import DISABLE_ENV, LOAD_ENV, NO_CACHE_ENV

    def seconds(text: str) -> float:
        try:
            return _seconds(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="{{ cookiecutter.host_name }}: run the plugins installed next to it.",
        epilog=(
            f"environment: {DISABLE_ENV}=a,b never loads those plugins; "
            f"{LOAD_ENV}=a,b loads only those (empty: none); "
            f"{NO_CACHE_ENV}=1 turns the discovery cache off; "
            f"{SEARCH_TIMEOUT_ENV}=SECONDS bounds search (default: 30); "
            f"{DEBUG_ENV}=1 shows tracebacks."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of plugin errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    plugins = commands.add_parser("plugins", help="list the discovered plugins")
    plugins.add_argument("--json", action="store_true", help="print a JSON array")

    run = commands.add_parser("run", help="run a plugin")
    run.add_argument("name", metavar="NAME", help="the plugin to run")
    run.add_argument("args", metavar="ARGS", nargs="...", help="passed to the plugin")

    search = commands.add_parser("search", help="find plugins on a package index")
    search.add_argument("--index-url", metavar="URL", help="a simple API index (default: PyPI)")
    search.add_argument("--json", action="store_true", help="print a JSON array")
    search.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=seconds,
        help=f"give up after this long in all (default: ${SEARCH_TIMEOUT_ENV}, else 30)",
    )
    return parser


def _dispatch(options: argparse.Namespace, debug: bool) -> int:
    """Run the parsed command."""
    debug = debug or options.debug
    if options.command == "run":
        from .loading import run

        return run(options.name, options.args, debug=debug)
    if options.command == "plugins":
        from .loading import Interrupted, report

        try:
            return _print_plugins(report(), as_json=options.json)
        except Interrupted as interrupted:  # Ctrl-C: show what was gathered, then say so
            if interrupted.reports or options.json:
                _print_plugins(interrupted.reports, as_json=options.json)
            print(f"{PROG}: {interrupted}", file=sys.stderr)
            return 130
    return _search(options.index_url, as_json=options.json, timeout=options.timeout)


def _print_plugins(reports: list[Report], *, as_json: bool) -> int:
    """Print the plugin reports as a table or as JSON."""
    if as_json:
        import json

        print(json.dumps(reports, indent=2))
        return 0
    if not reports:
        from .loading import bootstrap_command

        print("No plugins installed. Start one with (add plugin_name=<name>):")
        print(f"  {bootstrap_command()}")
        return 0
    rows = [["NAME", "STATUS", "DISTRIBUTION", "VERSION"]]
    for r in reports:
        rows.append([r["name"], r["status"], r["distribution"] or "-", r["version"] or "-"])
    details = ["DETAIL"] + [r["error"] or r["summary"] for r in reports]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row, detail in zip(rows, details, strict=True):
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)), detail, sep="  ")
    return 0


def _seconds(text: str) -> float:
    """Parse a positive number of seconds; raise ValueError naming the bad value."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):  # also refuses nan
        raise ValueError(f"expected a positive number of seconds, not {text!r}")
    return value


def _search(index_url: str | None, *, as_json: bool, timeout: float | None) -> int:
    """Search a package index for plugins and mark the installed ones."""
    from .loading import installed_distributions
    from .search import (
        DEFAULT_INDEX_URL,
        DEFAULT_TIMEOUT,
        MAX_NAME_LENGTH,
        SearchError,
        normalize,
        search_index,
    )

    if timeout is None:
        try:
            timeout = _seconds(os.environ.get(SEARCH_TIMEOUT_ENV) or str(DEFAULT_TIMEOUT))
        except ValueError as exc:
            print(f"{PROG}: error: {SEARCH_TIMEOUT_ENV}: {exc}", file=sys.stderr)
            return 2
    prefixes = sorted({normalize("{{ cookiecutter.host_slug }}-"), normalize("{{ cookiecutter.host_package }}_")})
    url = index_url or DEFAULT_INDEX_URL
    try:
        names = search_index(url, prefixes, timeout=timeout)
    except SearchError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
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
    if as_json:
        import json

        print(json.dumps(found, indent=2))
        return 0
    if not found:
        print(f"No project on {url} starts with {' or '.join(prefixes)}")
    for project in found:
        mark = f"installed {project['version']}" if project["installed"] else ""
        print(f"{project['project']:40} {mark}".rstrip())
    return 0
