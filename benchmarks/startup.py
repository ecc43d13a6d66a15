#!/usr/bin/env python3
"""Start-up benchmark of the plugin host that the template generates.

For each discovery style the script bakes the template, builds and installs the
host and its example plugin in a fresh venv, crowds that venv with unrelated
distributions and extra plugins (tiny wheels written here, installed by pip), and
times whole processes: ``import my_app``, ``my-app --version``, ``my-app run hello``
(warm: its discovery cached), ``run`` cold (an empty cache folder each round, which
the start fills), ``my-app plugins`` and the PyPA guide's discovery snippet for the
style. A growth series then adds unrelated distributions to one venv per style to
show how ``run`` scales.

Usage::

    python benchmarks/startup.py [--styles S ...] [--unrelated N] [--plugins M]
        [--rounds R] [--growth 0,300,1000] [--json PATH] [--work DIR]
        [--installer runner|venv] [--isolation auto|on|off] [--no-importtime]
        [--readme README.md]

Tests can call :func:`measure` with small numbers and assert on its ``ratios``.
Only the standard library, cookiecutter and build are needed. Nothing is fetched
except, when hatchling is not importable here, hatchling for an isolated build.
Built wheels are cached in the work folder, keyed by a digest of the template.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Run as a script, or loaded from a file by the tests: this folder's modules and the
# helpers it shares with the tests (tests/helpers.py) are imported from beside it.
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(folder) for folder in (HERE, HERE.parent / "tests") if str(folder) not in sys.path]

import helpers  # noqa: E402
from helpers import PACKAGE, PLUGIN, ROOT, SLUG, TEMPLATE_PARTS, entry_point_group, styles  # noqa: E402
from report import (  # noqa: E402
    FLAT_LIMIT,
    RATIOS,
    TARGETS,
    markdown,
    print_growth,
    print_result,
    print_summary,
    update_readme,
)
from wheels import answers_label, host_wheels, plugin_wheels, snapshot, unrelated_wheels  # noqa: E402

SETTLE_S = helpers.HOST_SETTLE_S + 0.5  # the host stores no cache while a watched folder changed < 2 s ago
DEFAULT_WORK = Path(tempfile.gettempdir()) / "plugin-host-startup-bench"
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"

SEEDS = {
    "entry-point": (
        "from importlib.metadata import entry_points\n"
        "plugins = {{ep.name: ep.load() for ep in entry_points(group={group!r})}}\n"
    ),
    "naming-convention": (
        "import importlib, pkgutil\n"
        "plugins = {{name: importlib.import_module(name)\n"
        "    for finder, name, ispkg in pkgutil.iter_modules() if name.startswith({prefix!r})}}\n"
    ),
    "namespace-package": (
        "import importlib, pkgutil\n"
        "import {namespace}\n"
        "def iter_namespace(ns_pkg):\n"
        "    return pkgutil.iter_modules(ns_pkg.__path__, ns_pkg.__name__ + '.')\n"
        "plugins = {{name: importlib.import_module(name)\n"
        "    for finder, name, ispkg in iter_namespace({namespace})}}\n"
    ),
}
SEED_CHECK = "if len(plugins) != {expected}: raise SystemExit(f'seed found {{len(plugins)}}')\n"


@dataclass
class Phases:
    """Wall time spent per phase, printed as each phase ends."""

    seconds: dict[str, float] = field(default_factory=dict)
    quiet: bool = False

    @contextlib.contextmanager
    def __call__(self, name: str, label: str = "") -> Iterator[None]:
        """Time the block as phase `name`."""
        start = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - start
            self.seconds[name] = round(self.seconds.get(name, 0.0) + spent, 3)
            if not self.quiet:
                print(f"  [{name}] {label}{spent:.1f} s", flush=True)


class Venv(helpers.Venv):
    """A virtual environment, and the pip that installs into it."""

    def __init__(self, path: Path, installer: str = "runner") -> None:
        super().__init__(path)
        self.installer = installer


def git_state(template: Path) -> dict[str, Any]:
    """Return the template's git commit and whether its work tree has changes."""
    try:
        commit = _check(["git", "-C", str(template), "rev-parse", "HEAD"]).strip()
        changes = _check(["git", "-C", str(template), "status", "--porcelain", "--", *TEMPLATE_PARTS])
    except (OSError, RuntimeError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(changes.strip())}


