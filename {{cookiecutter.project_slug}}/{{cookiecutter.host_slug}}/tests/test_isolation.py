"""A broken or incompatible plugin is reported, named, and never stops the host."""

from __future__ import annotations

import json
import sys

import pytest
from support import PROG, RunHost, Sandbox, Site, as_main, listing, one_line_error
from test_contract import OK, raising, ran, use

#: An exception whose own __str__ raises: even describing it must not crash the host.
UNPRINTABLE = """
class Unprintable(Exception):
    def __str__(self):
        raise ValueError("no message for you")
"""

BROKEN_IMPORTS = {
    "raises": "raise RuntimeError('boom at import')",
    "missing-dependency": "import no_such_module_for_this_test",
    "syntax-error": "def broken(args:\n",
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
    assert ran("omega") in use(run_host, "omega").stdout


def test_an_exception_that_cannot_be_printed_is_named(site: Site, run_host: RunHost) -> None:
    site.add("broken", BROKEN_IMPORTS["unprintable-exception"])
    error = listing(run_host("plugins", "--json"))["broken"]["error"]
    assert "failed to import: Unprintable (its message cannot be shown" in error
    message = one_line_error(use(run_host, "broken"))
    assert "Unprintable" in message
    assert "Traceback" not in message


def test_running_a_broken_plugin_prints_one_line(
    site: Site, sandbox: Sandbox, run_host: RunHost
) -> None:
    site.add("broken", BROKEN_IMPORTS["raises"])
    result = use(run_host, "broken")
    assert result.returncode == 1
    message = one_line_error(result)
    assert "'broken'" in message
    assert f"{PROG}-broken 1.0" in message
    assert "RuntimeError: boom at import" in message
    assert "Traceback" not in result.stderr
    assert sandbox.imports("broken") == 1


@pytest.mark.parametrize(
    ("debug", "env"),
    [(True, {}), (False, {"{{ cookiecutter.__env_prefix }}_DEBUG": "1"})],
    ids=["--debug", "environment"],
)
def test_debug_shows_the_traceback(
    site: Site, run_host: RunHost, debug: bool, env: dict[str, str]
) -> None:
    site.add("broken", BROKEN_IMPORTS["raises"])
    result = use(run_host, "broken", debug=debug, env=env)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: boom at import" in result.stderr
    assert f"{PROG}: error: " in result.stderr


def test_a_crash_while_used_exits_1_with_one_line(site: Site, run_host: RunHost) -> None:
    site.add("crash", raising("1 / 0"))
    result = use(run_host, "crash")
    assert result.returncode == 1
    message = one_line_error(result)
    assert "'crash'" in message
    assert "ZeroDivisionError" in message
    debug = use(run_host, "crash", debug=True)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert "1 / 0" in debug.stderr


@pytest.mark.parametrize(
    ("raised", "shown"),
    [
        ("GeneratorExit('stop')", "GeneratorExit: stop"),
        ("Unprintable()", "Unprintable (its message cannot be shown"),
    ],
)
def test_anything_a_plugin_raises_while_used_is_one_line(
    site: Site, run_host: RunHost, raised: str, shown: str
) -> None:
    site.add("crash", UNPRINTABLE + raising(f"raise {raised}"))
    result = use(run_host, "crash")
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
    assert use(run_host, "shy").returncode == 0  # using a plugin does not need its summary


# Ctrl-C: the user wants to stop, and sees what was done before.

# A plugin that the user's Ctrl-C meets while it loads. The host is started with SIGINT
# handled, as a terminal's foreground job is: one started in the background inherits it
# ignored (nohup, `&`), and no Ctrl-C can reach it.
INTERRUPTED = "import os, signal, time\nos.kill(os.getpid(), signal.SIGINT)\ntime.sleep(30)"


def started_with(sigint: str) -> str:
    """Return the code that runs the host as ``python -m`` with SIGINT's handler set to `sigint`."""
    return as_main(f"import signal\nsignal.signal(signal.SIGINT, signal.{sigint})")


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill(SIGINT) is no Ctrl-C on Windows")
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "table"])
def test_ctrl_c_while_loading_lists_what_was_done(
    site: Site, sandbox: Sandbox, as_json: bool
) -> None:
    site.add("alpha")
    site.add("midway", INTERRUPTED)
    site.add("omega")
    command = [sys.executable, "-c", started_with("default_int_handler"), "plugins"]
    result = sandbox.call([*command, *(["--json"] if as_json else [])])
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


@pytest.mark.parametrize("sigint", ["default_int_handler", "SIG_IGN"])
def test_a_keyboard_interrupt_a_plugin_raises_is_its_own_failure(
    site: Site, sandbox: Sandbox, sigint: str
) -> None:
    """No Ctrl-C was pressed: the plugin failed, and the plugins after it are listed."""
    site.add("alpha")
    site.add("midway", "raise KeyboardInterrupt")
    site.add("omega")
    command = [sys.executable, "-c", started_with(sigint), "plugins", "--json"]
    reports = listing(sandbox.call(command))
    assert reports["omega"]["status"] == reports["alpha"]["status"] == "ok"
    assert reports["midway"]["status"] == "failed"
    assert "KeyboardInterrupt (raised by its code, not by Ctrl-C)" in reports["midway"]["error"]


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
    message = one_line_error(use(run_host, "future"))
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
    message = one_line_error(use(run_host, "future"))
    assert "API 2" in message
    assert sandbox.imports("future") == 0
    assert sandbox.imports("current") == 1


def test_a_group_with_an_unreadable_version_is_named_and_ignored(
    site: Site, sandbox: Sandbox, run_host: RunHost
) -> None:
    site.add("odd", declared_api=1)
    info = next(site.path.glob("*odd*.dist-info"))
    entry_points = info / "entry_points.txt"
    entry_points.write_text(entry_points.read_text().replace(".plugins.v1]", ".plugins.vone]"))
    site.add("good", declared_api=1)
    result = run_host("plugins", "--json")
    assert "odd" not in listing(result) and listing(result)["good"]["status"] == "ok"
    warning = next(line for line in result.stderr.splitlines() if ".plugins.vone" in line)
    assert f"{PROG}-odd 1.0" in warning and "no plugin group" in warning
    assert sandbox.imports("odd") == 0


@pytest.mark.parametrize(
    "reference", ["{module}:SELF", "{module} : SELF [extra]", "{module} [a, b]"]
)
def test_every_object_reference_the_specification_allows_is_loaded(
    site: Site, run_host: RunHost, reference: str
) -> None:
    """module, module:attribute, spaces around the colon, and extras (what to install)."""
    site.add("spec", OK + "\n\nimport sys as _sys\n\nSELF = _sys.modules[__name__]\n")
    info = next(site.path.glob("*spec*.dist-info"))
    entry_points = info / "entry_points.txt"
    module = "fake_spec"
    text = entry_points.read_text().replace(
        f"spec = {module}", "spec = " + reference.format(module=module)
    )
    entry_points.write_text(text)
    report = listing(run_host("plugins", "--json"))["spec"]
    assert report["status"] == "ok", report
{%- endif %}


def test_a_plugin_that_prints_while_loading_keeps_the_json_valid(
    site: Site, run_host: RunHost
) -> None:
    site.add("chatty", "print('hello from import time')\n" + OK)
    result = run_host("plugins", "--json")
    assert listing(result)["chatty"]["status"] == "ok"
    assert "hello from import time" in result.stderr
