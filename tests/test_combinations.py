"""The combination table: every supported combination bakes, and passes the static checks.

This file is the quick check (README, CONTRIBUTING): it bakes every row of
``helpers.combinations()``, which reads the choices and their values from
cookiecutter.json, and checks each bake's exact tree, that nothing is left
unrendered, that its TOML and JSON parse, ruff and validate-pyproject. Nothing is
built or installed. It also holds that the hook refuses every combination of
``helpers.REFUSED`` with the reason given there.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import tomllib
from conftest import bake, files, sh
from helpers import REFUSED, choices, combinations, extras

COMBINATIONS = combinations()
# The files of every bake, at the project's root (for plugin-only, the plugin's own).
ROOT_FILES = {
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
}
HOST_FILES = {
    "LICENSE",
    "README.md",
    "pyproject.toml",
    "src/my_app/__init__.py",
    "src/my_app/__main__.py",
    "src/my_app/about.py",
    "src/my_app/archives.py",
    "src/my_app/cache.py",
    "src/my_app/cli.py",
    "src/my_app/contract.py",
    "src/my_app/display.py",
    "src/my_app/environment.py",
    "src/my_app/install.py",
    "src/my_app/loading.py",
    "src/my_app/records.py",
    "src/my_app/py.typed",
    "src/my_app/search.py",
}
PLUGIN_FILES = {"LICENSE", "README.md", "pyproject.toml", "tests/conftest.py", "tests/test_plugin.py"}
# style -> (the host's files for it, the example plugin's)
PER_STYLE = {
    "entry-point": (
        {"src/my_app/discovery_entry_point.py", "src/my_app/metadata.py"},
        {"src/my_app_hello/__init__.py", "src/my_app_hello/py.typed"},
    ),
    "naming-convention": (
        {"src/my_app/discovery_naming_convention.py", "src/my_app/listing.py"},
        {"src/my_app_hello/__init__.py", "src/my_app_hello/py.typed"},
    ),
    "namespace-package": (
        {"src/my_app/discovery_namespace_package.py", "src/my_app/listing.py"},
        {"src/my_app/plugins/hello/__init__.py", "src/my_app/plugins/hello/py.typed"},
    ),
}
# What each extra's `no` removes from the host: (its source files, its test files in tests/).
EXTRA_FILES = {
    "search": ({"src/my_app/search.py"}, {"test_search.py"}),
    "cache": ({"src/my_app/cache.py"}, {"test_cache.py"}),
    "install": ({"src/my_app/install.py"}, {"test_install_commands.py"}),
}
# contract -> the host's files only that contract has.
CONTRACT_FILES = {"command": set(), "hooks": {"src/my_app/hookspecs.py", "src/my_app/registry.py"}}
UNRENDERED = re.compile(r"\{\{|\{%|\{#|cookiecutter\.(?!json\b)\w")
GITHUB_EXPRESSION = re.compile(r"\$\{\{ [a-z][\w.-]* \}\}")


def expected_tree(answers: dict[str, str]) -> tuple[set[str], str | None]:
    """The files a bake with these answers has, but the host's tests; and the host's tests' folder."""
    host, plugin = PER_STYLE[answers["discovery"]]
    plugin_files = PLUGIN_FILES | plugin
    if answers["scaffold"] == "plugin-only":
        return ROOT_FILES | plugin_files, None
    host_files = HOST_FILES | host | CONTRACT_FILES[answers["contract"]]
    for extra, (sources, _) in EXTRA_FILES.items():
        if answers[extra] == "no":
            host_files -= sources
    tree = ROOT_FILES | {f"my-app/{name}" for name in host_files} | {f"my-app-hello/{name}" for name in plugin_files}
    return tree, "my-app/tests/"


def test_the_table_bakes_every_value_of_every_choice() -> None:
    for name, values in choices().items():
        assert {row[name] for row in COMBINATIONS.values()} == set(values), name
    for scaffold in choices()["scaffold"]:
        assert {row["discovery"] for row in COMBINATIONS.values() if row["scaffold"] == scaffold} == set(
            choices()["discovery"]
        )
    assert set(PER_STYLE) == set(choices()["discovery"])
    assert set(CONTRACT_FILES) == set(choices()["contract"])
    styles_and_contracts = {(row["discovery"], row["contract"]) for row in COMBINATIONS.values()}
    assert len(styles_and_contracts) == len(PER_STYLE) * len(CONTRACT_FILES)
    assert list(EXTRA_FILES) == extras()


@pytest.fixture(scope="module", params=list(COMBINATIONS), ids=list(COMBINATIONS))
def combination(request: pytest.FixtureRequest, cookies_session: object) -> tuple[dict[str, str], Path]:
    """One row of the table, baked."""
    answers = COMBINATIONS[request.param]
    return answers, bake(cookies_session, **answers)