def _check(argv: Sequence[str | os.PathLike[str]], **kwargs: Any) -> str:
    """Run a command, returning its output; raise with the output if it fails."""
    return helpers.run(argv, **kwargs).stdout


def create_venv(path: Path, python: str, wheels: list[Path], installer: str = "runner") -> Venv:
    """Create a fresh venv at `path` with the host and example plugin `wheels`.

    `installer` "venv" installs with the pip that ``python -m venv`` put in the venv;
    "runner" with this interpreter's pip (``pip --python``), usually newer. The
    console scripts differ: pip before 25.2 writes ones that ``import re``, which
    adds ~3 ms to every start of ``my-app``.
    """
    shutil.rmtree(path, ignore_errors=True)
    Venv.create(path, python)
    venv = Venv(path, installer)
    pip_install(venv, wheels)
    return venv


def pip_install(venv: Venv, args: Sequence[str | os.PathLike[str]]) -> float:
    """Install offline with the venv's installer; return the time.time() when it ended."""
    if args:
        _check([*pip_command(venv), "install", "--no-index", "--no-input", "-q", *args])
    return time.time()


def pip_command(venv: Venv) -> list[str | os.PathLike[str]]:
    """Return the pip command line that installs into `venv`."""
    if venv.installer == "venv":
        return [venv.python, "-m", "pip", "--disable-pip-version-check"]
    return [*venv.pip_command()]


def settle(installed_at: float) -> None:
    """Wait until the last install is old enough for the host to cache discovery."""
    time.sleep(max(0.0, installed_at + SETTLE_S - time.time()))


def command_lines(venv: Venv, style: str, expected: int) -> dict[str, list[str]]:
    """Return the timed commands by name."""
    seed = SEEDS[style].format(
        group=entry_point_group(PACKAGE), prefix=f"{PACKAGE}_", namespace=f"{PACKAGE}.plugins"
    ) + SEED_CHECK.format(expected=expected)
    app, python = str(venv.script(SLUG)), str(venv.python)
    return {
        "base": [python, "-c", f"import {PACKAGE}"],
        "cli": [app, "--version"],
        "run": [app, "run", PLUGIN],
        "list": [app, "plugins"],
        "seed": [python, "-c", seed],
        "cold": [app, "run", PLUGIN],  # with an empty cache folder: see time_rounds
    }


def _environment(cache_home: Path) -> dict[str, str]:
    """Return a clean environment (no PYTHON* variable, no switch of the host) with the host's
    cache in `cache_home`."""
    return helpers.host_environment(cache_home, every_python=True)


def time_rounds(
    commands: dict[str, list[str]], rounds: int, env: dict[str, str], cwd: Path, cold: Path
) -> dict[str, list[float]]:
    """Time each command once per round, in a rotated order; return milliseconds.

    A command named ``cold...`` runs with a cache folder of its own in `cold`, new each
    round, so that every sample is a first start: it discovers and writes the cache.
    """
    names = list(commands)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            envs = env
            if name.startswith("cold"):
                cold.mkdir(parents=True, exist_ok=True)
                envs = {**env, "XDG_CACHE_HOME": tempfile.mkdtemp(dir=cold, prefix="round-")}
            start = time.perf_counter_ns()
            code = subprocess.call(
                commands[name],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=envs,
                cwd=cwd,
            )
            samples[name].append((time.perf_counter_ns() - start) / 1e6)
            if code:
                raise RuntimeError(f"{name}: {' '.join(commands[name])[:200]} exited {code}")
    return samples


def _cache_files(cache_home: Path) -> dict[str, int]:
    """Return the host's cache files and their st_mtime_ns."""
    return {path.name: path.stat().st_mtime_ns for path in helpers.cache_files(cache_home, SLUG)}


def _warm_up(
    venv: Venv, commands: dict[str, list[str]], env: dict[str, str], cwd: Path, cold: Path, expected: int
) -> int:
    """Run one round, check the cache got written, and return the plugins `list` sees."""
    for attempt in range(3):
        time_rounds(commands, 1, env, cwd, cold)
        if _cache_files(Path(env["XDG_CACHE_HOME"])):
            break
        if attempt < 2:
            time.sleep(SETTLE_S)  # something changed a watched folder: settle again
    else:
        print("  warning: the host wrote no discovery cache; `run` is timed on a cache miss")
    output = _check([str(venv.script(SLUG)), "plugins", "--json"], env=env, cwd=cwd)
    reports = json.loads(output)
    found = sum(1 for report in reports if report["status"] == "ok")
    if found != expected:
        raise RuntimeError(f"the host found {found} working plugins, expected {expected}")
    return found


