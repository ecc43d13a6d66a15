"""A broken or incompatible plugin is reported, named, and never stops the host."""

from __future__ import annotations

import pytest
from support import OK, PROG, RunHost, Sandbox, Site, listing, one_line_error

BROKEN_IMPORTS = {
    "raises": "raise RuntimeError('boom at import')",
    "missing-dependency": "import no_such_module_for_this_test",
    "syntax-error": "def run(args:\n",
    "exits": "raise SystemExit(3)",
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
