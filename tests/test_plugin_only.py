"""Plugin-only mode: a new plugin package for an existing host, in every style."""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

import pytest
from conftest import GIT, PIPX, SUITE, UVX, WHEELHOUSE, Baked, Venv, assert_suite_passed, files, sh, timed, tools_env


def printed_command(host_readme: Path) -> list[str]:
    """The command that the host's README prints for a new plugin, as shell words."""
    lines = host_readme.read_text().splitlines()
    (command,) = [line for line in lines if line.startswith("cookiecutter ") and "scaffold=plugin-only" in line]
    return shlex.split(command)


def run_printed_command(host_readme: Path, where: Path, *added: str) -> Path:
    """Run the host's printed command, as printed plus `added`, in `where`; return the new project."""
    where.mkdir(parents=True, exist_ok=True)
    before = set(where.iterdir())
    with timed("bake through the printed command"):
        sh(sys.executable, "-m", *printed_command(host_readme), *added, cwd=where)
    (project,) = set(where.iterdir()) - before
    return project


@pytest.fixture(scope="session")
def weather(baked: Baked, workdir: Path) -> Path:
    """Plugin 'weather', baked through the host's printed command with only plugin_name added,
    in the folder that holds the host's project, as the README says."""
    return run_printed_command(baked.host_dir / "README.md", baked.project.parent, "plugin_name=weather")


def test_one_distribution_named_as_plugin_authors_expect(weather: Path, baked: Baked) -> None:
    assert weather.name == f"{baked.slug}-weather"
    tree = files(weather)
    assert {"pyproject.toml", "README.md", "LICENSE", "tests/test_plugin.py", ".github/workflows/ci.yml"} <= tree
    assert ".cookiecutter.json" in tree
    assert not any(path.startswith(f"{baked.slug}/") for path in tree), "no host"
    assert len([p for p in tree if p.endswith("pyproject.toml")]) == 1
    assert f'dependencies = ["{baked.slug}>=0.1.0"]' in (weather / "pyproject.toml").read_text()


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
        assert host_env.host(baked.slug, "run", "weather", "Ada").stdout == "weather: Ada\n"
        own_tests = host_env.run(host_env.python, "-m", "pytest", *SUITE, cwd=weather)
        assert_suite_passed(own_tests)
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


def test_the_bootstrap_command_works_beside_the_workspace_after_the_readme_bake(template: Path) -> None:
    """Bake as the README says (``cookiecutter --no-input .`` in the template's folder), then
    run the bootstrap command that the host README prints where it says: in the folder that
    holds the workspace. Baked elsewhere, the plugin's host_source misses, and the bake says so."""
    sh(sys.executable, "-m", "cookiecutter", "--no-input", ".", "discovery=namespace-package", cwd=template)
    workspace = template / "my-app"
    readme = workspace / "my-app" / "README.md"
    assert Path(printed_command(readme)[1]) == template, "the template's location is absolute"
    assert "a local folder" in readme.read_text(), "the README says the location is local"
    assert "host_source=../my-app/my-app" in printed_command(readme), "the host's own folder, not an index's namesake"
    inside = sh(sys.executable, "-m", *printed_command(readme), "plugin_name=inside", "git_init=no", cwd=workspace)
    assert "note: host_source='../my-app/my-app' holds no Python project seen from" in inside.stdout
    project = run_printed_command(readme, template, "plugin_name=weather")
    assert project == template / "my-app-weather"
    assert sh(*GIT, "rev-parse", "--show-toplevel", cwd=project).stdout.strip() == str(project)
    answers = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    assert (answers["scaffold"], answers["discovery"], answers["plugin_name"]) == (
        "plugin-only",
        "namespace-package",
        "weather",
    )


def test_relative_template_and_output_folder_give_a_command_that_works(template: Path) -> None:
    """``cookiecutter ../template -o out``: the printed location is where the template really is."""
    work = template.parent / "work"
    work.mkdir()
    sh(sys.executable, "-m", "cookiecutter", "--no-input", "../template", "-o", "out", cwd=work)
    readme = work / "out" / "my-app" / "my-app" / "README.md"
    assert Path(printed_command(readme)[1]) == template
    assert (run_printed_command(readme, work / "out", "plugin_name=weather") / "pyproject.toml").exists()