def summarize(samples: dict[str, list[float]]) -> dict[str, Any]:
    """Return medians, minima, ratios and target checks for one set of samples.

    ``ratios`` are the medians of the per-round ratios: both commands of a ratio ran in
    the same round, so the machine's load, which drifts from round to round, cancels out.
    On a shared 2-core machine they spread 2-3 times less from run to run than ratios
    of the medians, which ``ratios_of_medians`` holds.
    """
    median = {name: round(statistics.median(values), 3) for name, values in samples.items()}
    of_medians = {f"{a}/{b}": median[a] / median[b] for a, b in RATIOS}
    ratios = {
        f"{a}/{b}": statistics.median(x / y for x, y in zip(samples[a], samples[b], strict=True)) for a, b in RATIOS
    }
    return {
        "median_ms": median,
        "min_ms": {name: round(min(values), 3) for name, values in samples.items()},
        "ratios": {name: round(value, 3) for name, value in ratios.items()},
        "ratios_of_medians": {name: round(value, 3) for name, value in of_medians.items()},
        "targets": {
            f"{name}<={limit}": {"value": round(ratios[name], 3), "pass": ratios[name] <= limit}
            for name, limit in TARGETS.items()
        },
    }


def _load() -> float | None:
    """Return the 1-minute load average, where the system has one."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _timed_state(venv: Venv, style: str, expected: int, rounds: int, label: Path, phases: Phases) -> dict[str, Any]:
    """Warm up and time every command in `venv` as it is now."""
    cache_home, cold = label / "xdg", label / "xdg-cold"
    shutil.rmtree(cache_home, ignore_errors=True)
    shutil.rmtree(cold, ignore_errors=True)
    cwd = label / "cwd"
    cwd.mkdir(parents=True, exist_ok=True)
    env = _environment(cache_home)
    commands = command_lines(venv, style, expected)
    with phases("timing", f"{rounds} rounds: "):
        discovered = _warm_up(venv, commands, env, cwd, cold, expected)
        before = _cache_files(cache_home)
        load = _load()
        samples = time_rounds(commands, rounds, env, cwd, cold)
        stable = bool(before) and _cache_files(cache_home) == before
    # Every cold start wrote the cache: it timed a first start, not a start that cannot cache.
    cold_cached = all(_cache_files(folder) for folder in cold.iterdir())
    return {
        **summarize(samples),
        "discovered": discovered,
        "cache_stable": stable,
        "cold_cached": cold_cached,
        "loadavg": [load, _load()],
        "samples_ms": {name: [round(v, 3) for v in values] for name, values in samples.items()},
    }


def _host_venv(
    style: str,
    work: Path,
    label: Path,
    phases: Phases,
    template: Path,
    python: str,
    isolation: str,
    installer: str,
    answers: dict[str, str],
) -> Venv:
    """Return a fresh venv in `label` with the host and its example plugin installed."""
    with phases("bake, build"):
        wheels = host_wheels(style, work, template=template, isolation=isolation, answers=answers)
    with phases("install", "venv + host + hello: "):
        return create_venv(label / "venv", python, wheels, installer)


def measure(
    style: str,
    unrelated: int,
    plugins: int,
    rounds: int,
    work: Path,
    *,
    template: Path = ROOT,
    python: str = sys.executable,
    isolation: str = "auto",
    installer: str = "runner",
    answers: dict[str, str] | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Benchmark one style in a fresh venv crowded with `unrelated` and `plugins` extra dists.

    Returns medians (``median_ms``), ``ratios``, ``targets`` and per-phase seconds.
    """
    phases = Phases(quiet=quiet)
    work = Path(work).resolve()
    answers = answers or {}
    label = work / "runs" / f"{style}-n{unrelated}-m{plugins}{answers_label(answers)}"
    venv = _host_venv(style, work, label, phases, template, python, isolation, installer, answers)
    with phases("crowd", f"{unrelated} unrelated + {plugins} plugins: "):
        crowd = unrelated_wheels(work, unrelated) + plugin_wheels(style, work, plugins)
        installed_at = pip_install(venv, ["--no-deps", *crowd])
    with phases("settle"):
        settle(installed_at)
    result = _timed_state(venv, style, plugins + 1, rounds, label, phases)
    settings = {"style": style, "unrelated": unrelated, "plugins": plugins, "rounds": rounds, "answers": answers}
    settings["pip"] = _check([*pip_command(venv), "--version"]).split(" from ")[0]
    return {**settings, **result, "phases_s": phases.seconds, "venv": str(venv.path)}


