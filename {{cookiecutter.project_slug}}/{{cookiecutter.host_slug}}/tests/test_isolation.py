"""A broken or incompatible plugin is reported, named, and never stops the host."""

from __future__ import annotations

import json
import sys

import pytest
from support import OK, PROG, RunHost, Sandbox, Site, listing, one_line_error

#: An exception whose own __str__ raises: even describing it must not crash the host.
UNPRINTABLE = """
class Unprintable(Exception):
    def __str__(self):
        raise ValueError("no message for you")
"""

BROKEN_IMPORTS = {
    "raises": "raise RuntimeError('boom at import')",
    "missing-dependency": "import no_such_module_for_this_test",
    "syntax-error": "def run(args:\n",
    "exits": "raise SystemExit(3)",
    "generator-exit": "raise GeneratorExit('at import')",
    "base-exception": "class Odd(BaseException):\n    pass\n\nraise Odd('odd')",
    "unprintable-exception": UNPRINTABLE + "\nraise Unprintable()",
}


@pytest.mark.parametrize("body", BROKEN_IMPORTS.values(), ids=BROKEN_IMPORTS.keys())
def test_import_failure_is_isolated(site: Site, run_host: RunHost, body: str) -> None:
    site.add("alpha")
    site.add("broken", body)
    site.add("omega")
    reports = listing(run_host("plugins", "--json"))
    assert reports["alpha"]["status"] == reports["omega"]["status"] == "ok"
    broken = reports["broken"]
    assert broken["status"] == "failed"
    assert "'broken'" in broken["error"]
    assert f"{PROG}-broken 1.0" in broken["error"]
    assert "failed to import" in broken["error"]
    assert run_host("run", "omega", "4").returncode == 4


def test_an_exception_that_cannot_be_printed_is_named(site: Site, run_host: RunHost) -> None:
    site.add("broken", BROKEN_IMPORTS["unprintable-exception"])
    error = listing(run_host("plugins", "--json"))["broken"]["error"]
    assert "failed to import: Unprintable (its message cannot be shown" in error
    message = one_line_error(run_host("run", "broken"))
    assert "Unprintable" in message
    assert "Traceback" not in message


def test_running_a_broken_plugin_prints_one_line(
    site: Site, sandbox: Sandbox, run_host: RunHost
) -> None:
    site.add("broken", BROKEN_IMPORTS["raises"])
    result = run_host("run", "broken")
    assert result.returncode == 1
    message = one_line_error(result)
    assert "'broken'" in message
    assert f"{PROG}-broken 1.0" in message
    assert "RuntimeError: boom at import" in message
    assert "Traceback" not in result.stderr
    assert sandbox.imports("broken") == 1


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--debug", "run", "broken"], {}),
        (["run", "broken"], {"{{ cookiecutter.__env_prefix }}_DEBUG": "1"}),
    ],
    ids=["--debug", "environment"],
)
def test_debug_shows_the_traceback(
    site: Site, run_host: RunHost, args: list[str], env: dict[str, str]
) -> None:
    site.add("broken", BROKEN_IMPORTS["raises"])
    result = run_host(*args, env=env)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: boom at import" in result.stderr
    assert f"{PROG}: error: " in result.stderr


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


def test_a_crash_in_run_exits_1_with_one_line(site: Site, run_host: RunHost) -> None:
    site.add("crash", OK.replace("print(NAME", "1 / 0\n    print(NAME"))
    result = run_host("run", "crash")
    assert result.returncode == 1
    message = one_line_error(result)
    assert "'crash'" in message
    assert "ZeroDivisionError" in message
    debug = run_host("--debug", "run", "crash")
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert "1 / 0" in debug.stderr


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


@pytest.mark.parametrize(
    ("raised", "shown"),
    [
        ("GeneratorExit('stop')", "GeneratorExit: stop"),
        ("Unprintable()", "Unprintable (its message cannot be shown"),
    ],
)
def test_anything_run_raises_is_one_line(
    site: Site, run_host: RunHost, raised: str, shown: str
) -> None:
    site.add("crash", UNPRINTABLE + OK.replace("print(NAME", f"raise {raised}\n    print(NAME"))
    result = run_host("run", "crash")
    assert result.returncode == 1
    message = one_line_error(result)
    assert "'crash'" in message and "crashed" in message and shown in message


# Whatever a plugin's objects do when the host reads or shows them stays contained.

UNSHOWABLE_SUMMARY = """
class Unshowable:
    def __str__(self):
        raise RuntimeError("no summary for you")

"""


