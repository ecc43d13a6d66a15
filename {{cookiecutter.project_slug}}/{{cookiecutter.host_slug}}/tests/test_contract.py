"""The plugin contract as the host's tests see it: the one file to change with it.

The fake plugin's body (:data:`OK`), how a test uses a plugin (:func:`use`), and
the tests of the contract itself (what a plugin must provide, what its results
mean) live here; every other test file reaches plugins through these alone. When
the contract in ``src/{{ cookiecutter.host_package }}/contract.py`` changes, this file
changes with it (see the README's "Changing the plugin contract").
"""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from support import PROG, RunHost, Site, listing, one_line_error

#: The command that exposes the contract.
COMMAND = "run"

#: The body of a plugin that keeps the contract. ``run`` prints its arguments and
#: exits with the first one, so tests can see that the exit code propagates.
OK = """
API_VERSION = 1
SUMMARY = f"The {NAME} plugin."


def run(args):
    print(NAME, "ran with", args)
    return int(args[0]) if args else 0
"""

#: Where the work of an OK plugin starts, for :func:`raising`.
_WORK = "    print(NAME"


def use_args(name: str) -> list[str]:
    """Return the command-line words that use plugin `name` (after the program's name)."""
    return [COMMAND, name]


def use(
    run_host: RunHost, name: str, *, debug: bool = False, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """Use plugin `name` through the contract's command, as a user would."""
    return run_host(*["--debug"] * debug, *use_args(name), **kwargs)


def ran(name: str) -> str:
    """Return what an OK plugin `name` prints when it is used."""
    return f"{name} ran with"


def raising(statement: str) -> str:
    """Return the body of a plugin that runs `statement` (say, a raise) when it is used."""
    return OK.replace(_WORK, f"    {statement}\n{_WORK}")


def test_run_passes_arguments_and_exit_code(site: Site, run_host: RunHost) -> None:
    site.add("alpha")
    result = run_host("run", "alpha", "3", "--flag")
    assert result.returncode == 3
    assert result.stdout == "alpha ran with ['3', '--flag']\n"
    assert result.stderr == ""
    assert run_host("run", "alpha").returncode == 0


def test_plugins_that_break_the_contract_fail(site: Site, run_host: RunHost) -> None:
    site.add("no_run", "API_VERSION = 1\nSUMMARY = 'no run'\n")
    site.add("no_api", "SUMMARY = 'no API_VERSION'\n\ndef run(args):\n    return 0\n")
    site.add("text_api", OK.replace("API_VERSION = 1", "API_VERSION = '1'"))
    site.add("good")
    reports = listing(run_host("plugins", "--json"))
    assert reports["good"]["status"] == "ok"
    assert reports["no_run"]["status"] == "failed"
    assert "no run(args)" in reports["no_run"]["error"]
    for name in ("no_api", "text_api"):
        assert reports[name]["status"] == "failed"
        assert f"'{name}'" in reports[name]["error"]
        assert "API_VERSION" in reports[name]["error"]
    assert "no run(args)" in one_line_error(run_host("run", "no_run"))


def test_run_returning_none_exits_0(site: Site, run_host: RunHost) -> None:
    site.add("quiet", OK.replace("return int(args[0]) if args else 0", "return None"))
    assert run_host("run", "quiet", "7").returncode == 0


def returning(value: str) -> str:
    """Return the body of a plugin whose run() returns the Python expression `value`."""
    return OK.replace("return int(args[0]) if args else 0", f"return {value}")


@pytest.mark.parametrize("value", ["255", "0", "ExitCode.USAGE"])
def test_run_returning_an_exit_code_exits_with_it(
    site: Site, run_host: RunHost, value: str
) -> None:
    enum = "import enum\n\nclass ExitCode(enum.IntEnum):\n    USAGE = 64\n"
    site.add("coded", enum + returning(value))
    expected = {"255": 255, "0": 0, "ExitCode.USAGE": 64}[value]
    assert run_host("run", "coded").returncode == expected


@pytest.mark.parametrize("value", ["256", "-1", "'1'", "True", "False", "1.0", "[0] * 1000"])
def test_run_returning_a_non_exit_code_breaks_the_contract(
    site: Site, run_host: RunHost, value: str
) -> None:
    site.add("sloppy", returning(value))
    result = run_host("run", "sloppy")
    assert result.returncode == 1  # 256 would exit 0, True 1, and "1" was taken for 0
    message = one_line_error(result)
    assert "'sloppy'" in message
    assert f"{PROG}-sloppy 1.0" in message
    assert f"run() returned {value if len(value) < 10 else '[0, 0, 0'}" in message
    assert "from 0 to 255" in message


@pytest.mark.parametrize("body", [returning("256"), "API_VERSION = 1\nSUMMARY = 'no run'\n"])
def test_a_contract_error_offers_no_traceback(site: Site, run_host: RunHost, body: str) -> None:
    """Nothing of the plugin's raised: a traceback would show only the host's own code."""
    site.add("sloppy", body)
    message = one_line_error(run_host("run", "sloppy"))
    assert "breaks the plugin contract" in message
    assert "--debug" not in message
    debug = run_host("--debug", "run", "sloppy")
    assert debug.returncode == 1
    assert "Traceback" not in debug.stderr
    assert one_line_error(debug) == message


@pytest.mark.parametrize(
    ("call", "code", "detail"),
    [
        ("sys.exit(3)", 3, None),
        ("sys.exit()", 0, None),
        ("sys.exit(256)", 1, "run() exited with 256"),
        ("sys.exit('bad input, see --help')", 1, "exited: bad input, see --help"),
    ],
)
def test_sys_exit_in_run_is_an_exit_code(
    site: Site, run_host: RunHost, call: str, code: int, detail: str | None
) -> None:
    site.add("exits", "import sys\n" + returning(call))
    result = run_host("run", "exits")
    assert result.returncode == code
    if detail:
        message = one_line_error(result)
        assert "'exits'" in message and detail in message


@pytest.mark.parametrize("missing", ["SUMMARY", "API_VERSION", "run"])
def test_a_module_getattr_that_raises_is_contained(
    site: Site, run_host: RunHost, missing: str
) -> None:
    body = OK.replace("API_VERSION = 1", "API_VERSION = 1" if missing != "API_VERSION" else "")
    body = body.replace("SUMMARY =", "SUMMARY =" if missing != "SUMMARY" else "_SUMMARY =")
    body = body.replace("def run(", "def run(" if missing != "run" else "def _run(")
    body += "\n\ndef __getattr__(name):\n    raise LookupError(f'{name} is looked up lazily')\n"
    site.add("alpha")
    site.add("lazy", body)
    reports = listing(run_host("plugins", "--json"))
    assert reports["alpha"]["status"] == "ok"
    assert reports["lazy"]["status"] == "failed"
    assert f"{PROG}-lazy 1.0" in reports["lazy"]["error"]
    assert f"LookupError: {missing} is looked up lazily" in reports["lazy"]["error"]
    if missing != "SUMMARY":
        assert f"LookupError: {missing}" in one_line_error(run_host("run", "lazy"))
