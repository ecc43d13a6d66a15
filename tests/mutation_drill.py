"""The mutation drill: plant deliberate defects, one at a time, and check that a test notices.

Each defect is applied to a scratch copy of this repository (the files git tracks,
as they are in the working tree); then the tests that should notice run there. A
defect that leaves them green is a promise no test holds. Run it from the
repository's root, with the test requirements installed:

    .venv/bin/python tests/mutation_drill.py            # every defect
    .venv/bin/python tests/mutation_drill.py --baseline # first check each selection passes unchanged
    .venv/bin/python tests/mutation_drill.py cache-key  # only the defects named

It prints one line per defect and exits 1 if any was missed. It takes about 4
minutes on one core (more with --baseline). The README's test command runs it as one
test per defect (tests/test_mutation_drill.py), which pytest-xdist's workers share.
A defect counts as caught when its tests fail (pytest's exit code 1), not when pytest
cannot run them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "{{cookiecutter.project_slug}}/{{cookiecutter.host_slug}}"
SRC = HOST + "/src/{{cookiecutter.host_package}}"
# What both contracts share of contract.py: the API version check and the exit codes.
COMMON = "templates/contract_common.py.j2"
HOST_SUITE = "tests/test_install.py::test_generated_host_test_suite_passes"

# name -> (what the defect is, [(file, text to find, what to put instead)], the tests that must fail)
DEFECTS: dict[str, tuple[str, list[tuple[str, str, str]], list[str]]] = {
    "hook-injection": (
        "an answer pasted unescaped into a hook",
        [
            (
                "hooks/post_gen_project.py",
                "\nHOST = ",
                "\nAUTHOR = '''{{ cookiecutter.author_name }}'''\nHOST = ",
            )
        ],
        ["tests/test_hooks.py", "-k", "tojson or inject"],
    ),
    "reason-dropped": (
        "a reason dropped from an error message",
        [("hooks/pre_gen_project.py", 'return f"use {allowed}"', 'return "not allowed here"')],
        ["tests/test_hooks.py", "-k", "problems_name_the_variable"],
    ),
    "pruning-row": (
        "a pruning-table row removed",
        [("hooks/post_gen_project.py", '        HOST_PACKAGE + "/listing.py",\n', "")],
        ["tests/test_combinations.py", "-k", "exact_tree"],
    ),
    "table-only-jinja": (
        "a Jinja error in a combination that only the combination table bakes",
        [("templates/licenses/BSD-3-Clause.txt", "Redistribution and use", "{{ cookiecutter.no_such_answer.x }}")],
        ["tests/test_combinations.py"],
    ),
    "derived-default": (
        "a derived default that breaks validation",
        [
            (
                "cookiecutter.json",
                '"{{ cookiecutter.host_name | slugify }}"',
                "\"{{ cookiecutter.host_name | lower | replace(' ', '-') }}\"",
            )
        ],
        ["tests/test_hooks.py", "-k", "derived_defaults"],
    ),
    "bootstrap-answer": (
        "the plugin-only bootstrap command losing an answer",
        [("templates/bootstrap.j2", " discovery={{ cookiecutter.discovery }}", "")],
        ["tests/test_plugin_only.py", "-k", "earlier_host and namespace"],
    ),
    "toml-escaping": (
        "TOML strings that no longer escape quotes",
        [("hooks/extensions.py", "        if char in '\"\\\\':", "        if char in '\\\\':")],
        ["tests/test_answers_property.py", "-k", "toml or unusual"],
    ),
    "cache-key": (
        "sys.path dropped from the cache key",
        [
            (SRC + "/cache.py", "sys.version, _search_path(), depends_on)", "sys.version, depends_on)"),
            (SRC + "/cache.py", "marshal.dumps((sys.executable, _search_path()))", "marshal.dumps(sys.executable)"),
        ],
        [HOST_SUITE + "[entry-point]"],
    ),
    "isolation-narrowed": (
        "the isolation except narrowed",
        [
            (
                SRC + "/loading.py",
                "    except BaseException as exc:  # a plugin's code",
                "    except Exception as exc:  # a plugin's code",
            )
        ],
        [HOST_SUITE + "[entry-point]"],
    ),
    "api-check-skipped": (
        "the API-version check skipped",
        [(COMMON, "if api_version is not None and api_version != PLUGIN_API_VERSION:", "if False:")],
        [HOST_SUITE + "[naming-convention]"],
    ),
    "working-directory": (
        "the working directory left on sys.path",
        [(SRC + "/__main__.py", "    _drop_working_directory()\n", "")],
        [HOST_SUITE + "[naming-convention]"],
    ),
    "duplicates": (
        "duplicate detection removed",
        [(SRC + "/loading.py", "        if first is not found:", "        if False:")],
        [HOST_SUITE + "[entry-point]"],
    ),
    "fast-path": (
        "the CLI's fast path disagreeing with argparse",
        [(SRC + "/cli.py", "setattr(options, name, words)", "setattr(options, name, words[1:])")],
        [HOST_SUITE + "[entry-point]"],
    ),
    "exit-code": (
        "run() results outside 0-255 taken as exit codes",
        [(COMMON, "return code if 0 <= code <= 255 else None", "return code")],
        [HOST_SUITE + "[namespace-package]"],
    ),
    "namespace-init": (
        "a namespace __init__.py no longer detected",
        [
            (
                SRC + "/discovery_namespace_package.py",
                "    misplaced = _misplaced_inits(folders, owners)",
                "    misplaced: list[str] = []",
            )
        ],
        ["tests/test_install.py", "-k", "init_is_named"],
    ),
}


def scratch_copy(destination: Path) -> Path:
    """Copy the files git tracks, as they are in the working tree, to `destination`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def plant(copy: Path, edits: list[tuple[str, str, str]]) -> None:
    """Apply a defect's edits; each text to find must be there exactly once."""
    for name, old, new in edits:
        path = copy / name
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise SystemExit(f"stale drill: {name} has {text.count(old)} of {old!r}; update DEFECTS")
        path.write_text(text.replace(old, new), encoding="utf-8")


