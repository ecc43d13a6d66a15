"""The command line: listing and running plugins, help and version, and what each imports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support import PROG, RunHost, Sandbox, Site, listing, modules_imported_by, one_line_error
from test_contract import COMMAND, ran, use, use_args

from {{ cookiecutter.host_package }} import __version__
from {{ cookiecutter.host_package }}.cli import COMMANDS


def test_plugins_json_lists_an_ok_plugin(site: Site, run_host: RunHost) -> None:
    site.add("alpha", version="1.2.3")
    report = listing(run_host("plugins", "--json"))["alpha"]
    assert report["status"] == "ok"
    assert report["distribution"] == f"{PROG}-alpha"
    assert report["version"] == "1.2.3"
    assert report["error"] is None
    assert report["summary"] == "The alpha plugin."
    assert report["location"].startswith(str(site))


def test_plugins_table(site: Site, run_host: RunHost) -> None:
    site.add("alpha", version="1.2.3")
    result = run_host("plugins")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["NAME", "STATUS", "DISTRIBUTION", "VERSION", "DETAIL"]
    row = next(row for row in rows if row.split()[0] == "alpha")
    assert row.split() == ["alpha", "ok", f"{PROG}-alpha", "1.2.3", "The", "alpha", "plugin."]


def test_run_unknown_plugin_names_the_available_ones(site: Site, run_host: RunHost) -> None:
    site.add("alpha")
    site.add("beta")
    result = use(run_host, "gamma")
    assert result.returncode == 2
    message = one_line_error(result)
    assert "'gamma'" in message
    available = message.partition("available: ")[2].split(", ")
    assert {"alpha", "beta"} <= set(available)


def test_version(run_host: RunHost) -> None:
    result = run_host("--version")
    assert result.returncode == 0
    assert result.stdout == f"{PROG} {__version__}\n"
    assert run_host("--debug", "--version").stdout == result.stdout


def test_help(run_host: RunHost) -> None:
    result = run_host("--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: {PROG} ")
    for word in (*COMMANDS, "--debug", "{{ cookiecutter.__env_prefix }}_DISABLE_PLUGINS"):
        assert word in result.stdout


def test_no_command_is_a_usage_error(run_host: RunHost) -> None:
    result = run_host()
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_console_script(site: Site, sandbox: Sandbox) -> None:
    script = Path(sys.executable).with_name(PROG + (".exe" if sys.platform == "win32" else ""))
    if not script.exists():
        pytest.skip(f"the {PROG} console script is not installed next to {sys.executable}")
    site.add("alpha")
    result = sandbox.call([str(script), *use_args("alpha")])
    assert result.returncode == 0, result.stderr
    assert ran("alpha") in result.stdout


# Laziness: a command imports only the plugins it needs, each at most once.


@pytest.mark.parametrize("args", [{% if cookiecutter.contract == "command" %}["--help"], {% endif %}["--version"], [COMMAND, "--help"]])
def test_help_and_version_import_no_plugin(
    site: Site, sandbox: Sandbox, run_host: RunHost, args: list[str]
) -> None:
    site.add("alpha")
    assert run_host(*args).returncode == 0
    assert sandbox.imports("alpha") == 0


def test_run_imports_only_that_plugin(site: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    site.add("alpha")
    site.add("beta")
    assert use(run_host, "alpha").returncode == 0
    assert sandbox.imports("alpha") == 1
    assert sandbox.imports("beta") == 0


def test_plugins_imports_each_plugin_once(site: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    for name in ("alpha", "beta", "gamma"):
        site.add(name)
    reports = json.loads(run_host("plugins", "--json").stdout)
    assert {"alpha", "beta", "gamma"} <= {report["name"] for report in reports}
    assert [sandbox.imports(name) for name in ("alpha", "beta", "gamma")] == [1, 1, 1]


# One definition of the command line: the fast path and argparse must agree.

COMMAND_LINES = [
    *([name, "alpha", *words] for name in COMMANDS for words in ([], ["3", "--flag"], ["--", "x"])),
    *([name, *words] for name in COMMANDS for words in ([], ["-x"], ["--help"], ["--json"])),
    [COMMAND, "alpha", "--debug"],
    ["--debug", COMMAND, "alpha", "-x"],
    ["--debug", "plugins"],
    ["nonsense"],
    [],
]


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=" ".join)
def test_the_fast_path_and_the_parser_agree(argv: list[str]) -> None:
    from {{ cookiecutter.host_package }} import cli

    fast = cli.fast_parse(argv)
    if fast is None:  # argparse decides: the fast path must not take lines it would refuse
        return
    parsed = cli.parser().parse_args(argv)
    assert vars(fast) == {key: value for key, value in vars(parsed).items() if key in vars(fast)}
    assert set(vars(parsed)) == set(vars(fast))


def test_the_commands_with_positional_arguments_only_take_the_fast_path() -> None:
    from {{ cookiecutter.host_package }} import cli

    for name, spec in COMMANDS.items():
        positional = [flag for flag, _ in spec["arguments"] if not flag.startswith("-")]
        if len(positional) == len(spec["arguments"]):
            argv = [name, *(["word"] * len(positional))]
            assert cli.fast_parse(argv) is not None, argv
            assert cli.fast_parse(["--debug", *argv]) is not None, argv


@pytest.mark.parametrize("args", [["--version"], {% if cookiecutter.contract == "hooks" %}[COMMAND, "Ada"]{% else %}use_args("alpha"){% endif %}])
def test_the_fast_path_never_imports_argparse(
    site: Site, sandbox: Sandbox, args: list[str]
) -> None:
    site.add("alpha")
    assert "argparse" not in modules_imported_by(sandbox, args), "argparse was imported"

{%- if cookiecutter.contract == "command" %}


@pytest.mark.parametrize("args", [["--help"], [COMMAND, "--help"]])
def test_help_ends_with_the_plugins_and_imports_none(
    two: Site, sandbox: Sandbox, run_host: RunHost, args: list[str]
) -> None:
    result = run_host(*args, alone=True)  # the sandbox's plugins, and no others
    assert result.returncode == 0, result.stderr
    tail = result.stdout.rpartition("plugins:\n")[2].splitlines()
    assert [line.split() for line in tail] == [
        ["alpha", f"{PROG}-alpha", "1.0"],
        ["beta", "Other.Beta_Dist", "1.0"],
    ]
    assert sandbox.imports("alpha") == sandbox.imports("beta") == 0
{%- endif %}


def test_help_without_plugins_prints_the_bootstrap_command(run_host: RunHost) -> None:
    from {{ cookiecutter.host_package }}.cli import bootstrap_command

    result = run_host("--help", alone=True)  # none, even where real plugins are installed
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith(bootstrap_command())
    assert "plugins: none installed" in result.stdout
