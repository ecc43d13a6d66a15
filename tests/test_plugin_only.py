"""Plugin-only mode: a new plugin package for an existing host, in every style."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from conftest import Baked, Venv, bake, files, sh


@pytest.fixture(scope="session")
def weather(baked: Baked, cookies_session: object) -> Path:
    """A plugin-only bake of plugin 'weather' for the default host in this style."""
    return bake(cookies_session, scaffold="plugin-only", discovery=baked.style, plugin_name="weather")


def test_one_distribution_named_as_plugin_authors_expect(weather: Path, baked: Baked) -> None:
    assert weather.name == f"{baked.slug}-weather"
    tree = files(weather)
    assert {"pyproject.toml", "README.md", "LICENSE", "tests/test_plugin.py", ".github/workflows/ci.yml"} <= tree
    assert ".cookiecutter.json" in tree
    assert not any(path.startswith(f"{baked.slug}/") for path in tree), "no host"
    assert len([p for p in tree if p.endswith("pyproject.toml")]) == 1
    assert f'dependencies = ["{baked.slug}"]' in (weather / "pyproject.toml").read_text()


def test_installed_next_to_an_earlier_host_both_plugins_run(
    host_env: Venv, baked: Baked, weather: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    sh(sys.executable, "-m", "build", "--outdir", out, weather)
    host_env.pip("install", baked.build(baked.plugin_dir)[1], *out.glob("*.whl"))
    try:
        plugins = host_env.plugins(baked.slug)
        assert plugins[baked.plugin]["status"] == plugins["weather"]["status"] == "ok"
        assert plugins["weather"]["distribution"] == f"{baked.slug}-weather"
        assert "Hello, Ada!" in host_env.host(baked.slug, "run", "weather", "Ada").stdout
        own_tests = host_env.run(host_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=weather)
        assert " passed" in own_tests.stdout
        sh(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=weather)
        sh(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".", cwd=weather)
    finally:
        host_env.pip("uninstall", "-y", baked.plugin_project, f"{baked.slug}-weather")


def test_host_readme_shows_the_bootstrap_command(baked: Baked) -> None:
    readme = (baked.host_dir / "README.md").read_text()
    command = next(line for line in readme.splitlines() if "scaffold=plugin-only" in line)
    for answer in (f"host_slug={baked.slug}", f"host_package={baked.package}", f"discovery={baked.style}"):
        assert answer in command


@pytest.mark.parametrize("plugin_name", ["my_app", "plugins"])
def test_a_plugin_name_that_collides_with_the_host_is_refused(
    cookies: object, capfd: pytest.CaptureFixture[str], plugin_name: str
) -> None:
    result = cookies.bake(extra_context={"scaffold": "plugin-only", "plugin_name": plugin_name})  # type: ignore[attr-defined]
    assert result.exit_code != 0
    assert f"plugin_name={plugin_name!r} is not allowed: it collides" in capfd.readouterr().err


def test_the_bootstrap_command_works_from_the_workspace_after_the_readme_bake(template: Path) -> None:
    """Bake as the README says (``cookiecutter --no-input .`` in the template's folder), then
    run the bootstrap command that the host README prints, from the workspace folder."""
    sh(sys.executable, "-m", "cookiecutter", "--no-input", ".", "discovery=namespace-package", cwd=template)
    workspace = template / "my-app"
    readme = (workspace / "my-app" / "README.md").read_text()
    command = next(line for line in readme.splitlines() if line.startswith("cookiecutter "))
    words = shlex.split(command)
    assert Path(words[1]) == template, "the template's location is absolute, so it works from anywhere"
    sh(sys.executable, "-m", *words, "--no-input", "plugin_name=weather", cwd=workspace)
    answers = json.loads((workspace / "my-app-weather" / ".cookiecutter.json").read_text())["cookiecutter"]
    assert (answers["scaffold"], answers["discovery"], answers["plugin_name"]) == (
        "plugin-only",
        "namespace-package",
        "weather",
    )
