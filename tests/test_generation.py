"""Baking: the exact tree per style, nothing left unrendered, valid TOML/JSON, ruff clean."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import sys
from pathlib import Path

import pytest
import tomllib
from conftest import HOST_SKIPS, ROOT, STYLES, SUITE, Baked, Venv, assert_suite_passed, bake, files, sh

COMMON = {
    ".cookiecutter.json",
    ".github/dependabot.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/release.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "CHANGELOG.md",
    "CONTRIBUTING.md",
    "README.md",
    "noxfile.py",
    "pyproject.toml",
    "my-app/LICENSE",
    "my-app/README.md",
    "my-app/pyproject.toml",
    "my-app/src/my_app/__init__.py",
    "my-app/src/my_app/__main__.py",
    "my-app/src/my_app/about.py",
    "my-app/src/my_app/archives.py",
    "my-app/src/my_app/cache.py",
    "my-app/src/my_app/cli.py",
    "my-app/src/my_app/contract.py",
    "my-app/src/my_app/environment.py",
    "my-app/src/my_app/install.py",
    "my-app/src/my_app/loading.py",
    "my-app/src/my_app/records.py",
    "my-app/src/my_app/py.typed",
    "my-app/src/my_app/search.py",
    "my-app-hello/LICENSE",
    "my-app-hello/README.md",
    "my-app-hello/pyproject.toml",
    "my-app-hello/tests/test_plugin.py",
}
HOST_TESTS = "my-app/tests/"
PER_STYLE = {
    "entry-point": {
        "my-app/src/my_app/discovery_entry_point.py",
        "my-app/src/my_app/metadata.py",
        "my-app-hello/src/my_app_hello/__init__.py",
        "my-app-hello/src/my_app_hello/py.typed",
    },
    "naming-convention": {
        "my-app/src/my_app/discovery_naming_convention.py",
        "my-app/src/my_app/listing.py",
        "my-app-hello/src/my_app_hello/__init__.py",
        "my-app-hello/src/my_app_hello/py.typed",
    },
    "namespace-package": {
        "my-app/src/my_app/discovery_namespace_package.py",
        "my-app/src/my_app/listing.py",
        "my-app-hello/src/my_app/plugins/hello/__init__.py",
        "my-app-hello/src/my_app/plugins/hello/py.typed",
    },
}
UNRENDERED = re.compile(r"\{\{|\{%|\{#|cookiecutter\.(?!json\b)\w")


def test_every_style_has_an_expected_tree() -> None:
    assert set(PER_STYLE) == set(STYLES)


def test_exact_tree(baked: Baked) -> None:
    tree = files(baked.project)
    host_tests = {f for f in tree if f.startswith(HOST_TESTS)}
    assert host_tests, "the host has tests"
    assert tree - host_tests == COMMON | PER_STYLE[baked.style]
    folders = [p for p in baked.project.rglob("*") if p.is_dir() and ".git" not in p.relative_to(baked.project).parts]
    assert all(any(f.iterdir()) for f in folders), "no empty folders"


def test_the_default_bake_is_a_git_repository_with_everything_committed(baked: Baked) -> None:
    """git_init=yes (the default): one commit holds exactly the tree above, nothing is left over."""
    git = ("git", "-C", str(baked.project))
    assert sh(*git, "rev-parse", "--show-toplevel").stdout.strip() == str(baked.project)
    assert sh(*git, "rev-list", "--count", "HEAD").stdout.strip() == "1"
    assert set(sh(*git, "ls-files").stdout.splitlines()) == files(baked.project)
    assert sh(*git, "status", "--porcelain").stdout == ""


def test_nothing_of_other_styles_remains(baked: Baked) -> None:
    others = [s for s in STYLES if s != baked.style]
    text = "\n".join(p.read_text() for p in baked.project.rglob("*.py"))
    for other in others:
        module = "discovery_" + other.replace("-", "_")
        assert module not in text and not list(baked.project.rglob(module + ".py"))
    if baked.style != "entry-point":
        assert "entry-points" not in (baked.plugin_dir / "pyproject.toml").read_text()
        assert "importlib.metadata import Distribution" not in text


GITHUB_EXPRESSION = re.compile(r"\$\{\{ [a-z][\w.-]* \}\}")


def test_nothing_left_unrendered(baked: Baked) -> None:
    for name in files(baked.project):  # git's own folder holds only what was committed
        path = baked.project / name
        assert not UNRENDERED.search(name), path
        if path.parent.name != "workflows":
            assert not UNRENDERED.search(path.read_text()), path
    for workflow in (baked.project / ".github/workflows").iterdir():
        text = workflow.read_text()
        assert not UNRENDERED.search(GITHUB_EXPRESSION.sub("", text)), "only GitHub's own ${{ name }} remain"
    assert GITHUB_EXPRESSION.search((baked.project / ".github/workflows/ci.yml").read_text())


def test_toml_and_json_parse(baked: Baked) -> None:
    tomls = list(baked.project.rglob("*.toml"))
    jsons = list(baked.project.rglob("*.json"))
    assert len(tomls) == 3 and jsons, "the workspace root's and each distribution's pyproject.toml"
    for path in tomls:
        tomllib.loads(path.read_text())
    for path in jsons:
        json.loads(path.read_text())


def test_ruff_is_clean(baked: Baked) -> None:
    for dist in (baked.host_dir, baked.plugin_dir):
        sh(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=dist)
        sh(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".", cwd=dist)


def distributions(project: Path) -> list[Path]:
    """The pyproject.toml of each distribution, leaving out the uv workspace root's."""
    return [path for path in project.rglob("pyproject.toml") if path.parent != project]