def run_tests(copy: Path, selection: list[str]) -> tuple[int, float]:
    """Run `selection` in `copy`; return pytest's exit code (0 passed, 1 some test failed, others:
    pytest could not run them), and how long it took."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}  # an outer pytest's
    env.setdefault("TEMPLATE_TEST_WHEELHOUSE", str(ROOT / ".pytest_cache" / "wheelhouse"))
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-n", "0", "-p", "no:cacheprovider", "-p", "no:randomly"]
    start = time.perf_counter()
    done = subprocess.run([*command, *selection], cwd=copy, env=env, capture_output=True, text=True, check=False)
    return done.returncode, time.perf_counter() - start


def catch(name: str, work: Path) -> tuple[bool, float]:
    """Plant defect `name` in a scratch copy under `work` and run its tests there; return
    whether they failed (caught it), and how long they took."""
    _, edits, selection = DEFECTS[name]
    copy = scratch_copy(work / name)
    plant(copy, edits)
    try:
        code, seconds = run_tests(copy, selection)
    finally:
        shutil.rmtree(copy)
    return code == 1, seconds


def main() -> int:
    """Plant each defect named (default: all) and report which ones no test caught."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="DEFECT", help=f"default: all of {', '.join(DEFECTS)}")
    parser.add_argument("--baseline", action="store_true", help="check each selection passes unchanged first")
    options = parser.parse_args()
    names = options.names or list(DEFECTS)
    unknown = [name for name in names if name not in DEFECTS]
    if unknown:
        parser.error(f"unknown defect {', '.join(unknown)}; choose from {', '.join(DEFECTS)}")
    missed = []
    with tempfile.TemporaryDirectory(prefix="mutation-drill-") as work:
        if options.baseline:
            pristine = scratch_copy(Path(work) / "pristine")
            for selection in {tuple(DEFECTS[name][2]) for name in names}:
                code, seconds = run_tests(pristine, list(selection))
                print(f"{'ok' if code == 0 else 'FAILS UNCHANGED':16} {seconds:6.1f} s  baseline {' '.join(selection)}")
                if code != 0:
                    return 2
        for name in names:
            caught, seconds = catch(name, Path(work))
            print(f"{'caught' if caught else 'MISSED':16} {seconds:6.1f} s  {name}: {DEFECTS[name][0]}", flush=True)
            if not caught:
                missed.append(name)
    print(
        f"{len(names) - len(missed)} of {len(names)} defects caught"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
