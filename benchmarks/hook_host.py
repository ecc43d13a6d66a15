#!/usr/bin/env python3
"""Start-up benchmark of the hooks host (contract=hooks) beside a hand-written pluggy host.

For each discovery style the script bakes the template with ``contract=hooks``, builds
and installs the host and its example plugin in a fresh venv with N unrelated
distributions and M plugins: 5 add a command each, 3 implement the combined hook
(``greet``), the rest implement no hook the host calls. Beside it, in the same venv, a
host written by hand as llm and datasette write theirs: ``pm.add_hookspecs``, then
``pm.load_setuptools_entrypoints`` (entry-point style) or the PyPA guide's snippet and
``pm.register`` (the other styles), then argparse subcommands from ``register_commands``.

It times whole processes, each once per round in a rotated order: ``--version``,
``--help``, a plugin's command and ``greet``, warm (the host's cache written) and cold
(an empty cache folder each round), and the hand-written host's ``--help``, command and
``greet``, which have no cache. Ratios are the medians of per-round ratios.

Usage::

    python benchmarks/hook_host.py [--styles S ...] [--unrelated N] [--plugins M] [--rounds R]
        [--json PATH] [--work DIR] [--readme README.md]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(folder) for folder in (HERE, HERE.parent / "tests") if str(folder) not in sys.path]

from helpers import PACKAGE, ROOT, SLUG, entry_point_group, styles  # noqa: E402
from startup import SEEDS, Phases, _check, _environment, create_venv, pip_install, settle, time_rounds  # noqa: E402
from wheels import host_wheels, plugin_wheels, unrelated_wheels  # noqa: E402

DEFAULT_WORK = Path(tempfile.gettempdir()) / "plugin-host-hooks-bench"
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "hooks-latest.json"
COMMANDS_ADDED, GREETERS = 5, 3
# (numerator, denominator): the rows of the table.
RATIOS = [
    ("help", "version"),
    ("help", "hand_help"),
    ("cold_help", "hand_help"),
    ("command", "hand_command"),
    ("cold_command", "hand_command"),
    ("greet", "hand_greet"),
    ("cold_greet", "hand_greet"),
]
# ratio -> the largest value it may have
TARGETS = {
    "help/version": 1.2,
    "command/hand_command": 1 / 3,
    "cold_command/hand_command": 1.0,
    "greet/hand_greet": 1 / 3,
    "cold_greet/hand_greet": 1.0,
}
MARKERS = ("<!-- hooks-benchmark:start -->", "<!-- hooks-benchmark:end -->")

HAND_HOST = """\
import argparse
import sys

import pluggy

from {package} import hookspecs

pm = pluggy.PluginManager(hookspecs.PROJECT)
pm.add_hookspecs(hookspecs)
{discover}
parser = argparse.ArgumentParser(prog="hand")
commands = parser.add_subparsers(dest="command", required=True)
greet = commands.add_parser("greet", help="print every plugin's greeting")
greet.add_argument("name")
handlers = {{}}
for added in pm.hook.register_commands():
    for name, spec in added.items():
        command = commands.add_parser(name, help=spec["help"])
        for flag, settings in spec["arguments"]:
            command.add_argument(flag, **settings)
        handlers[name] = spec["handler"]
options = parser.parse_args()
if options.command == "greet":
    for line in pm.hook.greet(name=options.name):
        if line is not None:
            print(line)
else:
    sys.exit(handlers[options.command](options) or 0)
"""


def hand_host(style: str) -> str:
    """Return the hand-written pluggy host's source for `style`."""
    if style == "entry-point":
        discover = f"pm.load_setuptools_entrypoints({entry_point_group(PACKAGE)!r})\n"
    else:
        seed = SEEDS[style].format(prefix=f"{PACKAGE}_", namespace=f"{PACKAGE}.plugins")
        discover = seed + "for name, module in plugins.items():\n    pm.register(module, name)\n"
    return HAND_HOST.format(package=PACKAGE, discover=discover)


def plugin_source(index: int) -> str:
    """Return plugin `index`'s module: a command, a greeting, or no hook the host calls."""
    source = f"from {PACKAGE} import hookimpl\n\nAPI_VERSION = 1\nSUMMARY = 'Benchmark plugin p{index}.'\n"
    if index < COMMANDS_ADDED:
        source += (
            "\n\ndef run(options):\n    print(*options.names)\n    return 0\n\n\n"
            "@hookimpl\ndef register_commands():\n"
            f"    arguments = [('names', {{'nargs': '*'}})]\n"
            f"    return {{'c{index}': {{'help': 'command {index}', 'arguments': arguments, 'handler': run}}}}\n"
        )
    elif index < COMMANDS_ADDED + GREETERS:
        source += f"\n\n@hookimpl\ndef greet(name):\n    return f'p{index} greets {{name}}'\n"
    return source