def ci_pythons(project: Path) -> list[str]:
    """Return the Python versions of the generated CI matrix."""
    workflow = (project / ".github/workflows/ci.yml").read_text()
    match = re.search(r"python-version: (\[.*\])", workflow)
    assert match, "the generated CI has a python-version matrix"
    return list(json.loads(match[1]))


def test_generated_code_type_checks_strictly_for_every_python_ci_tests(baked: Baked) -> None:
    """mypy --strict against the typeshed of the oldest and the newest Python in CI.

    Only 3.11 runs here, so this is what catches standard-library APIs that the
    oldest Python lacks, or that the newest has deprecated or removed.
    """
    pythons = ci_pythons(baked.project)
    assert pythons[0] == baked.context["python_requires"]
    for version in (pythons[0], pythons[-1]):
        for dist in (baked.host_dir, baked.plugin_dir):
            sh(
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--enable-error-code",
                "deprecated",
                "--python-version",
                version,
                "--no-incremental",
                "--cache-dir",
                os.devnull,
                "src",
                cwd=dist,
                env={**os.environ, "MYPYPATH": str(baked.host_dir / "src")},
            )


def test_python_requires_sets_metadata_ci_and_ruff_alike(cookies: object) -> None:
    """The newest Python CI tests is the newest python_requires the hook accepts."""
    newest = ci_pythons(bake(cookies))[-1]
    project = bake(cookies, python_requires=newest)
    assert ci_pythons(project) == [newest]
    for path in distributions(project):
        config = tomllib.loads(path.read_text())
        assert config["project"]["requires-python"] == f">={newest}"
        versions = [
            c.rsplit(" :: ", 1)[1]
            for c in config["project"]["classifiers"]
            if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
        ]
        assert versions == [newest]
        assert "target-version" not in config["tool"]["ruff"], "ruff takes it from requires-python"
    major, minor = newest.split(".")
    result = cookies.bake(extra_context={"python_requires": f"{major}.{int(minor) + 1}"})  # type: ignore[attr-defined]
    assert result.exit_code != 0


