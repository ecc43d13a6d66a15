"""Shared fixtures: bake once per style, build once per distribution, reuse environments.

Slow steps are timed and summarised at the end of the run. What the benchmark uses
too (virtual environments, a bake's names and builds, where a style puts a plugin)
lives in helpers.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import helpers
import pytest
from helpers import ROOT, TEMPLATE_PARTS, is_host_switch, plugin_package, styles, without_host_switches
from wheelhouse import WHEELHOUSE
from wheelhouse import is_filled as wheelhouse_is_filled

TEMPLATE = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
STYLES: list[str] = styles()
SCAFFOLDS: list[str] = TEMPLATE["scaffold"]
DEFAULT_SCAFFOLD = SCAFFOLDS[0]
# Slow steps timed in this process since its last test report, and those reported so far
# (by this process's tests, or by pytest-xdist's workers through each report's user_properties).
TIMINGS: list[tuple[str, float]] = []
SLOW_STEPS: list[tuple[str, float]] = []


@contextmanager
def timed(what: str) -> Iterator[None]:
    """Record how long a slow step takes, for the summary at the end."""
    start = time.perf_counter()
    yield
    TIMINGS.append((what, time.perf_counter() - start))


def copy_template(copy: Path) -> Path:
    """Copy the template's parts, and its README, to a new git repository at `copy` (as cruft wants one)."""
    helpers.copy_parts(ROOT, copy, (*TEMPLATE_PARTS, "README.md"))
    sh(*GIT, "init", "-q", cwd=copy)
    commit(copy, "template")
    return copy


def offline(env: dict[str, str]) -> dict[str, str]:
    """`env` with pip and uv kept off the network: the wheelhouse is the only index
    (isolated builds install their backend from it, too). A value the test set itself
    stays; one merely inherited from the machine (its own PIP_FIND_LINKS) does not."""
    defaults = {
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(WHEELHOUSE),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "UV_OFFLINE": "1",
    }
    return {**env, **{key: value for key, value in defaults.items() if env.get(key) == os.environ.get(key)}}


