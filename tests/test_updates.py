"""Recorded answers: replaying them regenerates the project, and cruft updates flow through."""

from __future__ import annotations

import filecmp
import sys
from pathlib import Path

import pytest
from conftest import GIT, commit, files, improve_template, run_as_written, sh, timed, update_blocks, uv


def cruft(*args: str | Path, **kwargs: object) -> object:
    """Run cruft from the test environment."""
    with timed(f"cruft {args[0]}"):
        return sh(sys.executable, "-m", "cruft", *args, **kwargs)


def test_replaying_the_recorded_answers_regenerates_the_project(template: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    sh(sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", first, "discovery=namespace-package")
    project = first / "my-app"
    replay = project / ".cookiecutter.json"
    sh(sys.executable, "-m", "cookiecutter", "--replay-file", replay, template, "-o", second)
    again = second / "my-app"
    assert files(project) == files(again)
    _, mismatch, errors = filecmp.cmpfiles(project, again, sorted(files(project)), shallow=False)
    assert (mismatch, errors) == ([], [])


def test_cruft_create_check_and_update(template: Path, tmp_path: Path) -> None:
    weather = '{"plugin_name": "weather"}'
    created = cruft("create", template, "--no-input", "--output-dir", tmp_path, "--extra-context", weather)
    said = created.stdout + created.stderr  # type: ignore[attr-defined]
    assert "Next steps" not in said and "git init" not in said, "the README says what to do; the hook says nothing"
    project = tmp_path / "my-app"
    assert (project / ".cruft.json").exists() and (project / ".cookiecutter.json").exists()
    assert not (project / ".git").exists(), "cruft writes .cruft.json after the hooks: the README says to git init"
    sh(*GIT, "init", "-q", cwd=project)
    commit(project, "generated")
    cruft("check", cwd=project)

    # The user edits their plugin; the template improves its READMEs meanwhile.
    plugin = project / "my-app-weather/src/my_app_weather/__init__.py"
    plugin.write_text(plugin.read_text().replace("Greet the people", "Warmly greet the people"))
    commit(project, "user edit")
    improve_template(template)

    assert cruft("check", cwd=project, check=False).returncode != 0  # type: ignore[attr-defined]
    updated = cruft("update", "--skip-apply-ask", "--allow-untracked-files", cwd=project)
    assert "Next steps" not in updated.stdout and "/tmp" not in updated.stdout  # type: ignore[attr-defined]
    assert not list(project.rglob("*.rej")) and not list(project.rglob("*.orig"))
    for readme in ("my-app/README.md", "my-app-weather/README.md"):
        assert "release checklist" in (project / readme).read_text()
    assert "Warmly greet the people" in plugin.read_text()
    cruft("check", cwd=project)


@pytest.mark.parametrize(
    ("answers", "folder"),
    [
        ((), "my-app"),
        (("git_init=no",), "my-app"),
        # As the host's bootstrap command makes it: the host's folder, which cruft's renders lack.
        (("scaffold=plugin-only", "plugin_name=weather", "host_source=../my-app/my-app"), "my-app-weather"),
    ],
)
def test_the_update_section_runs_as_written(
    template: Path, tmp_path: Path, answers: tuple[str, ...], folder: str, uv_env: dict[str, str]
) -> None:
    """Every command of the README's update section, run literally in a fresh bake, succeeds:
    (git init,) cruft link, commit .cruft.json, cruft check, cruft update, then the replay
    from the folder above. Then a template change flows in through cruft update."""
    sh(sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", tmp_path, *answers)
    project = tmp_path / folder
    blocks = update_blocks(project / "README.md", "cookiecutter")
    assert any("cruft link " in block for block in blocks) and blocks[-1].startswith("cd ..\n")
    # A first step makes the repository, if the bake did not.
    assert ("git init" in blocks[0]) == ("git_init=no" in answers)
    if not answers:  # the README's uv steps first: a uv.lock, committed as the README says
        lock = next(line for line in (project / "README.md").read_text().splitlines() if "git add uv.lock" in line)
        uv(uv_env, "sync", "--all-packages", cwd=project)
        run_as_written([lock], project)
    out = run_as_written(blocks, project).stdout
    assert "up to date" in out
    tracked = sh(*GIT, "ls-files", cwd=project).stdout.splitlines()
    assert ".cruft.json" in tracked and sh(*GIT, "status", "--porcelain", cwd=project).stdout == ""
    fresh = tmp_path / f"{folder}-fresh" / folder
    local = {path for path in files(project) if path.startswith(".venv/")} | {".cruft.json", "uv.lock"}
    assert files(fresh) == files(project) - local

    # The template improves; the documented check, update and review take it in.
    improve_template(template)
    check, update, review = blocks[-2].splitlines()
    assert run_as_written([check], project, check=False).returncode == 1, "behind the template"
    updated = run_as_written([update], project)
    assert "Next steps" not in updated.stdout + updated.stderr, "cruft's renders in temporary folders say nothing"
    assert "release checklist" in run_as_written([review], project).stdout
    plugin_readme = project / ("README.md" if "scaffold=plugin-only" in answers else "my-app-hello/README.md")
    assert "release checklist" in plugin_readme.read_text()
    assert not list(project.rglob("*.rej")) and not (project / ".git" / "MERGE_HEAD").exists()
    run_as_written([check], project)
