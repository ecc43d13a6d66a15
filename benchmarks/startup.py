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
import base64
import contextlib
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SLUG = "my-app"
PACKAGE = "my_app"
PLUGIN = "hello"
ENV_PREFIX = PACKAGE.upper()
CONTEXT = {"host_name": "My App", "plugin_name": PLUGIN, "scaffold": "host-and-plugin"}
COMMANDS = ("base", "cli", "run", "cold", "list", "seed")
RATIOS = (("run", "cli"), ("cold", "cli"), ("run", "base"), ("seed", "run"), ("cli", "base"))
TARGETS = {"run/cli": 1.2, "cli/base": 1.5}
FLAT_LIMIT = 1.15  # run/cli at the largest N over run/cli at the smallest
SETTLE_S = 2.5  # the host stores no cache while a watched folder changed < 2 s ago
GENERATOR = "v2"  # bump when the generated wheels change, to drop cached ones
TEMPLATE_PARTS = ("cookiecutter.json", "hooks", "templates", "{{cookiecutter.project_slug}}")
BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
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


@dataclass(frozen=True)
class Venv:
    """A virtual environment and the paths the benchmark uses in it."""

    root: Path
    installer: str = "runner"

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.root / BIN / f"python{EXE}"

    def script(self, name: str) -> Path:
        """A console script installed in the venv."""
        return self.root / BIN / f"{name}{EXE}"


def styles(template: Path = ROOT) -> list[str]:
    """Return the discovery styles that cookiecutter.json offers."""
    choices = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    return list(choices["discovery"])


def template_digest(template: Path) -> str:
    """Hash the files that shape the generated project, to key cached wheels."""
    digest = hashlib.sha256()
    for part in TEMPLATE_PARTS:
        base = template / part
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(template).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def snapshot(template: Path, work: Path) -> Path:
    """Copy the template's files into `work`, named by digest, and return the copy.

    Baking from the copy keeps one run on one version of the template even while
    someone edits it.
    """
    folder = work / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder, prefix="tmp-"))
    for part in TEMPLATE_PARTS:
        source = template / part
        if source.is_dir():
            shutil.copytree(source, staging / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, staging / part)
    final = folder / template_digest(staging)
    if final.exists():
        shutil.rmtree(staging)
    else:
        staging.rename(final)
    return final


def git_state(template: Path) -> dict[str, Any]:
    """Return the template's git commit and whether its work tree has changes."""
    try:
        commit = _check(["git", "-C", str(template), "rev-parse", "HEAD"]).strip()
        changes = _check(["git", "-C", str(template), "status", "--porcelain", "--", *TEMPLATE_PARTS])
    except (OSError, RuntimeError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(changes.strip())}


def _isolation_args(isolation: str) -> list[str]:
    """Return build's isolation flag: off when asked, or when hatchling is here."""
    off = isolation == "off" or (isolation == "auto" and importlib.util.find_spec("hatchling") is not None)
    return ["--no-isolation"] if off else []


def host_wheels(style: str, work: Path, phases: Phases, *, template: Path = ROOT, isolation: str = "auto") -> Path:
    """Return a folder with the host and example plugin wheels, baking and building if needed."""
    template = snapshot(template, work)
    out = work / "wheels" / f"{style}-{template.name}"
    if (out / "complete").exists():
        if not phases.quiet:
            print(f"  [bake, build] cached in {out}")
        return out
    from cookiecutter.main import cookiecutter

    shutil.rmtree(out, ignore_errors=True)
    baked = work / "baked" / style
    shutil.rmtree(baked, ignore_errors=True)
    baked.mkdir(parents=True)
    with phases("bake"):
        project = Path(
            cookiecutter(
                str(template),
                no_input=True,
                extra_context={**CONTEXT, "discovery": style},
                output_dir=str(baked),
            )
        )
    with phases("build"):
        for folder in (project / SLUG, project / f"{SLUG}-{PLUGIN}"):
            build = [sys.executable, "-m", "build", "--wheel", *_isolation_args(isolation)]
            _check([*build, "--outdir", str(out), str(folder)])
    (out / "complete").touch()
    return out