def test_exact_tree(combination: tuple[dict[str, str], Path]) -> None:
    answers, project = combination
    tree = files(project)
    expected, tests = expected_tree(answers)
    host_tests = {name for name in tree if tests and name.startswith(tests)}
    assert tests is None or host_tests, "the host has tests"
    assert tree - host_tests == expected
    for extra, (_, extra_tests) in EXTRA_FILES.items():
        present = {f"{tests}{name}" for name in extra_tests} <= host_tests
        assert present == (answers[extra] == "yes" and tests is not None), extra
    folders = [p for p in project.rglob("*") if p.is_dir() and ".git" not in p.relative_to(project).parts]
    assert all(any(f.iterdir()) for f in folders), "no empty folders"


def test_git_init_commits_exactly_the_tree(combination: tuple[dict[str, str], Path]) -> None:
    answers, project = combination
    if answers["git_init"] == "no":
        assert not (project / ".git").exists()
        return
    git = ("git", "-C", str(project))
    assert sh(*git, "rev-parse", "--show-toplevel").stdout.strip() == str(project)
    assert sh(*git, "rev-list", "--count", "HEAD").stdout.strip() == "1"
    assert set(sh(*git, "ls-files").stdout.splitlines()) == files(project)
    assert sh(*git, "status", "--porcelain").stdout == ""


def test_nothing_left_unrendered(combination: tuple[dict[str, str], Path]) -> None:
    _, project = combination
    for name in files(project):
        path = project / name
        assert not UNRENDERED.search(name), path
        text = path.read_text(encoding="utf-8")
        if path.parent.name == "workflows":
            assert GITHUB_EXPRESSION.search(text) or path.name != "ci.yml"
            text = GITHUB_EXPRESSION.sub("", text)  # only GitHub's own ${{ name }} remain
        assert not UNRENDERED.search(text), path


TABLE_SEPARATOR = re.compile(r"^\|( *:?-+:? *\|)+$")


def test_every_markdown_table_has_a_header_and_a_separator(combination: tuple[dict[str, str], Path]) -> None:
    """Rows that follow a paragraph, with no header of their own, render as text, not a table."""
    _, project = combination
    for path in project.rglob("*.md"):
        lines = path.read_text(encoding="utf-8").splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("|") and not lines[i - 1].startswith("|")]
        for start in starts:
            assert start > 0 and lines[start - 1] == "", f"{path}:{start + 1}: a table starts after a blank line"
            assert TABLE_SEPARATOR.match(lines[start + 1]), f"{path}:{start + 2}: the header's separator row"


DEV_GROUP_PROSE = re.compile(r"dependency group \(([^)]*)\)")


def test_the_readmes_name_the_dev_groups_tools(combination: tuple[dict[str, str], Path]) -> None:
    """Where a README says what the dev group holds, it is what pyproject.toml's group holds."""
    _, project = combination
    group = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]["dev"]
    names = sorted(re.split(r"[<>=~!; \[]", requirement)[0] for requirement in group)
    said = [found for path in project.rglob("README.md") for found in DEV_GROUP_PROSE.findall(path.read_text())]
    for prose in said:
        assert sorted(re.split(r", | and ", prose)) == names, prose


def test_a_new_plugin_carries_no_example_work(combination: tuple[dict[str, str], Path]) -> None:
    """plugin-only makes a plugin to fill in: no greeting from the host's example plugin."""
    answers, project = combination
    if answers["scaffold"] != "plugin-only":
        return
    for name in files(project):
        text = (project / name).read_text(encoding="utf-8")
        assert not re.search(r"(?i)hello, |greet", text), name


def test_toml_and_json_parse(combination: tuple[dict[str, str], Path]) -> None:
    answers, project = combination
    tomls = list(project.rglob("*.toml"))
    assert len(tomls) == (3 if answers["scaffold"] == "host-and-plugin" else 1), "the workspace's and each dist's"
    for path in tomls:
        tomllib.loads(path.read_text(encoding="utf-8"))
    for path in project.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def test_ruff_is_clean(combination: tuple[dict[str, str], Path]) -> None:
    _, project = combination
    for dist in {path.parent for path in project.rglob("pyproject.toml")} - {project} or {project}:
        sh(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=dist)
        sh(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".", cwd=dist)


def test_every_pyproject_passes_validate_pyproject(combination: tuple[dict[str, str], Path]) -> None:
    """Standard metadata only: entry points included, as every build backend checks them."""
    _, project = combination
    sh(sys.executable, "-m", "validate_pyproject", *sorted(project.rglob("pyproject.toml")))


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_combinations_stop_with_their_reason(
    case: str, cookies: object, capfd: pytest.CaptureFixture[str]
) -> None:
    answers, reason = REFUSED[case]
    result = cookies.bake(extra_context=answers)  # type: ignore[attr-defined]
    assert result.exit_code != 0
    err = capfd.readouterr().err
    assert reason in err, err
    assert not Path(result.project_path or "/nonexistent").exists()
