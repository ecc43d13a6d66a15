"""Remove what the chosen answers do not use.

One table says, for each answer, which generated paths go. A path listed there
that does not exist stops generation with an error, so the template and this
table cannot drift apart unnoticed. Then it prints the next steps.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from pathlib import Path

HOST = "{host_slug}"
HOST_PACKAGE = HOST + "/src/{host_package}"
PLUGIN = "{plugin_project}"

# (variable, value) -> paths to remove, relative to the project root, in order.
PRUNE: dict[tuple[str, str], list[str]] = {
    ("discovery", "entry-point"): [
        HOST_PACKAGE + "/discovery_naming_convention.py",
        HOST_PACKAGE + "/discovery_namespace_package.py",
        PLUGIN + "/src/{host_package}",
    ],
    ("discovery", "naming-convention"): [
        HOST_PACKAGE + "/discovery_entry_point.py",
        HOST_PACKAGE + "/discovery_namespace_package.py",
        PLUGIN + "/src/{host_package}",
    ],
    ("discovery", "namespace-package"): [
        HOST_PACKAGE + "/discovery_entry_point.py",
        HOST_PACKAGE + "/discovery_naming_convention.py",
        PLUGIN + "/src/{plugin_module}",
    ],
    ("scaffold", "plugin-only"): [HOST, "README.md", "pyproject.toml"],
}

# (variable, value) -> a folder whose contents move up to the project root.
HOIST: dict[tuple[str, str], str] = {("scaffold", "plugin-only"): PLUGIN}


def paths(answers: dict[str, str]) -> tuple[list[str], str | None]:
    """Return the paths to remove and the folder to hoist, for these answers."""
    names = {key.lstrip("_"): value for key, value in answers.items() if isinstance(value, str)}
    chosen = [key for key in PRUNE if answers.get(key[0]) == key[1]]
    remove = [path.format(**names) for key in chosen for path in PRUNE[key]]
    hoist = next((HOIST[k].format(**names) for k in HOIST if answers.get(k[0]) == k[1]), None)
    return remove, hoist


def apply(root: Path, remove: list[str], hoist: str | None) -> None:
    """Remove `remove` under `root`, then move `hoist`'s contents up to `root`."""
    missing = [path for path in remove if not (root / path).exists()]
    if missing:
        raise LookupError(f"the pruning table names paths the template lacks: {', '.join(missing)}")
    for path in remove:
        target = root / path
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    if hoist:
        for item in sorted((root / hoist).iterdir()):
            item.rename(root / item.name)
        (root / hoist).rmdir()


# scaffold -> what was made, and the first commands to run in it.
NEXT_STEPS: dict[str, tuple[str, list[str]]] = {
    "host-and-plugin": (
        "the host {host_slug} and its example plugin {plugin_project} ({discovery} discovery)",
        [
            'pip install -e "./{host_slug}[test]" -e "./{plugin_project}[test]"',
            "{host_slug} plugins",
            "pytest {host_slug} && pytest {plugin_project}",
        ],
    ),
    "plugin-only": (
        "the {plugin_name} plugin for {host_slug}, as {project_slug}",
        ['pip install {host_source}-e ".[test]"', "{host_slug} plugins", "pytest"],
    ),
}


def next_steps(root: Path, answers: dict[str, str]) -> str:
    """Say what was made where, and the first commands to run."""
    names = {key.lstrip("_"): value for key, value in answers.items() if isinstance(value, str)}
    source = names.get("host_source", "")
    names["host_source"] = shlex.quote(source) + " " if source else ""
    made, commands = NEXT_STEPS[names["scaffold"]]
    lines = [f"cd {shlex.quote(str(root))}", "python -m venv .venv && . .venv/bin/activate"]
    lines += [command.format(**names) for command in commands]
    steps = "".join(f"\n  {line}" for line in lines)
    return f"Created {made.format(**names)} in {root}.\nNext steps (README.md says more):{steps}"


def main(answers: dict[str, str]) -> int:
    """Prune the generated project in the current directory, then say what to do next."""
    try:
        apply(Path.cwd(), *paths(answers))
    except (LookupError, OSError) as exc:
        print(f"error: post_gen_project: {exc}", file=sys.stderr)
        return 1
    print(next_steps(Path.cwd(), answers))
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}""")))
