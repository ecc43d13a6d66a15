"""Recorded answers: replaying them regenerates the project, and cruft updates flow through."""

from __future__ import annotations

import filecmp
import json
import os
import sys
from pathlib import Path

from conftest import GIT, commit, files, sh, timed


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
    cruft("create", template, "--no-input", "--output-dir", tmp_path, "--extra-context", '{"plugin_name": "weather"}')
    project = tmp_path / "my-app"
    assert (project / ".cruft.json").exists() and (project / ".cookiecutter.json").exists()
    sh(*GIT, "init", "-q", cwd=project)
    commit(project, "generated")
    cruft("check", cwd=project)

    # The user edits their plugin; the template improves its READMEs meanwhile.
    plugin = project / "my-app-weather/src/my_app_weather/__init__.py"
    plugin.write_text(plugin.read_text().replace("Greet the people", "Warmly greet the people"))
    commit(project, "user edit")
    partial = template / "templates/readme-develop.md.j2"
    partial.write_text(partial.read_text() + "\nSee CONTRIBUTING for the release checklist.\n")
    commit(template, "template improvement")

    assert cruft("check", cwd=project, check=False).returncode != 0  # type: ignore[attr-defined]
    cruft("update", "--skip-apply-ask", "--allow-untracked-files", cwd=project)
    assert not list(project.rglob("*.rej")) and not list(project.rglob("*.orig"))
    for readme in ("my-app/README.md", "my-app-weather/README.md"):
        assert "release checklist" in (project / readme).read_text()
    assert "Warmly greet the people" in plugin.read_text()
    cruft("check", cwd=project)


def test_a_plain_cookiecutter_project_links_to_cruft_as_its_readme_says(template: Path, tmp_path: Path) -> None:
    sh(sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", tmp_path, "plugin_name=weather")
    project = tmp_path / "my-app"
    sh(*GIT, "init", "-q", cwd=project)
    commit(project, "generated")
    readme = (project / "README.md").read_text()
    link = next(line for line in readme.splitlines() if line.startswith("cruft link "))
    # The README's own command line, run by a shell that finds this environment's cruft and python.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    with timed("cruft link"):
        sh("bash", "-c", link, cwd=project, env={**os.environ, "PATH": path})
    context = json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"]
    assert context["plugin_name"] == "weather"
    cruft("check", cwd=project)