def dependency_wheels(work: Path) -> Path:
    """Return a folder with the wheel of the host's one dependency, pluggy, fetched once."""
    folder = work / "dependencies"
    if not list(folder.glob("pluggy-*.whl")):
        _check(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "pluggy", "-d", folder]
        )
    return folder


def measure(
    style: str, unrelated: int, plugins: int, rounds: int, work: Path, deps: Path | None = None
) -> dict[str, Any]:
    """Build the venv for `style`, then time every command; return medians and ratios.

    `deps` is a folder holding a pluggy wheel (default: one fetched once into `work`).
    """
    phases = Phases()
    label = work / f"{style}-n{unrelated}-m{plugins}"
    with phases("bake, build"):
        wheels = host_wheels(style, work, answers={"contract": "hooks"})
    with phases("install"):
        deps = deps or dependency_wheels(work)
        venv = create_venv(label / "venv", sys.executable, [*wheels, "--find-links", deps])  # type: ignore[list-item]
        crowd = plugin_wheels(style, work, plugins, plugin_source, "hooks-crowd")
        installed = pip_install(venv, [*unrelated_wheels(work, unrelated), *crowd])
    hand = label / "hand.py"
    hand.write_text(hand_host(style), encoding="utf-8")
    app, python = str(venv.script(SLUG)), str(venv.python)
    command = ["c0", "Ada"]
    commands = {
        "version": [app, "--version"],
        "help": [app, "--help"],
        "command": [app, *command],
        "greet": [app, "greet", "Ada"],
        "cold_help": [app, "--help"],
        "cold_command": [app, *command],
        "cold_greet": [app, "greet", "Ada"],
        "hand_help": [python, str(hand), "--help"],
        "hand_command": [python, str(hand), *command],
        "hand_greet": [python, str(hand), "greet", "Ada"],
    }
    cache_home, cold, cwd = label / "xdg", label / "xdg-cold", label / "cwd"
    cwd.mkdir(parents=True, exist_ok=True)
    env = _environment(cache_home)
    settle(installed)
    with phases("timing", f"{rounds} rounds: "):
        time_rounds(commands, 1, env, cwd, cold)  # warm up: the host writes its caches
        samples = time_rounds(commands, rounds, env, cwd, cold)
    median = {name: round(statistics.median(values), 2) for name, values in samples.items()}
    ratios = {
        f"{a}/{b}": round(statistics.median(x / y for x, y in zip(samples[a], samples[b], strict=True)), 3)
        for a, b in RATIOS
    }
    targets = {
        name: {"value": ratios[name], "limit": round(limit, 3), "pass": ratios[name] <= limit}
        for name, limit in TARGETS.items()
    }
    return {
        "style": style,
        "unrelated": unrelated,
        "plugins": plugins,
        "rounds": rounds,
        "median_ms": median,
        "ratios": ratios,
        "targets": targets,
    }


def markdown(results: list[dict[str, Any]]) -> str:
    """Return the results as a Markdown table: a row per ratio, a column per style."""
    first = results[0]
    lines = [
        f"N={first['unrelated']} unrelated distributions, M={first['plugins']} plugins "
        f"({COMMANDS_ADDED} add a command, {GREETERS} implement greet), {first['rounds']} rounds; "
        "medians of per-round ratios (median ms of the first command in brackets).",
        "",
        "| ratio | target | " + " | ".join(r["style"] for r in results) + " |",
        "| --- | --- | " + " | ".join("---" for _ in results) + " |",
    ]
    for a, b in RATIOS:
        name = f"{a}/{b}"
        limit = TARGETS.get(name)
        target = f"<= {limit:.2f}" if limit else ""
        cells = [f"{r['ratios'][name]:.2f} ({r['median_ms'][a]:.0f} ms)" for r in results]
        lines.append(f"| {name} | {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, table: str) -> None:
    """Put `table` between the README's hooks-benchmark markers."""
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(MARKERS[0]) + ".*?" + re.escape(MARKERS[1]), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme}: no {MARKERS[0]} ... {MARKERS[1]} markers")
    readme.write_text(pattern.sub(lambda _: f"{MARKERS[0]}\n{table}{MARKERS[1]}", text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--styles", nargs="+", default=styles(), choices=styles())
    parser.add_argument("--unrelated", type=int, default=300)
    parser.add_argument("--plugins", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--readme", type=Path)
    options = parser.parse_args(argv)
    results = []
    for style in options.styles:
        print(f"{style}:", flush=True)
        results.append(measure(style, options.unrelated, options.plugins, options.rounds, options.work))
        print(json.dumps(results[-1]["ratios"], indent=2), flush=True)
    table = markdown(results)
    print(table)
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if options.readme:
        update_readme(options.readme, table)
    return 0 if all(t["pass"] for r in results for t in r["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
