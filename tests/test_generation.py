"""Baking beyond the static checks of the combination table (test_combinations.py): nothing of
another style, strict types, metadata from answers, and the table's other rows built and tested."""

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
from conftest import HOST_SKIPS, ROOT, STYLES, SUITE, Baked, Venv, assert_suite_passed, bake, sh
from helpers import choices, combinations, extras


def test_nothing_of_other_styles_remains(baked: Baked) -> None:
    others = [s for s in STYLES if s != baked.style]
    text = "\n".join(p.read_text() for p in baked.project.rglob("*.py"))
    for other in others:
        module = "discovery_" + other.replace("-", "_")
        assert module not in text and not list(baked.project.rglob(module + ".py"))
    if baked.style != "entry-point":
        assert "entry-points" not in (baked.plugin_dir / "pyproject.toml").read_text()
        assert "importlib.metadata import Distribution" not in text


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


# The table's host-and-plugin rows that are not a default bake (the `baked` fixture builds
# and tests those, in every style), and in every style and contract each extra left out
# alone and all of them together (and, for the other contract, none): built, installed and
# tested here.
OPTIONS = choices()
EXTRAS = extras()
CONTRACTS = OPTIONS["contract"]
BUILT = {
    case: answers
    for case, answers in combinations().items()
    if answers["scaffold"] == "host-and-plugin"
    and any(value != OPTIONS[name][0] for name, value in answers.items() if name != "discovery")
}
LEFT_OUT = [[extra] for extra in EXTRAS] + [EXTRAS]


def left_out(answers: dict[str, str]) -> list[str]:
    """The extras that `answers` leave out of the host."""
    return [extra for extra in EXTRAS if answers.get(extra) == "no"]


def built(style: str, contract: str, extras_left_out: list[str]) -> bool:
    """Whether a row of BUILT (or the default bake) leaves exactly `extras_left_out` out of a
    host of `style` and `contract`."""
    if contract == CONTRACTS[0] and not extras_left_out:
        return True  # the `baked` fixture's
    return any(
        row["discovery"] == style and row.get("contract", CONTRACTS[0]) == contract and left_out(row) == extras_left_out
        for row in BUILT.values()
    )


for _style in STYLES:
    for _contract in CONTRACTS:
        for _extras in [[], *LEFT_OUT]:
            if not built(_style, _contract, _extras):
                _case = ",".join(["host-and-plugin", _style, f"contract={_contract}", *(f"{x}=no" for x in _extras)])
                BUILT[_case] = {
                    "scaffold": "host-and-plugin",
                    "discovery": _style,
                    "contract": _contract,
                    **dict.fromkeys(_extras, "no"),
                }
# What leaving an extra out removes from the command line.
EXTRA_COMMANDS = {"search": ["search"], "install": ["install", "uninstall"], "cache": []}


def test_every_extra_is_built_alone_and_with_the_others() -> None:
    assert set(EXTRA_COMMANDS) == set(EXTRAS)
    assert all(
        built(style, contract, extras_left_out)
        for style in STYLES
        for contract in CONTRACTS
        for extras_left_out in [[], *LEFT_OUT]
    )


@pytest.mark.parametrize("case", list(BUILT))
def test_a_combination_builds_installs_and_passes_its_suites(
    cookies: object, case: str, tmp_path: Path, wheelhouse: Path
) -> None:
    """A row of the combination table, end to end: ruff, mypy, both wheels, one environment,
    both suites, the example plugin discovered; what an answer prunes is gone from the
    command line, and without the cache nothing is cached."""
    answers = BUILT[case]
    project = bake(cookies, **answers)
    host, plugin = project / "my-app", project / "my-app-hello"
    mypy = (sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, "src")
    for dist in (host, plugin):
        sh(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=dist)
        sh(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".", cwd=dist)
        sh(*mypy, cwd=dist, env={**os.environ, "MYPYPATH": str(host / "src")})
        sh(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist", dist)
    venv = Venv(tmp_path / "venv", tmp_path / "cache")
    venv.pip("install", *(tmp_path / "dist").glob("*.whl"), "pytest")
    for dist in (host, plugin):
        assert_suite_passed(venv.run(venv.python, "-m", "pytest", *SUITE, cwd=dist), HOST_SKIPS)
    venv.settle()
    assert venv.plugins("my-app")["hello"]["status"] == "ok"
    if answers.get("contract") == "hooks":
        assert venv.plugins("my-app")["hello"]["hooks"] == ["greet", "register_commands"]
        assert venv.host("my-app", "hello", "Ada").stdout.startswith("Hello, Ada!")
        assert venv.host("my-app", "greet", "Ada").stdout.startswith("Hello, Ada!")
    else:
        assert venv.host("my-app", "run", "hello").returncode == 0
    assert bool(venv.cache_files("my-app")) == (answers.get("cache", "yes") == "yes")
    help_text = venv.host("my-app", "--help").stdout
    for extra, commands in EXTRA_COMMANDS.items():
        for command in commands:
            listed = re.search(rf"^    {command}(\s|$)", help_text, re.MULTILINE) is not None
            assert listed == (answers.get(extra, "yes") == "yes"), command
            if answers.get(extra, "yes") == "no":
                assert venv.host("my-app", command, check=False).returncode == 2