def _check(argv: Sequence[str | os.PathLike[str]], **kwargs: Any) -> str:
    """Run a command, returning its output; raise with the output if it fails."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode:
        command = " ".join(map(str, argv))
        raise RuntimeError(f"{command[:300]} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def _record_hash(data: bytes) -> str:
    """Return a RECORD hash field: urlsafe base64 sha256 without padding."""
    raw = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + raw.decode("ascii")


def write_wheel(path: Path, name: str, files: dict[str, str], entry_points: str = "", summary: str = "") -> None:
    """Write a pure-Python wheel with `files`, METADATA, WHEEL, RECORD and entry points."""
    stem = path.name.split("-", 2)
    info = f"{stem[0]}-{stem[1]}.dist-info"
    meta = {
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {stem[1]}\n"
            f"Summary: {summary or name}\nRequires-Python: >=3.8\n"
        ),
        f"{info}/WHEEL": ("Wheel-Version: 1.0\nGenerator: startup-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    }
    if entry_points:
        meta[f"{info}/entry_points.txt"] = entry_points
    contents = {name_: text.encode() for name_, text in {**files, **meta}.items()}
    record = [f"{n},{_record_hash(d)},{len(d)}" for n, d in contents.items()]
    contents[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,", ""]).encode()
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for name_, data in contents.items():
            archive.writestr(zipfile.ZipInfo(name_, (1980, 1, 1, 0, 0, 0)), data)
    temporary.replace(path)


def _plugin_source(name: str) -> str:
    """Return a plugin module's source, shaped like the template's plugin_module.py.j2."""
    return (
        f'"""The {name} benchmark plugin."""\n\nfrom __future__ import annotations\n\n'
        f"API_VERSION = 1\n\nSUMMARY = {f'Benchmark plugin {name}.'!r}\n\n\n"
        "def run(args: list[str]) -> int:\n"
        '    """Print the arguments and return 0."""\n'
        "    print(*args)\n    return 0\n"
    )


def unrelated_wheels(work: Path, count: int) -> list[Path]:
    """Return `count` wheels of unrelated distributions, writing the missing ones."""
    folder = work / f"crowd-{GENERATOR}" / "unrelated"
    folder.mkdir(parents=True, exist_ok=True)
    wheels = []
    for i in range(count):
        path = folder / f"unrelated_{i}-1.0-py3-none-any.whl"
        wheels.append(path)
        if path.exists():
            continue
        module = f"unrelated_{i}"
        source = f'"""Unrelated distribution {i}."""\n\n\ndef main() -> int:\n    return 0\n'
        if i % 4 == 0:  # a package with a submodule
            files = {f"{module}/__init__.py": source, f"{module}/core.py": "VALUE = 1\n"}
        else:
            files = {f"{module}.py": source}
        scripts = [f"unrelated-{i} = {module}:main"] if i % 3 == 0 else []
        if i % 10 == 0:
            scripts.append(f"unrelated-{i}-admin = {module}:main")
        entry_points = "[console_scripts]\n" + "\n".join(scripts) + "\n" if scripts else ""
        write_wheel(path, f"unrelated-{i}", files, entry_points)
    return wheels


def plugin_wheels(style: str, work: Path, count: int) -> list[Path]:
    """Return `count` wheels of extra plugins of `style`, writing the missing ones."""
    folder = work / f"crowd-{GENERATOR}" / style
    folder.mkdir(parents=True, exist_ok=True)
    wheels = []
    for i in range(count):
        entry_points = ""
        if style == "entry-point":
            name, module = f"bench-plugin-{i}", f"bench_plugin_{i}"
            files = {f"{module}.py": _plugin_source(f"p{i}")}
            entry_points = f"[{PACKAGE}.plugins.v1]\np{i} = {module}\n"
        elif style == "naming-convention":
            name = f"{SLUG}-p{i}"
            files = {f"{PACKAGE}_p{i}.py": _plugin_source(f"p{i}")}
        elif style == "namespace-package":
            name = f"{SLUG}-p{i}"
            files = {f"{PACKAGE}/plugins/p{i}.py": _plugin_source(f"p{i}")}
        else:
            raise ValueError(f"unknown discovery style {style!r}")
        path = folder / f"{name.replace('-', '_')}-1.0-py3-none-any.whl"
        wheels.append(path)
        if not path.exists():
            write_wheel(path, name, files, entry_points, f"Benchmark plugin p{i}.")
    return wheels


def create_venv(path: Path, python: str, wheels: Path, installer: str = "runner") -> Venv:
    """Create a fresh venv at `path` with the host and example plugin from `wheels`.

    `installer` "venv" installs with the pip that ``python -m venv`` put in the venv;
    "runner" with this interpreter's pip (``pip --python``), usually newer. The
    console scripts differ: pip before 25.2 writes ones that ``import re``, which
    adds ~3 ms to every start of ``my-app``.
    """
    shutil.rmtree(path, ignore_errors=True)
    _check([python, "-m", "venv", str(path)])
    venv = Venv(path, installer)
    pip_install(venv, ["--find-links", str(wheels), SLUG, f"{SLUG}-{PLUGIN}"])
    return venv


def pip_install(venv: Venv, args: Sequence[str | os.PathLike[str]]) -> float:
    """Install offline with the venv's installer; return the time.time() when it ended."""
    if args:
        _check([*pip_command(venv), "install", "--no-index", "--no-input", "-q", *args])
    return time.time()