def test_a_summary_that_cannot_be_shown_fails_only_that_plugin(
    site: Site, run_host: RunHost
) -> None:
    site.add("alpha")
    site.add("shy", UNSHOWABLE_SUMMARY + OK.replace('f"The {NAME} plugin."', "Unshowable()"))
    site.add("omega")
    for args in (["plugins", "--json"], ["plugins"]):
        result = run_host(*args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    reports = listing(run_host("plugins", "--json"))
    assert reports["alpha"]["status"] == reports["omega"]["status"] == "ok"
    assert reports["shy"]["status"] == "failed"
    assert reports["shy"]["error"] == (
        f"plugin 'shy' ({PROG}-shy 1.0) breaks the plugin contract: its SUMMARY cannot be "
        "shown: RuntimeError: no summary for you"
    )
    assert run_host("run", "shy", "5").returncode == 5  # run does not need the summary


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


# Ctrl-C: the user wants to stop, and sees what was done before.

INTERRUPTS = {
    "raised": "raise KeyboardInterrupt",
    "signal": "import os, signal, time\nos.kill(os.getpid(), signal.SIGINT)\ntime.sleep(30)",
}


@pytest.mark.parametrize("how", INTERRUPTS, ids=INTERRUPTS.keys())
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "table"])
def test_ctrl_c_while_loading_lists_what_was_done(
    site: Site, sandbox: Sandbox, run_host: RunHost, how: str, as_json: bool
) -> None:
    if how == "signal" and sys.platform == "win32":
        pytest.skip("os.kill(SIGINT) does not deliver Ctrl-C on Windows")
    site.add("alpha")
    site.add("midway", INTERRUPTS[how])
    site.add("omega")
    result = run_host("plugins", *(["--json"] if as_json else []))
    assert result.returncode == 130
    if as_json:
        listed = {report["name"] for report in json.loads(result.stdout)}
    else:
        listed = {row.split()[0] for row in result.stdout.splitlines()[1:]}
    assert "alpha" in listed
    assert "midway" not in listed and "omega" not in listed
    assert sandbox.imports("omega") == 0
    assert result.stderr.splitlines()[-1].startswith(
        f"{PROG}: interrupted while loading plugin 'midway' ({PROG}-midway 1.0); only the "
    )
    assert "Traceback" not in result.stderr


# API versioning: a plugin written for another plugin API version is refused.


def test_other_api_version_is_incompatible(site: Site, run_host: RunHost) -> None:
    site.add("future", OK.replace("API_VERSION = 1", "API_VERSION = 2"))
    site.add("good")
    reports = listing(run_host("plugins", "--json"))
    assert reports["good"]["status"] == "ok"
    future = reports["future"]
    assert future["status"] == "incompatible"
    assert "'future'" in future["error"]
    assert "API 2" in future["error"]
    assert "API 1" in future["error"]
    message = one_line_error(run_host("run", "future"))
    assert "API 2" in message and "API 1" in message
{%- if cookiecutter.discovery == "entry-point" %}


def test_api_version_declared_in_metadata_is_checked_before_import(
    site: Site, sandbox: Sandbox, run_host: RunHost
) -> None:
    site.add("future", "raise RuntimeError('must not be imported')", declared_api=2)
    site.add("current", declared_api=1)
    reports = listing(run_host("plugins", "--json"))
    assert reports["future"]["status"] == "incompatible"
    assert "API 2" in reports["future"]["error"]
    assert "API 1" in reports["future"]["error"]
    assert reports["current"]["status"] == "ok"
    message = one_line_error(run_host("run", "future"))
    assert "API 2" in message
    assert sandbox.imports("future") == 0
    assert sandbox.imports("current") == 1


def test_unparsable_declared_api_version_falls_back_to_the_module(
    site: Site, run_host: RunHost
) -> None:
    site.add("odd", declared_api=1)
    info = next(site.path.glob("*odd*.dist-info"))
    entry_points = info / "entry_points.txt"
    entry_points.write_text(entry_points.read_text().replace("odd = 1", "odd = one"))
    assert listing(run_host("plugins", "--json"))["odd"]["status"] == "ok"
{%- endif %}


def test_a_plugin_that_prints_while_loading_keeps_the_json_valid(
    site: Site, run_host: RunHost
) -> None:
    site.add("chatty", "print('hello from import time')\n" + OK)
    result = run_host("plugins", "--json")
    assert listing(result)["chatty"]["status"] == "ok"
    assert "hello from import time" in result.stderr