def pytest_configure(config: pytest.Config) -> None:
    """Bake a pristine copy of this template, wherever pytest runs from and whatever was baked here.

    The host's switches are dropped from this process's environment first, so that no
    test, and nothing a test starts (also through ``{**os.environ, ...}``), inherits them:
    one exported in the developer's shell (MY_APP_LOAD_PLUGINS= hides every plugin) must
    not change what the tests see.
    """
    for name in [name for name in os.environ if is_host_switch(name)]:
        del os.environ[name]
    work = Path(tempfile.mkdtemp(prefix="template-tests-"))
    config.add_cleanup(lambda: shutil.rmtree(work, ignore_errors=True))
    config.option.template = str(copy_template(work / "template"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Hand the slow steps timed since the last report to this report, which xdist sends on."""
    report: pytest.TestReport = yield
    report.user_properties.extend(("slow step", step) for step in TIMINGS)
    TIMINGS.clear()
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep the slow steps a report carries, for the summary."""
    SLOW_STEPS.extend(tuple(value) for key, value in report.user_properties if key == "slow step")  # type: ignore[misc]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the slow steps, slowest first."""
    steps = SLOW_STEPS + TIMINGS
    if steps:
        terminalreporter.section("slow steps")
        for what, seconds in sorted(steps, key=lambda t: -t[1])[:25]:
            terminalreporter.write_line(f"{seconds:7.1f} s  {what}")


def sh(*command: str | Path, check: bool = True, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing text output; on failure, fail with all it printed.

    Without `env`, the command gets this process's environment without the host's
    switches; with or without, pip and uv stay offline unless `env` says otherwise.
    """
    kwargs.setdefault("timeout", 600)
    env = kwargs.get("env")
    kwargs["env"] = offline(without_host_switches(os.environ) if env is None else dict(env))  # type: ignore[call-overload]
    try:
        return helpers.run(command, check=check, **kwargs)
    except helpers.CommandFailed as failed:
        pytest.fail(str(failed), pytrace=False)


class Venv(helpers.Venv):
    """A fresh virtual environment, filled by the test run's own pip."""

    def __init__(self, path: Path, cache: Path, *, user_site: bool = False) -> None:
        """Create it; `user_site` enables ``pip install --user``, into a private user base."""
        with timed(f"venv {path.name}"):
            sh(sys.executable, "-m", "venv", "--without-pip", *["--system-site-packages"] * user_site, path)
        super().__init__(path)
        # No bytecode written: tests run the generated code inside the shared bakes.
        self.env = {**helpers.host_environment(cache), "PYTHONDONTWRITEBYTECODE": "1"}
        # A venv has a user site only with the system site-packages; keep it private.
        self.user_env = {"PYTHONUSERBASE": str(path / "userbase")} if user_site else {}
        self.env.update(self.user_env)

    def pip(self, *args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
        """Run pip for this environment, offline, from the wheelhouse."""
        offline = ("--no-index", "--find-links", str(WHEELHOUSE)) if args[0] == "install" else ()
        with timed(f"pip {args[0]} in {self.path.name}"):
            return sh(
                *self.pip_command(),
                *args,
                *offline,
                "-q",
                env={**without_host_switches(os.environ), **self.user_env},  # pip keeps the machine's own cache
                **kwargs,
            )

    def run(self, *args: str | Path, check: bool = True, **kwargs: object) -> subprocess.CompletedProcess[str]:
        """Run a program of this environment."""
        env = {**self.env, **kwargs.pop("env", {})}  # type: ignore[dict-item]
        return sh(*args, check=check, env=env, **kwargs)

    def host(self, slug: str, *args: str, check: bool = True, **kwargs: object) -> subprocess.CompletedProcess[str]:
        """Run the host's console command, from a clean working directory."""
        kwargs.setdefault("cwd", self.path)
        return self.run(self.bin / slug, *args, check=check, **kwargs)

    def plugins(self, slug: str, **kwargs: object) -> dict[str, dict[str, object]]:
        """Return ``plugins --json`` by plugin name."""
        reports = json.loads(self.host(slug, "plugins", "--json", **kwargs).stdout)
        return {r["name"]: r for r in reports}

    def settle(self, *more: Path) -> None:
        """Date the folders and files of site-packages, of bin (a console script's sys.path[0])
        and of `more` 10 s back, so that the host trusts and caches them: it stores no
        discovery result while a folder or file it watches is newer than 2 s."""
        past = time.time() - 10
        for root in (self.bin, self.site, *more):
            for folder, _, files in os.walk(root):
                for path in (folder, *(os.path.join(folder, name) for name in files)):
                    os.utime(path, (past, past), follow_symlinks=False)

    def cache_files(self, slug: str) -> list[Path]:
        """The host's discovery cache files."""
        return helpers.cache_files(Path(self.env["XDG_CACHE_HOME"]), slug)


@pytest.fixture(scope="session")
def wheelhouse() -> Path:
    """Wheels of what the generated projects' tests need, downloaded before the tests start
    (the README's test command runs tests/wheelhouse.py): the tests need no network."""
    if not wheelhouse_is_filled():
        pytest.fail(f"the wheelhouse {WHEELHOUSE} is not filled: run `python tests/wheelhouse.py` first", pytrace=False)
    return WHEELHOUSE


# How the tests run a generated suite: quietly, with the reason of every skip listed
# (for assert_suite_passed), and no .pytest_cache written into the tree it runs in.
SUITE = ("-q", "-rs", "-p", "no:cacheprovider")
# A generated suite's summary line, as ``pytest -q`` ends: "12 passed, 1 skipped in 3.40s".
SUMMARY = re.compile(r"^=*\s*((?:\d+ [a-z]+(?:, )?)+) in [\d.]+s\b", re.MULTILINE)
# SKIPPED lines of ``-rs``: "SKIPPED [1] tests/test_cli.py:74: reason".
SKIPPED = re.compile(r"^SKIPPED \[(\d+)\] ([^\n]*)$", re.MULTILINE)
# Skips of the host's suite that depend on the machine, not on the code: only root can
# hand a folder to another user (CI runners are not root).
HOST_SKIPS: tuple[str, ...] = () if os.name == "posix" and os.geteuid() == 0 else ("only root can give",)


def assert_suite_passed(result: subprocess.CompletedProcess[str] | str, allowed_skips: tuple[str, ...] = ()) -> None:
    """Fail unless every pytest summary in the output says passed, with no failure or error,
    and every skip is an expected one: its reason (``-rs`` lists them) contains one of
    `allowed_skips`. A skipped test proves nothing, so an unexpected one is a failure."""
    output = result if isinstance(result, str) else result.stdout
    summaries = SUMMARY.findall(output)
    assert summaries, f"no pytest summary line in:\n{output}"
    for summary in summaries:
        counts = {word: int(n) for n, word in re.findall(r"(\d+) ([a-z]+)", summary)}
        assert counts.get("passed", 0) > 0, f"nothing passed: {summary}\n{output}"
        bad = {k: v for k, v in counts.items() if k in ("failed", "error", "errors", "xpassed", "xfailed")}
        assert not bad, f"{summary}\n{output}"
        if counts.get("skipped"):
            reasons = SKIPPED.findall(output)
            assert reasons, f"skips without reasons (run pytest with -rs): {summary}\n{output}"
            unexpected = [reason for _, reason in reasons if not any(a in reason for a in allowed_skips)]
            assert not unexpected, "unexpected skips:\n" + "\n".join(unexpected)


def tools_env(home: Path, *find_links: Path) -> dict[str, str]:
    """Environment for pipx (pip backend) and uv with their homes under `home`, offline:
    they install from the wheelhouse and `find_links` only."""
    links = [WHEELHOUSE, *find_links]
    homes = {
        **{"PIPX_HOME": home / "pipx", "PIPX_BIN_DIR": home / "bin", "PIPX_MAN_DIR": home / "man"},
        **{"UV_CACHE_DIR": home / "uv-cache", "UV_TOOL_DIR": home / "uv-tools", "UV_TOOL_BIN_DIR": home / "bin"},
    }
    offline = {
        **{"PIPX_DEFAULT_BACKEND": "pip", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        "PIP_FIND_LINKS": " ".join(map(str, links)),
        **{"UV_OFFLINE": "1", "UV_NO_INDEX": "1", "UV_PYTHON_DOWNLOADS": "never", "UV_PYTHON": sys.executable},
        "UV_FIND_LINKS": ",".join(map(str, links)),
    }
    return {**os.environ, **{k: str(v) for k, v in homes.items()}, **offline}


# requirements-test.txt installs both beside this Python.
PIPX = Path(sys.executable).parent / "pipx"
UV = Path(sys.executable).parent / "uv"
UVX = Path(sys.executable).parent / "uvx"


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session-wide scratch folder."""
    return tmp_path_factory.mktemp("work")


GIT = ("git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main")


def commit(repo: Path, message: str) -> None:
    """Commit everything in `repo`."""
    sh(*GIT, "add", "-A", cwd=repo)
    sh(*GIT, "commit", "-q", "--allow-empty", "-m", message, cwd=repo)  # a bake may have committed it all


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A git copy of this template, to bake from or change."""
    return copy_template(tmp_path / "template")


def files(root: Path) -> set[str]:
    """Every file under `root` but git's own (``.git/``), as a relative POSIX path."""
    found = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return {f for f in found if f != ".git" and not f.startswith(".git/")}


def bake(cookies: object, **answers: str) -> Path:
    """Bake the template with these answers and return the project folder."""
    with timed(f"bake {answers}"):
        result = cookies.bake(extra_context=answers)  # type: ignore[attr-defined]
    assert result.exception is None, f"bake failed: {result.exception!r}"
    assert result.exit_code == 0
    return Path(result.project_path)


class Baked(helpers.Baked):
    """One style baked with the defaults, its distributions built once (offline, timed)."""

    def run_build(self, command: list[str], source: Path) -> None:
        """Run a build the way the tests run every command: offline, failing the test if it fails."""
        with timed(f"build {source.name} ({self.style})"):
            sh(*command)


@pytest.fixture(scope="session", params=STYLES)
def baked(request: pytest.FixtureRequest, cookies_session: object, workdir: Path) -> Iterator[Baked]:
    """The template baked with its defaults and each discovery style.

    Tests share it, in any order, so none may write in it: they build, lint and test in
    copies, or with caches and bytecode elsewhere. Its git status proves it at the end.
    """
    style = request.param
    project = bake(cookies_session, discovery=style)
    yield Baked(style, project, workdir / f"dist-{style}")
    status = sh("git", "status", "--porcelain", "--ignored", "--untracked-files=all", cwd=project).stdout
    assert status == "", f"tests wrote into the shared bake {project}:\n{status}"


@pytest.fixture(scope="session")
def host_env(baked: Baked, wheelhouse: Path, workdir: Path) -> Venv:
    """A fresh environment with the host installed from its wheel (and pytest)."""
    venv = Venv(workdir / f"venv-{baked.style}", workdir / f"cache-{baked.style}")
    venv.pip("install", baked.build(baked.host_dir)[1], "pytest")
    return venv


@pytest.fixture(scope="session")
def plugin_wheel(cookies_session: object, workdir: Path) -> object:
    """Build a wheel of a plugin-only bake for an existing host, optionally edited first.

    ``plugin_wheel(baked, "weather", source="...")`` replaces the plugin module's
    code; ``version=``, ``api=`` and ``distribution=`` change what its metadata declares.
    """
    built: dict[tuple[object, ...], Path] = {}

    def make(
        baked: Baked,
        name: str,
        source: str | None = None,
        version: str = "0.1.0",
        api: int = 1,
        distribution: str | None = None,
    ) -> Path:
        key = (baked.style, name, source, version, api, distribution)
        if key not in built:
            project = bake(
                cookies_session, scaffold="plugin-only", discovery=baked.style, plugin_name=name, version=version
            )
            module = plugin_module(project, baked, name)
            if source is not None:
                module.write_text(source)
            pyproject = project / "pyproject.toml"
            text = pyproject.read_text().replace(".plugins.v1", f".plugins.v{api}")
            if distribution:
                text = text.replace(f'name = "{baked.slug}-{name}"', f'name = "{distribution}"')
            pyproject.write_text(text)
            out = workdir / f"plugin-{baked.style}-{len(built)}"
            with timed(f"build plugin {name} ({baked.style})"):
                sh(sys.executable, "-m", "build", "--wheel", "--outdir", out, project)
            (built[key],) = out.glob("*.whl")
        return built[key]

    return make


def plugin_module(project: Path, baked: Baked, name: str) -> Path:
    """Return the ``__init__.py`` of plugin `name` in a plugin project."""
    return project / "src" / plugin_package(baked.style, baked.package, name) / "__init__.py"


TOOLS = Path(sys.executable).parent


def tool(name: str) -> str:
    """A test tool installed beside this interpreter (requirements-test.txt), or on PATH."""
    found = shutil.which(name, path=str(TOOLS)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -r requirements-test.txt"
    return found


@pytest.fixture(scope="session")
def uv_env(wheelhouse: Path, workdir: Path) -> dict[str, str]:
    """uv offline: no index, the wheelhouse as its only source, this interpreter, a private cache."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("UV_")}
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "CONDA_PREFIX"):
        env.pop(name, None)
    return {
        **env,
        "UV_OFFLINE": "1",
        "UV_NO_INDEX": "1",
        "UV_FIND_LINKS": str(wheelhouse),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_CONFIG": "1",
        "UV_CACHE_DIR": str(workdir / "uv-cache"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def uv(env: dict[str, str], *args: str | Path, **kwargs: object) -> str:
    """Run uv offline; return what it printed."""
    with timed(f"uv {args[0]}"):
        return sh(tool("uv"), *args, env=env, **kwargs).stdout


def run_as_written(
    blocks: list[str], where: Path, stdin: str = "", check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `blocks` in order in one bash, started in `where`, with the test environment's
    cruft, cookiecutter and python first on PATH and pip kept off the network."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PATH": path, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    # A reader whose git knows who they are, whatever this machine's git config says.
    who = {"GIT_AUTHOR_NAME": "Reader", "GIT_COMMITTER_NAME": "Reader"}
    who |= {"GIT_AUTHOR_EMAIL": "reader@example.com", "GIT_COMMITTER_EMAIL": "reader@example.com"}
    env = {**who, **env}
    with timed("the update section, as written"):
        return sh("bash", "-e", "-c", "\n".join(blocks), cwd=where, env=env, input=stdin, check=check)


def improve_template(template: Path) -> None:
    """Commit a change to the template that every README shows: the news an update takes in."""
    partial = template / "templates/readme-develop.md.j2"
    partial.write_text(partial.read_text() + "\nSee CONTRIBUTING for the release checklist.\n")
    commit(template, "template improvement")


def update_blocks(readme: Path, tool: str) -> list[str]:
    """The console blocks of a README's update section that a project made with `tool` runs,
    in order: the section's opening (starting the repository), then ``### Made with <tool>``."""
    section = readme.read_text().split("## Take in template updates", 1)[1].split("\n## ", 1)[0]
    opening, *parts = section.split("\n### ")
    (part,) = [part for part in parts if part.startswith(f"Made with {tool}\n")]
    return re.findall(r"^```console\n(.*?)^```$", opening + part, flags=re.S | re.M)