def pip_command(venv: Venv) -> list[str | os.PathLike[str]]:
    """Return the pip command line that installs into `venv`."""
    if venv.installer == "venv":
        pip: list[str | os.PathLike[str]] = [venv.python, "-m", "pip"]
    else:
        pip = [sys.executable, "-m", "pip", "--python", venv.python]
    return [*pip, "--disable-pip-version-check"]


def settle(installed_at: float) -> None:
    """Wait until the last install is old enough for the host to cache discovery."""
    time.sleep(max(0.0, installed_at + SETTLE_S - time.time()))


def command_lines(venv: Venv, style: str, expected: int) -> dict[str, list[str]]:
    """Return the timed commands by name."""
    seed = SEEDS[style].format(
        group=f"{PACKAGE}.plugins.v1", prefix=f"{PACKAGE}_", namespace=f"{PACKAGE}.plugins"
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
    """Return a clean environment with the host's cache in `cache_home`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", f"{ENV_PREFIX}_")) and key != "VIRTUAL_ENV"
    }
    env["XDG_CACHE_HOME"] = str(cache_home)
    return env


def time_rounds(
    commands: dict[str, list[str]], rounds: int, env: dict[str, str], cwd: Path, cold: Path
) -> dict[str, list[float]]:
    """Time each command once per round, in a rotated order; return milliseconds.

    ``cold`` runs with a cache folder of its own in `cold`, new each round, so that
    every sample is a first start: it discovers and writes the cache.
    """
    names = list(commands)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            envs = env
            if name == "cold":
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
    """Return the host's cache files (any format, not temporary ones) and their st_mtime_ns."""
    folder = cache_home / SLUG
    files = folder.glob("plugins-*") if folder.is_dir() else []
    return {path.name: path.stat().st_mtime_ns for path in files if path.suffix != ".tmp"}


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

    ``ratios`` divide medians; ``paired_ratios`` are the medians of the per-round
    ratios, which drift less when other work loads the machine.
    """
    median = {name: round(statistics.median(values), 3) for name, values in samples.items()}
    ratios = {f"{a}/{b}": median[a] / median[b] for a, b in RATIOS}
    paired = {
        f"{a}/{b}": statistics.median(x / y for x, y in zip(samples[a], samples[b], strict=True)) for a, b in RATIOS
    }
    return {
        "median_ms": median,
        "min_ms": {name: round(min(values), 3) for name, values in samples.items()},
        "ratios": {name: round(value, 3) for name, value in ratios.items()},
        "paired_ratios": {name: round(value, 3) for name, value in paired.items()},
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
) -> Venv:
    """Return a fresh venv in `label` with the host and its example plugin installed."""
    wheels = host_wheels(style, work, phases, template=template, isolation=isolation)
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
    quiet: bool = False,
) -> dict[str, Any]:
    """Benchmark one style in a fresh venv crowded with `unrelated` and `plugins` extra dists.

    Returns medians (``median_ms``), ``ratios``, ``targets`` and per-phase seconds.
    """
    phases = Phases(quiet=quiet)
    work = Path(work).resolve()
    label = work / "runs" / f"{style}-n{unrelated}-m{plugins}"
    venv = _host_venv(style, work, label, phases, template, python, isolation, installer)
    with phases("crowd", f"{unrelated} unrelated + {plugins} plugins: "):
        crowd = unrelated_wheels(work, unrelated) + plugin_wheels(style, work, plugins)
        installed_at = pip_install(venv, ["--no-deps", *crowd])
    with phases("settle"):
        settle(installed_at)
    result = _timed_state(venv, style, plugins + 1, rounds, label, phases)
    settings = {"style": style, "unrelated": unrelated, "plugins": plugins, "rounds": rounds}
    settings["pip"] = _check([*pip_command(venv), "--version"]).split(" from ")[0]
    return {**settings, **result, "phases_s": phases.seconds, "venv": str(venv.root)}


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
) -> dict[str, Any]:
    """Time one venv per style as unrelated distributions are added step by step."""
    phases = Phases()
    work = Path(work).resolve()
    label = work / "runs" / f"{style}-growth-m{plugins}"
    venv = _host_venv(style, work, label, phases, template, python, isolation, installer)
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


def _mark(passed: bool) -> str:
    """Return PASS or FAIL."""
    return "PASS" if passed else "FAIL"


def print_result(result: dict[str, Any]) -> None:
    """Print one style's medians, ratios and targets."""
    print(
        f"\n== {result['style']}: N={result['unrelated']} unrelated, "
        f"M={result['plugins']} plugins, {result['rounds']} rounds "
        f"(plugins found: {result['discovered']}, cache stable: {result['cache_stable']}, "
        f"cold starts cached: {result['cold_cached']}, "
        f"{result['pip']}, load {result['loadavg'][0]} -> {result['loadavg'][1]})"
    )
    print(f"  {'command':<8} {'median ms':>10} {'min ms':>8}")
    for name in COMMANDS:
        print(f"  {name:<8} {result['median_ms'][name]:>10.1f} {result['min_ms'][name]:>8.1f}")
    checks = {name.split("<=")[0]: (name, check) for name, check in result["targets"].items()}
    print(f"  {'ratio':<12} {'value':>6} {'paired':>7}  target")
    for name, value in result["ratios"].items():
        target = checks.get(name)
        verdict = f"{target[0]}  {_mark(target[1]['pass'])}" if target else ""
        print(f"  {name:<12} {value:>6.2f} {result['paired_ratios'][name]:>7.2f}  {verdict}")


def print_growth(result: dict[str, Any]) -> None:
    """Print one style's growth series."""
    steps = result["steps"]
    print(f"\n== growth {result['style']} (M={result['plugins']}): N unrelated distributions")
    print("  " + f"{'':<16}" + "".join(f"{'N=' + str(s['unrelated']):>9}" for s in steps))
    for name in COMMANDS:
        values = "".join(f"{s['median_ms'][name]:>9.1f}" for s in steps)
        print(f"  {name + ' ms':<16}{values}")
    for name in ("run/cli", "cold/cli", "cli/base"):
        print(f"  {name:<16}" + "".join(f"{s['ratios'][name]:>9.2f}" for s in steps))
        paired = "".join(f"{s['paired_ratios'][name]:>9.2f}" for s in steps)
        print(f"  {name + ' paired':<16}{paired}")
    print(f"  {'load':<16}" + "".join(f"{s['loadavg'][0]:>9}" for s in steps))
    flat = result["flat"]
    print(
        f"  run/cli at N={flat['to_n']} / at N={flat['from_n']} = {flat['value']:.2f} "
        f"(<= {flat['limit']})  {_mark(flat['pass'])}"
    )


def print_summary(results: dict[str, Any], growths: dict[str, Any]) -> None:
    """Print one line per style with the main medians and the pass/fail columns."""
    print("\n== summary (median ms)")
    header = "".join(f"{name:>9}" for name in COMMANDS)
    print(f"  {'style':<19}{header}  run/cli<=1.2  cold/cli  cli/base<=1.5  flat run/cli")
    for style, result in results.items():
        values = "".join(f"{result['median_ms'][name]:>9.1f}" for name in COMMANDS)
        targets = result["targets"]
        run_cli, cli_base = targets["run/cli<=1.2"], targets["cli/base<=1.5"]
        flat = growths.get(style, {}).get("flat")
        flat_text = f"{flat['value']:.2f} {_mark(flat['pass'])}" if flat else "-"
        print(
            f"  {style:<19}{values}  {run_cli['value']:.2f} {_mark(run_cli['pass']):<7}"
            f"{result['ratios']['cold/cli']:>8.2f}  "
            f"{cli_base['value']:.2f} {_mark(cli_base['pass']):<8}  {flat_text}"
        )


README_START = "<!-- benchmark: written by benchmarks/startup.py --readme -->"
README_END = "<!-- benchmark: end -->"


def markdown(report: dict[str, Any]) -> str:
    """Return the README's benchmark block for `report`: the settings and two tables."""
    settings, machine, results = report["settings"], report["machine"], report["results"]
    first = next(iter(results.values()))
    python = machine["python"].split()[0]
    lines = [
        f"Run on {report['date']}, on a {machine['cpu_count']}-core {machine['machine']} machine "
        f"({machine['cpu_model']}, {machine['platform'].split('-')[0]}, CPython {python}, {first['pip']}), "
        f"load average {first['loadavg'][0]}, N={settings['unrelated']}, M={settings['plugins']}, "
        f"{settings['rounds']} rounds; medians in ms, so read the ratios rather than the times:",
        "",
        "| style | " + " | ".join(COMMANDS) + " | run/cli (target ≤ 1.2) | cold/cli | cli/base (≤ 1.5) "
        "| run/base | seed/run |",
        "| --- |" + " --- |" * (len(COMMANDS) + 5),
    ]
    for style, result in results.items():
        times = [f"{result['median_ms'][name]:.1f}" for name in COMMANDS]
        ratios = [f"{result['ratios'][name]:.2f}" for name in ("run/cli", "cold/cli", "cli/base", "run/base")]
        lines.append(f"| {style} | " + " | ".join([*times, *ratios, f"{result['ratios']['seed/run']:.1f}"]) + " |")
    growths = report["growth"]
    if growths:
        steps = " / ".join(str(step["unrelated"]) for step in next(iter(growths.values()))["steps"])
        columns = (("run", "ms"), ("run/cli", "ratio"), ("cold", "ms"), ("cold/cli", "ratio"))
        lines += [
            "",
            f"How `run` grows with the environment (M={settings['plugins']}; N unrelated distributions):",
            "",
            "| style | " + " | ".join(f"{name}{' ms' * (kind == 'ms')}, N = {steps}" for name, kind in columns) + " |",
            "| --- |" + " --- |" * len(columns),
        ]
        for style, series in growths.items():
            cells = [
                " / ".join(
                    f"{step['median_ms'][name]:.1f}" if kind == "ms" else f"{step['ratios'][name]:.2f}"
                    for step in series["steps"]
                )
                for name, kind in columns
            ]
            lines.append(f"| {style} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, block: str) -> None:
    """Replace the text between the benchmark markers in `readme` with `block`."""
    text = readme.read_text(encoding="utf-8")
    head, start, rest = text.partition(README_START)
    _, end, tail = rest.partition(README_END)
    if not (start and end):
        raise SystemExit(f"error: {readme} has no {README_START} ... {README_END} block")
    readme.write_text(f"{head}{start}\n{block}{end}{tail}", encoding="utf-8")


def _steps(text: str) -> list[int]:
    """Parse a comma-separated list of counts; empty means none."""
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styles", nargs="+", metavar="STYLE", help="default: all in cookiecutter.json")
    parser.add_argument("--unrelated", type=int, default=300, metavar="N", help="default: 300")
    parser.add_argument("--plugins", type=int, default=50, metavar="M", help="default: 50")
    parser.add_argument("--rounds", type=int, default=31, metavar="R", help="default: 31")
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
