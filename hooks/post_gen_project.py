"""Remove what the chosen answers do not use, start version control, say what next.

One table says, for each answer, which generated paths go. A path listed there
that does not exist stops generation with an error, so the template and this
table cannot drift apart unnoticed. A second table says which commands an answer
runs in the finished project (``git_init=yes``: a repository with a first commit);
they never fail the bake, which would delete it: a missing git or a failing
command leaves a one-line note instead. Then it prints the next steps.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

HOST = "{host_slug}"
HOST_PACKAGE = HOST + "/src/{host_package}"
PLUGIN = "{plugin_project}"

# (variable, value) -> paths to remove, relative to the project root, in order.
PRUNE: dict[tuple[str, str], list[str]] = {
    ("discovery", "entry-point"): [
        HOST_PACKAGE + "/listing.py",
        HOST_PACKAGE + "/discovery_naming_convention.py",
        HOST_PACKAGE + "/discovery_namespace_package.py",
        PLUGIN + "/src/{host_package}",
    ],
    ("discovery", "naming-convention"): [
        HOST_PACKAGE + "/discovery_entry_point.py",
        HOST_PACKAGE + "/metadata.py",
        HOST + "/tests/test_metadata.py",
        HOST_PACKAGE + "/discovery_namespace_package.py",
        PLUGIN + "/src/{host_package}",
    ],
    ("discovery", "namespace-package"): [
        HOST_PACKAGE + "/discovery_entry_point.py",
        HOST_PACKAGE + "/metadata.py",
        HOST + "/tests/test_metadata.py",
        HOST_PACKAGE + "/discovery_naming_convention.py",
        PLUGIN + "/src/{plugin_module}",
    ],
    ("contract", "command"): [HOST_PACKAGE + "/hookspecs.py", HOST_PACKAGE + "/registry.py"],
    ("scaffold", "plugin-only"): [HOST, "README.md", "pyproject.toml"],
    ("search", "no"): [HOST_PACKAGE + "/search.py", HOST + "/tests/test_search.py"],
    ("cache", "no"): [HOST_PACKAGE + "/cache.py", HOST + "/tests/test_cache.py"],
    ("install", "no"): [HOST_PACKAGE + "/install.py", HOST + "/tests/test_install_commands.py"],
    # Each tool keeps its own answers file: _tool is "copier" under copier (hooks/copier_context.py).
    ("_tool", "cookiecutter"): [".copier-answers.yml"],
    ("_tool", "copier"): [".cookiecutter.json"],
}

# (variable, value) -> a folder whose contents move up to the project root.
HOIST: dict[tuple[str, str], str] = {("scaffold", "plugin-only"): PLUGIN}


def paths(answers: dict[str, str]) -> tuple[list[str], str | None]:
    """Return the paths to remove and the folder to hoist, for these answers."""
    names = {key.lstrip("_"): value for key, value in answers.items() if isinstance(value, str)}
    chosen = [key for key in PRUNE if answers.get(key[0]) == key[1]]
    remove = [path.format(**names) for key in chosen for path in PRUNE[key]]
    # A path inside a folder that goes too is gone with it (search=no in a plugin-only bake).
    remove = [path for path in remove if not any(path.startswith(other + "/") for other in remove)]
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
        move_into(root / hoist, root)


def move_into(source: Path, target: Path) -> None:
    """Move `source`'s contents into `target`, then remove `source`.

    A folder that `target` has already is merged, and a file replaced: copier renders an
    update over the project, whose root holds the hoisted files from the first bake.
    """
    for item in sorted(source.iterdir()):
        if item.is_dir() and (target / item.name).is_dir():
            move_into(item, target / item.name)
        else:
            item.replace(target / item.name)
    source.rmdir()


# (variable, value) -> commands to run in the project root after pruning, in order.
COMMANDS: dict[tuple[str, str], list[list[str]]] = {
    ("git_init", "yes"): [
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "Generate {project_slug} from the template"],
    ],
}
# (variable, value) -> what the commands made, said after the bake.
DONE: dict[tuple[str, str], str] = {
    ("git_init", "yes"): "Started a git repository in {root} with everything generated as its first commit.",
}
# What marks a render that is not a new project of the user's: cruft renders into
# temporary folders, twice per update, and writes .cruft.json after `cruft create`;
# copier renders an update three times (the old and new versions in temporary folders,
# then over the project). There the hook only prunes: it runs nothing and says nothing.
RENDERED_BY_CRUFT = "_commit"
COPIER_UPDATE = ("_copier_operation", "update")


def only_prune(answers: dict[str, str]) -> bool:
    """Tell whether this render is one of cruft's or a copier update's, not a new project."""
    return RENDERED_BY_CRUFT in answers or answers.get(COPIER_UPDATE[0]) == COPIER_UPDATE[1]


# git config key -> the answer git uses for it when the user has not set it.
IDENTITY = {"user.name": "author_name", "user.email": "author_email"}


def identity(names: dict[str, str]) -> list[str]:
    """Return git options for the identity git lacks here (the author's), if any."""
    options = []
    for key, answer in IDENTITY.items():
        known = subprocess.run(["git", "config", "--get", key], capture_output=True, text=True, check=False)
        if known.returncode != 0 or not known.stdout.strip():
            options += ["-c", f"{key}={names[answer]}"]
    return options


# host_source as a folder: absolute, or read from the new project's folder (the twin of
# hooks/extensions.py's LOCAL_FOLDER: a hook runs as a copy, and cannot import it).
LOCAL_PATH = re.compile(r"[A-Za-z]:/|\.{0,2}/")


def host_source_note(answers: dict[str, str]) -> list[str]:
    """Warn when a new plugin's host_source is a folder that holds no project, seen from here.

    A warning, not a refusal: cruft, copier and --replay render the same answers again
    in other folders, where the path need not resolve.
    """
    source = answers.get("host_source", "")
    if answers.get("scaffold") != "plugin-only" or not LOCAL_PATH.match(source):
        return []
    if any((Path.cwd() / source / name).is_file() for name in ("pyproject.toml", "setup.py")):
        return []
    return [
        f"note: host_source={source!r} holds no Python project seen from {Path.cwd()}: install the host "
        "from its folder before this plugin, or bake it again in the folder the host's README names."
    ]


def run_commands(answers: dict[str, str]) -> list[str]:
    """Run the commands the answers ask for, in the current directory; return what to tell."""
    chosen = [key for key in COMMANDS if answers.get(key[0]) == key[1]]
    names = {key.lstrip("_"): value for key, value in answers.items() if isinstance(value, str)}
    names["root"] = str(Path.cwd())
    told = []
    for key in chosen:
        for command in COMMANDS[key]:
            words = [word.format(**names) for word in command]
            try:
                if words[0] == "git":
                    words[1:1] = identity(names)
                result = subprocess.run(words, capture_output=True, text=True, timeout=120, check=False)
            except (OSError, subprocess.SubprocessError) as exc:
                told.append(f"note: {key[0]}={key[1]}: {words[0]} did not run ({exc}); README.md says how to do it.")
                break
            if result.returncode != 0:
                said = result.stderr.strip() or result.stdout.strip() or f"exit {result.returncode}"
                told.append(
                    f"note: {key[0]}={key[1]}: {shlex.join(words)} failed ({said.splitlines()[-1]}); "
                    "README.md says how to do it."
                )
                break
        else:
            told.append(DONE[key].format(**names))
    return told


# scaffold -> what was made, and the first commands to run in it: with uv, then with pip,
# as README.md gives them. A new plugin's tests run first: they stop at once, saying
# what to do, when the host installed is not this plugin's host (a namesake on an index).
NEXT_STEPS: dict[str, tuple[str, list[str], list[str]]] = {
    "host-and-plugin": (
        "the host {host_slug} and its example plugin {plugin_project} ({discovery} discovery)",
        [
            "uv sync --all-packages",
            "uv run {host_slug} plugins",
            "uv run pytest {host_slug} && uv run pytest {plugin_project}",
        ],
        [
            "pip install --group dev -e ./{host_slug} -e ./{plugin_project}",
            "{host_slug} plugins",
            "pytest {host_slug} && pytest {plugin_project}",
        ],
    ),
    "plugin-only": (
        "the {plugin_name} plugin for {host_slug}, as {project_slug}",
        ["uv sync", "uv run pytest", "uv run {host_slug} plugins"],
        ["pip install --group dev {host_source}-e .", "pytest", "{host_slug} plugins"],
    ),
}
VENV = "python -m venv .venv && . .venv/bin/activate && python -m pip install --upgrade pip"


def next_steps(root: Path, answers: dict[str, str]) -> str:
    """Say what was made where, and the first commands to run, with uv or with pip."""
    names = {key.lstrip("_"): value for key, value in answers.items() if isinstance(value, str)}
    source = names.get("host_source", "")
    names["host_source"] = shlex.quote(source) + " " if source else ""
    made, with_uv, with_pip = NEXT_STEPS[names["scaffold"]]
    where = f"cd {shlex.quote(str(root))}"
    uv = "".join(f"\n  {line}" for line in [where, *(command.format(**names) for command in with_uv)])
    pip = "".join(f"\n  {line}" for line in [where, VENV, *(command.format(**names) for command in with_pip)])
    return (
        f"Created {made.format(**names)} in {root}.\n"
        f"Next steps with uv (README.md says more):{uv}\n"
        f"Or with pip (25.1 or later):{pip}"
    )


def main(answers: dict[str, str]) -> int:
    """Prune the generated project in the current directory, then say what to do next."""
    try:
        apply(Path.cwd(), *paths(answers))
    except (LookupError, OSError) as exc:
        print(f"error: post_gen_project: {exc}", file=sys.stderr)
        return 1
    if only_prune(answers):
        return 0
    told = host_source_note(answers) + run_commands(answers)
    print("\n".join([*told, next_steps(Path.cwd(), answers)]))
    return 0


if __name__ == "__main__":
    # Cookiecutter renders the answers into this file; copier's task passes them as the
    # first argument (copier.yml), and runs this file as it is.
    sys.exit(main(json.loads(sys.argv[1] if len(sys.argv) > 1 else r"""{{ cookiecutter | tojson }}""")))