def growth(
    style: str,
    steps: Sequence[int],
    plugins: int,
    rounds: int,
    work: Path,
    *,
    template: Path = ROOT,
    python: str = sys.executable,
    isolation: str = "auto",
    installer: str = "runner",
    answers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Time one venv per style as unrelated distributions are added step by step."""
    phases = Phases()
    work = Path(work).resolve()
    answers = answers or {}
    label = work / "runs" / f"{style}-growth-m{plugins}{answers_label(answers)}"
    venv = _host_venv(style, work, label, phases, template, python, isolation, installer, answers)
    with phases("crowd", f"{plugins} plugins: "):
        installed_at = pip_install(venv, ["--no-deps", *plugin_wheels(style, work, plugins)])
    results = []
    have = 0
    for step in sorted(set(steps)):
        if step > have:
            with phases("crowd", f"+{step - have} unrelated (N={step}): "):
                added = unrelated_wheels(work, step)[have:]
                installed_at = pip_install(venv, ["--no-deps", *added])
            have = step
        with phases("settle"):
            settle(installed_at)
        state = _timed_state(venv, style, plugins + 1, rounds, label, phases)
        results.append({"unrelated": step, **state})
    first, last = results[0]["ratios"]["run/cli"], results[-1]["ratios"]["run/cli"]
    flat = {
        "from_n": results[0]["unrelated"],
        "to_n": results[-1]["unrelated"],
        "value": round(last / first, 3),
        "limit": FLAT_LIMIT,
        "pass": last / first <= FLAT_LIMIT,
    }
    return {
        "style": style,
        "plugins": plugins,
        "steps": results,
        "flat": flat,
        "phases_s": phases.seconds,
    }


def import_profile(venv: Venv, work: Path, runs: int = 5) -> dict[str, Any]:
    """Compare ``-X importtime`` of ``--version`` and ``run``: what run imports on top.

    Each module's self time is the minimum over `runs` runs, in milliseconds.
    """
    cache_home = work / "xdg-importtime"
    env, cwd = _environment(cache_home), work / "cwd-importtime"
    cwd.mkdir(parents=True, exist_ok=True)
    app = str(venv.script(SLUG))
    profiles: dict[str, dict[str, float]] = {}
    for name, args in (("cli", ["--version"]), ("run", ["run", PLUGIN])):
        best: dict[str, float] = {}
        for index in range(runs + 1):
            done = subprocess.run(
                [str(venv.python), "-X", "importtime", app, *args],
                capture_output=True,
                text=True,
                env=env,
                cwd=cwd,
                check=True,
            )
            if index == 0:
                continue  # the first run fills the discovery cache
            for line in done.stderr.splitlines():
                if line.startswith("import time:") and "|" in line and "self [us]" not in line:
                    own, _, module = line[len("import time:") :].split("|")
                    value = int(own) / 1000
                    key = module.strip()
                    best[key] = min(best.get(key, value), value)
        profiles[name] = best
    extra = {m: t for m, t in profiles["run"].items() if m not in profiles["cli"]}
    top = sorted(extra.items(), key=lambda item: -item[1])[:12]
    return {
        "cli_self_ms": round(sum(profiles["cli"].values()), 3),
        "run_self_ms": round(sum(profiles["run"].values()), 3),
        "run_extra_self_ms": round(sum(extra.values()), 3),
        "run_extra_modules": len(extra),
        "run_extra_top": [[module, round(ms, 3)] for module, ms in top],
        "cli_top": [
            [module, round(ms, 3)] for module, ms in sorted(profiles["cli"].items(), key=lambda item: -item[1])[:12]
        ],
    }


def machine_info(python: str) -> dict[str, Any]:
    """Describe the machine and interpreters."""
    cpu = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    target = _check([python, "-c", "import sys; print(sys.version)"]).strip()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": target,
        "runner_python": sys.version,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu or platform.processor() or None,
    }


def _steps(text: str) -> list[int]:
    """Parse a comma-separated list of counts; empty means none."""
    return [int(part) for part in text.split(",") if part.strip()]


def _answers(text: str) -> dict[str, str]:
    """Parse ``key=value,key=value``."""
    pairs = [item.partition("=") for item in text.split(",") if item]
    if any(not key or not sep for key, sep, _ in pairs):
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE,..., not {text!r}")
    return {key: value for key, _, value in pairs}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styles", nargs="+", metavar="STYLE", help="default: all in cookiecutter.json")
    parser.add_argument("--unrelated", type=int, default=300, metavar="N", help="default: 300")
    parser.add_argument("--plugins", type=int, default=50, metavar="M", help="default: 50")
    parser.add_argument("--rounds", type=int, default=101, metavar="R", help="default: 101")
    parser.add_argument("--growth", type=_steps, default=[0, 300, 1000], metavar="N,N,...", help="'' to skip")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="PATH")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, metavar="DIR")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the venvs")
    parser.add_argument("--template", type=Path, default=ROOT, help="the cookiecutter template")
    parser.add_argument(
        "--isolation",
        choices=("auto", "on", "off"),
        default="auto",
        help="build isolation; auto: off when hatchling is importable",
    )
    parser.add_argument(
        "--installer",
        choices=("runner", "venv"),
        default="runner",
        help="pip to install with: this interpreter's (--python) or the venv's own",
    )
    parser.add_argument("--no-importtime", action="store_true", help="skip the import profile")
    parser.add_argument(
        "--answers",
        type=_answers,
        default={},
        metavar="KEY=VALUE,...",
        help="other answers to bake the host with, such as cache=no",
    )
    parser.add_argument(
        "--readme", type=Path, metavar="PATH", help="write the tables into this README, between its benchmark markers"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark for the chosen styles and write the JSON report."""
    options = parse_args(argv)
    start = time.perf_counter()
    template = options.template.resolve()
    chosen = options.styles or styles(template)
    unknown = set(chosen) - set(styles(template))
    if unknown:
        print(f"error: unknown styles {sorted(unknown)}; choose from {styles(template)}")
        return 2
    work = options.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    source = git_state(template)
    template = snapshot(template, work)
    kwargs: dict[str, Any] = {
        "template": template,
        "python": options.python,
        "isolation": options.isolation,
        "installer": options.installer,
        "answers": options.answers,
    }
    results: dict[str, Any] = {}
    growths: dict[str, Any] = {}
    profiles: dict[str, Any] = {}
    for style in chosen:
        print(f"\n### {style}", flush=True)
        results[style] = measure(style, options.unrelated, options.plugins, options.rounds, work, **kwargs)
        print_result(results[style])
        if not options.no_importtime:
            profiles[style] = import_profile(Venv(Path(results[style]["venv"])), work)
            extra = profiles[style]
            top = ", ".join(f"{m} {ms:.2f}" for m, ms in extra["run_extra_top"][:6])
            print(
                f"  importtime: run imports {extra['run_extra_modules']} modules beyond cli, "
                f"{extra['run_extra_self_ms']:.1f} ms self time: {top}"
            )
        if options.growth:
            growths[style] = growth(style, options.growth, options.plugins, options.rounds, work, **kwargs)
            print_growth(growths[style])
    print_summary(results, growths)
    total = time.perf_counter() - start
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "settings": {
            "styles": chosen,
            "unrelated": options.unrelated,
            "plugins": options.plugins,
            "rounds": options.rounds,
            "growth": options.growth,
            "work": str(work),
            "template": str(options.template.resolve()),
            "template_digest": template.name,
            "template_git": source,
            "isolation": options.isolation,
            "installer": options.installer,
            "answers": options.answers,
            "targets": {**TARGETS, "flat run/cli": FLAT_LIMIT},
        },
        "machine": machine_info(options.python),
        "results": results,
        "growth": growths,
        "importtime": profiles,
        "total_s": round(total, 1),
    }
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    block = markdown(report)
    print(f"\n== for the README\n\n{block}")
    if options.readme:
        update_readme(options.readme, block)
    print(f"total {total:.0f} s; wrote {options.json}" + (f" and {options.readme}" if options.readme else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