@pytest.mark.parametrize("name", ['O\'Brien "the" \\ Builder', "Zoë <&> 'Q'"])
def test_quotes_and_backslashes_give_valid_toml(cookies: object, name: str) -> None:
    description = 'Say "hi" \\ bye'
    project = bake(cookies, author_name=name, description=description)
    for path in distributions(project):
        meta = tomllib.loads(path.read_text())["project"]
        assert meta["authors"][0]["name"] == name
    host = tomllib.loads((project / "my-app/pyproject.toml").read_text())["project"]
    assert host["description"] == description


@pytest.mark.parametrize(
    "location",
    ["gh:org/plugin-template", "/home/me/plugin template", r"C:\Users\me\plugin-template", "/tmp/it's"],
)
def test_the_bootstrap_command_is_valid_python_wherever_the_template_lives(
    baked: Baked, location: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Render cli.py as cookiecutter would, with the template at `location`.

    A Windows path, a space or a quote in the template's location must neither break
    the host nor its ruff formatting, and the command must stay one shell word each.
    """
    from cookiecutter.environment import StrictEnvironment
    from jinja2 import FileSystemLoader

    folder = ROOT / "{{cookiecutter.project_slug}}"
    context = {**baked.context, "_template": location, "_repo_dir": location}
    monkeypatch.syspath_prepend(str(ROOT))  # as cookiecutter does, for the template's Jinja extension
    monkeypatch.chdir(folder)  # as cookiecutter renders
    env = StrictEnvironment(context={"cookiecutter": context}, keep_trailing_newline=True)
    env.loader = FileSystemLoader([folder, ROOT / "templates"])
    source = env.get_template("{{cookiecutter.host_slug}}/src/{{cookiecutter.host_package}}/cli.py").render(
        cookiecutter=context
    )
    command = next(
        ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "BOOTSTRAP_COMMAND"
    )
    rendered = tmp_path / "cli.py"
    rendered.write_text(source)
    sh(
        sys.executable,
        "-m",
        "ruff",
        "format",
        "--check",
        "--isolated",
        "--no-cache",
        "--line-length",
        "100",
        rendered,
        cwd=tmp_path,
    )
    words = shlex.split(command)
    assert words[:4] == ["cookiecutter", location, "--no-input", "scaffold=plugin-only"]
    assert f"discovery={baked.style}" in words


@pytest.mark.parametrize("style", STYLES)
def test_a_host_without_search_is_whole(cookies: object, style: str, tmp_path: Path, wheelhouse: Path) -> None:
    """search=no prunes the module, its command, its tests and its docs; the rest stays green."""
    project = bake(cookies, discovery=style, search="no")
    host = project / "my-app"
    assert not [f for f in files(project) if "search" in f.rsplit("/", 1)[-1]]
    assert " search " not in (host / "README.md").read_text()
    sh(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=host)
    sh(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".", cwd=host)
    mypy = (sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, "src")
    sh(*mypy, cwd=host, env={**os.environ, "MYPYPATH": str(host / "src")})
    sh(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist", host)
    venv = Venv(tmp_path / "venv", tmp_path / "cache")
    venv.pip("install", *(tmp_path / "dist").glob("*.whl"), "pytest")
    suite = venv.run(venv.python, "-m", "pytest", *SUITE, cwd=host)
    assert_suite_passed(suite, HOST_SKIPS)
    assert "search" not in venv.host("my-app", "--help").stdout
    assert venv.host("my-app", "search", check=False).returncode == 2


def test_every_pyproject_passes_validate_pyproject(baked: Baked, cookies: object) -> None:
    """Standard metadata only: entry points included, as every build backend checks them."""
    plugin_only = bake(cookies, scaffold="plugin-only", discovery=baked.style, plugin_name="weather")
    paths = [*baked.project.rglob("pyproject.toml"), plugin_only / "pyproject.toml"]
    assert len(paths) >= 3
    for path in paths:
        sh(sys.executable, "-m", "validate_pyproject", path)
