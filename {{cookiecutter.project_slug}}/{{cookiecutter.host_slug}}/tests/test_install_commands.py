"""``install`` and ``uninstall``, switches by distribution name, and plugins in ``--help``.

The installer is faked: a ``pip`` package on PYTHONPATH that logs its arguments
and copies a staged site into the first site (or removes it again), so these
tests never reach an index. The template's tests install real wheels.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import (
    PACKAGE,
    PROG,
    RunHost,
    Sandbox,
    Site,
    listing,
    modules_imported_by,
    one_line_error,
)
from test_contract import ran, use, use_args

SRC = Path(__file__).resolve().parents[1] / "src"

FAKE_PIP = """
import json, os, shutil, sys
from pathlib import Path

with open(os.environ["FAKE_PIP_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
code = int(os.environ.get("FAKE_PIP_EXIT", "0"))
if code:
    print("ERROR: the fake pip fails, as asked", file=sys.stderr)
    sys.exit(code)
stage, target = Path(os.environ["FAKE_PIP_STAGE"]), Path(os.environ["FAKE_PIP_TARGET"])
if sys.argv[1] == "install":
    for old in filter(None, os.environ.get("FAKE_PIP_REPLACE", "").split(os.pathsep)):
        shutil.rmtree(old)
    shutil.copytree(stage, target, dirs_exist_ok=True)
else:
    for path in stage.rglob("*"):
        if path.is_file():
            (target / path.relative_to(stage)).unlink(missing_ok=True)
    for path in stage.glob("*.dist-info"):
        shutil.rmtree(target / path.name, ignore_errors=True)
"""


class Installer:
    """The fake pip: what it installs (`stage`), where to (`target`), and what it was asked."""

    def __init__(self, sandbox: Sandbox, target: Site, tools: Site) -> None:
        self.stage = Site(sandbox.root / "stage", sandbox.markers)
        self.target = target
        self.log = sandbox.root / "pip.log"
        tools.write("pip/__init__.py", "")
        tools.write("pip/__main__.py", FAKE_PIP)

    def env(self, **extra: str) -> dict[str, str | None]:
        """Return the variables the fake pip reads, plus `extra`."""
        return {
            "FAKE_PIP_LOG": str(self.log),
            "FAKE_PIP_STAGE": str(self.stage),
            "FAKE_PIP_TARGET": str(self.target),
            **extra,
        }

    def calls(self) -> list[list[str]]:
        """Return the argument lists pip was run with."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def pip(sandbox: Sandbox, site: Site, make_site: Callable[[], Site]) -> Installer:
    return Installer(sandbox, site, make_site())


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """A virtual environment without pip, named as the host (as tool managers name it)."""
    path = tmp_path / "envs" / PROG
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", path], check=True)
    return path


def python_of(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run_in(
    venv: Path, sandbox: Sandbox, *args: str, env: dict[str, str | None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the host from its source with `venv`'s interpreter, the sandbox's sites after it."""
    environ = sandbox.env(env)
    environ["PYTHONPATH"] = os.pathsep.join([str(SRC), environ["PYTHONPATH"]])
    return subprocess.run(
        [str(python_of(venv)), "-m", PACKAGE, *args],
        env=environ,
        cwd=sandbox.cwd,
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def last_error(result: subprocess.CompletedProcess[str]) -> str:
    """Return the last line on stderr, which must be the host's one-line error."""
    assert result.returncode != 0, result.stdout
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"{PROG}: error: "), result.stderr
    return line


# install and uninstall, with pip


def test_install_a_wheel_and_say_which_plugin_appeared(
    pip: Installer, sandbox: Sandbox, run_host: RunHost
) -> None:
    pip.stage.add("alpha", version="1.5")
    (sandbox.cwd / f"{PACKAGE}_alpha-1.5-py3-none-any.whl").write_bytes(b"")
    wheel = f"./{PACKAGE}_alpha-1.5-py3-none-any.whl"
    result = run_host("install", wheel, env=pip.env())
    assert result.returncode == 0, result.stderr
    assert f"installed plugin alpha ({PROG}-alpha 1.5)" in result.stdout
    ((action, *options, requirement),) = pip.calls()
    assert (action, requirement) == ("install", str(sandbox.cwd / wheel))  # absolute: no option
    assert "--upgrade" not in options and "-e" not in options
    assert ran("alpha") in use(run_host, "alpha").stdout


def test_upgrade_and_editable_are_passed_through(
    pip: Installer, sandbox: Sandbox, run_host: RunHost
) -> None:
    pip.stage.add("alpha")
    (sandbox.cwd / "alpha").mkdir()
    result = run_host("install", "-U", "-e", "alpha", env=pip.env())
    assert result.returncode == 0, result.stderr
    (call,) = pip.calls()
    assert call[0] == "install" and "--upgrade" in call
    assert call[-2:] == ["-e", str(sandbox.cwd / "alpha")]
    assert run_host("install", "--upgrade", "--editable", "alpha", env=pip.env()).returncode == 0
    assert pip.calls()[1] == call


def test_an_upgrade_says_what_changed(pip: Installer, site: Site, run_host: RunHost) -> None:
    old = site.add("alpha", version="1.0")
    pip.stage.add("alpha", version="2.0")
    result = run_host("install", "-U", f"{PROG}-alpha", env=pip.env(FAKE_PIP_REPLACE=str(old)))
    assert result.returncode == 0, result.stderr
    assert f"upgraded plugin alpha ({PROG}-alpha 1.0 -> {PROG}-alpha 2.0)" in result.stdout


def test_uninstall_by_distribution_or_plugin_name(pip: Installer, run_host: RunHost) -> None:
    pip.stage.add("alpha")
    assert run_host("install", f"{PROG}-alpha", env=pip.env()).returncode == 0
    result = run_host("uninstall", f"{PROG.upper()}_ALPHA", env=pip.env())
    assert result.returncode == 0, result.stderr
    assert f"removed plugin alpha ({PROG}-alpha 1.0)" in result.stdout
    assert pip.calls()[-1][0] == "uninstall" and pip.calls()[-1][-1] == f"{PROG}-alpha"
    assert "--yes" in pip.calls()[-1]
    assert "alpha" not in listing(run_host("plugins", "--json"))
    assert run_host("install", f"{PROG}-alpha", env=pip.env()).returncode == 0
    assert run_host("uninstall", "alpha", env=pip.env()).returncode == 0
    assert pip.calls()[-1][-1] == f"{PROG}-alpha"


def test_a_failing_installer_ends_in_one_line_error(pip: Installer, run_host: RunHost) -> None:
    result = run_host("install", f"{PROG}-alpha", env=pip.env(FAKE_PIP_EXIT="3"))
    assert result.returncode == 1
    assert "fake pip fails" in result.stderr  # pip's own output goes first
    assert "pip install failed with exit code 3" in last_error(result)
    assert "Traceback" not in result.stderr


def test_a_bare_word_is_refused_and_the_conventional_name_suggested(
    pip: Installer, run_host: RunHost
) -> None:
    message = one_line_error(run_host("install", "weather", env=pip.env()))
    assert f"did you mean {PROG}-weather?" in message and "--name-is-exact" in message
    assert pip.calls() == []
    for exact in (["weather>=1"], ["--name-is-exact", "weather"], [f"{PROG}-weather"]):
        result = run_host("install", *exact, env=pip.env())
        assert result.returncode == 0, result.stderr
        assert pip.calls()[-1][-1] == exact[-1]
        assert "no plugin appeared" in result.stderr


@pytest.mark.parametrize(
    ("requirement", "says"),
    [("./missing.whl", "no such file or folder"), ("not a name!", "is not a requirement")],
)
def test_bad_requirements_get_one_line(
    pip: Installer, run_host: RunHost, requirement: str, says: str
) -> None:
    result = run_host("install", requirement, env=pip.env())
    assert result.returncode == 2
    assert says in one_line_error(result)
    assert pip.calls() == []


@pytest.mark.parametrize(
    "requirement",
    [
        "--index-url=http://127.0.0.1:9/simple/",
        " --index-url=http://127.0.0.1:9/simple/",
        "--requirement=http://127.0.0.1:9/requirements.txt",
        "-rhttp://127.0.0.1:9/requirements.txt",
        "-weird.whl",
    ],
)
def test_no_option_reaches_the_installer(
    pip: Installer, sandbox: Sandbox, run_host: RunHost, requirement: str
) -> None:
    (sandbox.cwd / "-weird.whl").write_bytes(b"")
    result = run_host("install", "--", requirement, f"{PROG}-alpha", env=pip.env())
    assert result.returncode == 2
    assert "is an option" in one_line_error(result)
    assert pip.calls() == []


def test_a_path_that_starts_with_a_dash_is_passed_as_a_path(
    pip: Installer, sandbox: Sandbox, run_host: RunHost
) -> None:
    pip.stage.add("alpha")
    (sandbox.cwd / "-weird.whl").write_bytes(b"")
    assert run_host("install", "./-weird.whl", env=pip.env()).returncode == 0
    assert pip.calls()[-1][-1] == str(sandbox.cwd / "-weird.whl")


def test_install_and_uninstall_run_no_code_from_the_working_directory(
    pip: Installer, sandbox: Sandbox, run_host: RunHost
) -> None:
    """``python -m pip`` and ``python -c`` would import a pip.py or json.py from it first."""
    pip.stage.add("alpha")
    for name in ("pip", "json"):
        (sandbox.cwd / f"{name}.py").write_text(
            f"open({str(sandbox.root / 'ran')!r}, 'a').write({name!r})\nraise SystemExit(9)\n"
        )
    assert run_host("install", f"{PROG}-alpha", env=pip.env()).returncode == 0
    assert run_host("uninstall", "alpha", env=pip.env()).returncode == 0
    assert [call[0] for call in pip.calls()] == ["install", "uninstall"]
    assert not (sandbox.root / "ran").exists()


@pytest.mark.parametrize("name", [PROG, PROG.upper().replace("-", "_")])
def test_uninstall_refuses_the_host(pip: Installer, run_host: RunHost, name: str) -> None:
    result = run_host("uninstall", name, env=pip.env())
    assert result.returncode == 2
    assert f"refusing to uninstall {PROG}" in one_line_error(result)
    assert pip.calls() == []


def test_uninstall_refuses_what_is_not_a_plugin(pip: Installer, run_host: RunHost) -> None:
    result = run_host("uninstall", "requests", env=pip.env())
    assert result.returncode == 2
    assert "neither a plugin nor the distribution of one" in one_line_error(result)
    assert pip.calls() == []


# no pip, uv, and the tool managers


def test_without_pip_or_uv_there_is_one_line_error(
    bare: Path, sandbox: Sandbox, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    result = run_in(
        bare, sandbox, "install", f"{PROG}-alpha", env={"PATH": str(tmp_path / "empty")}
    )
    assert result.returncode == 1
    assert "has no pip, and uv is not on PATH" in one_line_error(result)


@pytest.mark.skipif(os.name == "nt", reason="the fake uv is a POSIX script")
def test_without_pip_uv_installs_for_this_interpreter(
    bare: Path, sandbox: Sandbox, tmp_path: Path
) -> None:
    tools, log = tmp_path / "tools", tmp_path / "uv.log"
    tools.mkdir()
    uv = tools / "uv"
    uv.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n', encoding="utf-8")
    uv.chmod(0o755)
    result = run_in(bare, sandbox, "install", f"{PROG}-alpha", env={"PATH": str(tools)})
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == [
        "pip",
        "install",
        "--python",
        str(python_of(bare)),
        f"{PROG}-alpha",
    ]


@pytest.mark.parametrize(
    ("marker", "advice"),
    [
        ("uv-receipt.toml", f"uv tool install {PROG} --with={PROG}-beta --with="),
        ("pipx_metadata.json", f"pipx inject {PROG} "),
    ],
)
def test_tool_managed_environments_get_the_lasting_command(
    bare: Path, pip: Installer, sandbox: Sandbox, site: Site, marker: str, advice: str
) -> None:
    (bare / marker).write_text("", encoding="utf-8")
    site.add("beta")
    (sandbox.cwd / "alpha.whl").write_bytes(b"")
    pip.stage.add("alpha")
    result = run_in(bare, sandbox, "install", "alpha.whl", env=pip.env())
    message = one_line_error(result)
    assert result.returncode == 1
    assert advice + str(sandbox.cwd / "alpha.whl") in message, message
    assert "--force" in message
    assert pip.calls() == []
    forced = run_in(bare, sandbox, "install", "--force", "alpha.whl", env=pip.env())
    assert forced.returncode == 0, forced.stderr
    assert "installed plugin alpha" in forced.stdout
    removal = one_line_error(run_in(bare, sandbox, "uninstall", "alpha", env=pip.env()))
    lasting = "pipx uninject" if marker.startswith("pipx") else f"install {PROG} --with={PROG}-beta"
    assert lasting in removal and f"--with={PROG}-alpha" not in removal
    assert len(pip.calls()) == 1


@pytest.mark.parametrize("args", [["--version"], use_args("alpha"), ["plugins"]])
def test_other_commands_do_not_import_the_installer(
    site: Site, sandbox: Sandbox, args: list[str]
) -> None:
    site.add("alpha")
    assert f"{PACKAGE}.install" not in modules_imported_by(sandbox, args), "install was imported"