def test_a_local_git_checkout_is_named_by_its_origin(template: Path, tmp_path: Path) -> None:
    sh(*GIT, "remote", "add", "origin", "https://example.com/team/plugin-template.git", cwd=template)
    sh(sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", tmp_path)
    readme = tmp_path / "my-app" / "my-app" / "README.md"
    assert printed_command(readme)[1] == "https://example.com/team/plugin-template.git"
    assert "a local folder" not in readme.read_text()


def test_a_plugin_only_project_passes_its_own_ci_with_an_unpublished_host(
    baked: Baked, template: Path, tmp_path: Path, wheelhouse: Path
) -> None:
    """The host's author names a local git repository as the host's source; the plugin's CI
    installs the host from there, never from a namesake on an index (the index is off)."""
    host_repo = tmp_path / "my-app"
    source = f"git+file://{host_repo.as_posix()}#subdirectory=my-app"
    bake_host = (sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", tmp_path)
    sh(*bake_host, f"discovery={baked.style}", f"host_source={source}")  # git_init=yes: committed, as pip needs
    plugin = run_printed_command(host_repo / "my-app" / "README.md", tmp_path / "plugins", "plugin_name=weather")
    assert f"host_source={source}" in printed_command(host_repo / "my-app" / "README.md")

    workflow = (plugin / ".github" / "workflows" / "ci.yml").read_text()
    (install,) = [line.split("run: ", 1)[1] for line in workflow.splitlines() if "run: pip install" in line]
    assert source in install
    venv = Venv(tmp_path / "venv", tmp_path / "cache")
    pip = f"{shlex.quote(sys.executable)} -m pip --python {shlex.quote(str(venv.python))} install"
    offline = f" --no-index --find-links {shlex.quote(str(WHEELHOUSE))} --disable-pip-version-check -q"
    with timed(f"plugin CI install ({baked.style})"):
        venv.run("bash", "-c", install.replace("pip install", pip, 1) + offline, cwd=plugin)
    direct = venv.run(
        venv.python,
        "-c",
        "from importlib.metadata import distribution as d; print(d('my-app').read_text('direct_url.json'))",
    )
    assert host_repo.as_posix() in direct.stdout, "the host came from its git source"
    tests = venv.run(venv.python, "-m", "pytest", *SUITE, cwd=plugin)
    assert_suite_passed(tests)
    assert venv.plugins("my-app")["weather"]["status"] == "ok"


def cookiecutter_commands(readme: Path) -> list[tuple[str, str]]:
    """Each printed cookiecutter command of a README, with the prose just before its block."""
    found = []
    for prose, block in re.findall(r"((?:(?!```).)*)```console\n(.*?)```", readme.read_text(), flags=re.S):
        found += [(prose, line) for line in block.splitlines() if line.startswith("cookiecutter ")]
    return found


def test_every_printed_cookiecutter_command_says_how_to_run_it_without_installing(baked: Baked, weather: Path) -> None:
    readmes = [baked.project / "README.md", baked.host_dir / "README.md", weather / "README.md"]
    commands = {readme: cookiecutter_commands(readme) for readme in readmes}
    assert all(commands.values()), "each README prints a cookiecutter command (bootstrap or replay)"
    for readme, found in commands.items():
        for prose, command in found:
            for form in ("pip install cookiecutter", "`pipx run`", "`uvx`"):
                assert form in prose, (readme, command, form)


@pytest.mark.parametrize("runner", ["pipx run", "uvx"])
def test_the_printed_command_runs_without_installing_cookiecutter(
    template: Path, wheelhouse: Path, tmp_path: Path, runner: str
) -> None:
    """`pipx run` or `uvx` before the printed command, as the README says: cookiecutter is
    installed afresh in the tool's own environment (from the wheelhouse: no network)."""
    tool = {"pipx run": [PIPX, "run"], "uvx": [UVX]}[runner]
    if not Path(tool[0]).exists():
        pytest.skip(f"{tool[0].name} is not installed beside the test Python (requirements-test.txt has it)")
    sh(sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", tmp_path, "discovery=naming-convention")
    command = printed_command(tmp_path / "my-app" / "my-app" / "README.md")
    where = tmp_path  # the folder that holds the host's project, as the README says
    with timed(f"{runner} the printed command"):
        sh(*tool, *command, "plugin_name=weather", cwd=where, env=tools_env(tmp_path))
    answers = json.loads((where / "my-app-weather" / ".cookiecutter.json").read_text())["cookiecutter"]
    assert (answers["scaffold"], answers["discovery"]) == ("plugin-only", "naming-convention")
