"""Copier from the same tree: copier.yml comes from cookiecutter.json, a copy is a bake,
bad answers are refused with the hook's reasons, and an update keeps the user's edit."""

from __future__ import annotations

import filecmp
import importlib.util
import json
import os
import re
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import (
    GIT,
    ROOT,
    TEMPLATE_PARTS,
    commit,
    copy_template,
    files,
    improve_template,
    run_as_written,
    sh,
    timed,
    tool,
    update_blocks,
    uv,
)
from helpers import combinations

COMBINATIONS = combinations()
ANSWER_FILES = {"cookiecutter": ".cookiecutter.json", "copier": ".copier-answers.yml"}


def load_generator() -> object:
    """hooks/copier_yml.py, which writes copier.yml."""
    spec = importlib.util.spec_from_file_location("copier_yml", ROOT / "hooks" / "copier_yml.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copier(*args: str | Path, **kwargs: object) -> object:
    """Run the test environment's copier, trusting the template (its extensions and task)."""
    with timed(f"copier {args[0]}"):
        return sh(tool("copier"), *args, **kwargs)


def copy(template: Path, destination: Path, answers: dict[str, str], **kwargs: object) -> object:
    """``copier copy`` with these answers and the defaults for the rest."""
    data = [word for name, value in answers.items() for word in ("--data", f"{name}={value}")]
    return copier("copy", "--trust", "--defaults", *data, template, destination, **kwargs)


@pytest.fixture(scope="module")
def shared_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One committed copy of the template for the module's copies and bakes."""
    return copy_template(tmp_path_factory.mktemp("copier") / "template")


def test_copier_yml_is_written_from_cookiecutter_json() -> None:
    generator = load_generator()
    template = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    assert (ROOT / "copier.yml").read_text(encoding="utf-8") == generator.render(template), (  # type: ignore[attr-defined]
        "copier.yml is stale: run python hooks/copier_yml.py"
    )
    config = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    asked = [name for name in template if not name.startswith("_")]
    assert [name for name in config if not name.startswith("_")] == asked
    for name in asked:
        if isinstance(template[name], list):
            assert list(config[name]["choices"].values()) == template[name], name
        else:
            assert config[name]["validator"] == f"{{{{ answer_problem('{name}') }}}}", name
    assert "copier.yml" in TEMPLATE_PARTS


@pytest.mark.parametrize("row", list(COMBINATIONS), ids=list(COMBINATIONS))
def test_a_copier_copy_is_the_cookiecutter_bake(shared_template: Path, tmp_path: Path, row: str) -> None:
    """Every row of the combination table: the same files, byte for byte, the same first
    commit's files, each tool with its own answers file."""
    answers = COMBINATIONS[row]
    words = [f"{name}={value}" for name, value in answers.items()]
    sh(sys.executable, "-m", "cookiecutter", "--no-input", shared_template, "-o", tmp_path / "cookiecutter", *words)
    (baked,) = (tmp_path / "cookiecutter").iterdir()
    copied = tmp_path / "copier" / baked.name
    out = copy(shared_template, copied, answers).stdout  # type: ignore[attr-defined]
    assert f"in {copied}." in out, "the next steps name the real folder"

    baked_files, copied_files = files(baked), files(copied)
    assert baked_files - {ANSWER_FILES["cookiecutter"]} == copied_files - {ANSWER_FILES["copier"]}
    assert ANSWER_FILES["cookiecutter"] in baked_files and ANSWER_FILES["copier"] in copied_files
    same = sorted(baked_files - {ANSWER_FILES["cookiecutter"]})
    _, mismatch, errors = filecmp.cmpfiles(baked, copied, same, shallow=False)
    assert (mismatch, errors) == ([], [])
    recorded = yaml.safe_load((copied / ANSWER_FILES["copier"]).read_text())
    assert {name: recorded[name] for name in answers} == answers
    if answers["git_init"] == "yes":
        tracked = [sh(*GIT, "ls-files", cwd=project).stdout.splitlines() for project in (baked, copied)]
        assert set(tracked[0]) == baked_files and set(tracked[1]) == copied_files
    else:
        assert not (baked / ".git").exists() and not (copied / ".git").exists()


# (answers, the question copier names, words of the hook's reason)
BAD = [
    ({"host_slug": "pip"}, "host_slug", "installing it would replace pip"),
    ({"host_name": "Pip"}, "host_slug", "installing it would replace pip"),
    ({"plugin_name": "my_app"}, "plugin_name", "it collides with the host's names"),
    ({"author_email": "not-an-email"}, "author_email", "an ASCII email address"),
    ({"scaffold": "plugin-only", "host_requirement": "other-app>=1.0"}, "host_requirement", "it must name the host"),
]


@pytest.mark.parametrize(("answers", "question", "words"), BAD, ids=[str(bad[0]) for bad in BAD])
def test_copier_refuses_a_bad_answer_with_the_hooks_reason(
    shared_template: Path, tmp_path: Path, answers: dict[str, str], question: str, words: str
) -> None:
    """The validators are the pre-generation hook's rules: asked interactively, copier shows
    the reason and asks again; given with --data, it stops, having written nothing."""
    failed = copy(shared_template, tmp_path / "out", answers, check=False)
    assert failed.returncode != 0  # type: ignore[attr-defined]
    assert re.search(f"Validation error for question '{question}': .*{re.escape(words)}", failed.stderr)  # type: ignore[attr-defined]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
QUESTION = "\N{MICROPHONE}".encode()  # what copier's prompts start with


def answer_in_a_terminal(command: list[str], cwd: Path, replies: list[tuple[str, bytes]]) -> tuple[int, str]:
    """Run `command` in a pseudo-terminal, as a person at copier's prompts: wait for each
    pattern of `replies` and type its keys, then press Enter at every prompt left."""
    import fcntl  # POSIX only, as the test that calls this
    import pty
    import termios

    main, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "160", "LINES": "50"}
    process = subprocess.Popen(command, cwd=cwd, stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    shown, pending, deadline = b"", list(replies), time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if not select.select([main], [], [], 0.2)[0]:
            continue
        try:
            shown += os.read(main, 65536)
        except OSError:  # the terminal closed: copier is done
            break
        plain = ANSI.sub(b"", shown)
        if pending and re.search(pending[0][0].encode(), plain):
            os.write(main, pending.pop(0)[1])
            shown = b""
        elif not pending and QUESTION in plain:
            os.write(main, b"\r")
            shown = b""
    if process.poll() is None:  # stuck at a prompt: the reply it waited for never came
        process.kill()
    process.wait(timeout=30)
    os.close(main)
    return process.returncode, ANSI.sub(b"", shown).decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")
def test_copier_asks_again_after_a_bad_answer(shared_template: Path, tmp_path: Path) -> None:
    """At the host_slug prompt a person types pip: copier shows the hook's reason and keeps
    asking; they type data-tools instead, and Enter through the rest bakes the project."""
    erase = b"\x15"  # Ctrl-U: clear the pre-filled default
    replies = [
        ("What to generate", b"\r"),
        ("Host application's name", b"\r"),
        ("distribution name and command", erase + b"pip\r"),
        ("Validation error for question 'host_slug': installing it would replace pip", erase + b"data-tools\r"),
    ]
    command = [tool("copier"), "copy", "--trust", str(shared_template), "out"]
    with timed("copier copy at a terminal"):
        code, shown = answer_in_a_terminal(command, tmp_path, replies)
    assert code == 0, shown[-2000:]
    answers = yaml.safe_load((tmp_path / "out" / ".copier-answers.yml").read_text())
    assert (answers["host_slug"], answers["host_package"]) == ("data-tools", "data_tools")


def edit_then_update(project: Path, template: Path, module: Path, old: str, new: str) -> tuple[str, list[str]]:
    """The user changes `old` to `new` in `module` and commits; the template improves; the
    README's copier block runs. Return what it printed and the files it left changed."""
    module.write_text(module.read_text().replace(old, new))
    commit(project, "user edit")
    improve_template(template)
    (update,) = update_blocks(project / "README.md", "copier")
    out = run_as_written([update], project).stdout
    status = sh(*GIT, "status", "--porcelain", cwd=project).stdout.splitlines()
    return out, sorted(line[3:] for line in status)


def test_a_plugin_only_copier_update_keeps_the_users_edit_in_the_hoisted_tree(template: Path, tmp_path: Path) -> None:
    """plugin-only: the task moves the plugin's files up to the project's root; an update
    renders over them and keeps the user's edit, with nothing left in the plugin's folder."""
    project = tmp_path / "my-app-weather"
    # As the host's bootstrap command makes it: the host's folder, which no temporary render has.
    copy(template, project, {"scaffold": "plugin-only", "plugin_name": "weather", "host_source": "../my-app/my-app"})
    plugin = project / "src/my_app_weather/__init__.py"
    out, changed = edit_then_update(project, template, plugin, "For now it only says what it was given", "It forecasts")
    assert "Next steps" not in out
    assert "release checklist" in (project / "README.md").read_text() and "It forecasts" in plugin.read_text()
    assert changed == [".copier-answers.yml", "README.md"]
    assert not (project / "my-app-weather").exists() and not list(project.rglob("*.rej"))


def test_copier_update_after_the_readmes_uv_steps_keeps_the_users_edit(
    template: Path, tmp_path: Path, uv_env: dict[str, str]
) -> None:
    """Copy, ``uv sync`` and commit the lock as the README says, edit and commit; the
    template changes; the README's copier block takes the change in and keeps the edit."""
    project = tmp_path / "my-app"
    copy(template, project, {})
    uv(uv_env, "sync", "--all-packages", cwd=project)
    lock_step = next(line for line in (project / "README.md").read_text().splitlines() if "git add uv.lock" in line)
    run_as_written([lock_step], project)
    plugin = project / "my-app-hello/src/my_app_hello/__init__.py"
    out, changed = edit_then_update(project, template, plugin, "Greet the people", "Warmly greet the people")
    assert "Next steps" not in out and "git repository" not in out, "an update prints no bake's next steps"
    for readme in ("my-app/README.md", "my-app-hello/README.md"):
        assert "release checklist" in (project / readme).read_text()
    assert "Warmly greet the people" in plugin.read_text()
    assert changed == [".copier-answers.yml", "my-app-hello/README.md", "my-app/README.md"]
    assert not list(project.rglob("*.rej")) and not (project / ".cookiecutter.json").exists()
