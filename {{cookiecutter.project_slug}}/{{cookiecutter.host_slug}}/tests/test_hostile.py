"""What hostile metadata, plugins and surroundings cannot do to the host.

Every reader of installed files is bounded and total; text from plugins and
metadata reaches the terminal escaped, and JSON stays one valid document; the
switches are read before any plugin runs; a pipe that closes early ends the host
quietly; and what the host cannot read, it names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import (
    ENV_PREFIX,
    PACKAGE,
{%- if cookiecutter.discovery == "entry-point" %}
    PLUGIN_GROUP,
{%- endif %}
    PROG,
    RunHost,
    Sandbox,
    Site,
    as_main,
    listing,
{%- if cookiecutter.contract == "hooks" %}
    one_line_error,
{%- endif %}
)
from test_contract import OK, raising, use_args

DISABLE = f"{ENV_PREFIX}DISABLE_PLUGINS"
LOAD = f"{ENV_PREFIX}LOAD_PLUGINS"
#: The commands no installed metadata may break.
COMMANDS = [["plugins"], ["plugins", "--json"], ["--help"], use_args("alpha")]


def assert_every_command_works(run_host: RunHost) -> None:
    """Run every command of COMMANDS: each ends well, with no traceback, and alpha is ok."""
    for command in COMMANDS:
        result = run_host(*command, timeout=30)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        assert all(len(line) < 1000 for line in result.stderr.splitlines()), "short lines"
    assert listing(run_host("plugins", "--json"))["alpha"]["status"] == "ok"


# Metadata alone: no plugin code runs in these, and none may stop a command.


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs and /dev/zero")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_metadata_files_that_are_no_regular_files_stop_nothing(
    site: Site, run_host: RunHost, kind: str
) -> None:
    """A FIFO would hang a reader, /dev/zero would fill memory: neither is read."""
    site.add("alpha")
    site.add("beta", distribution="unrelated")  # its owner is found by reading every RECORD
    info = site.install(f"{PROG}-trap", "1.0")
    for name in ("entry_points.txt", "RECORD", "METADATA"):
        path = info / name
        path.unlink(missing_ok=True)
        os.mkfifo(path) if kind == "fifo" else path.symlink_to("/dev/zero")
    assert_every_command_works(run_host)


def test_a_nul_in_an_editable_installs_url_stops_nothing(site: Site, run_host: RunHost) -> None:
    """An editable install's direct_url.json names its project by URL; %00 makes no path."""
    site.add("alpha")
    pth = f"__editable__.{PACKAGE}_evil-1.0.pth"
    site.write(pth, "import sys\n")
    info = site.install(f"{PROG}-evil", "1.0", [pth])
    direct = {"url": "file:///tmp/a%00b", "dir_info": {"editable": True}}
    (info / "direct_url.json").write_text(json.dumps(direct), encoding="utf-8")
    assert_every_command_works(run_host)
{%- if cookiecutter.discovery == "entry-point" %}


def test_a_group_name_of_thousands_of_digits_stops_nothing(site: Site, run_host: RunHost) -> None:
    """int() refuses 4,300 digits and more: the API version is read from 9 at most."""
    site.add("alpha")
    digits = f"{PLUGIN_GROUP}.v{'9' * 5000}"
    site.install(f"{PROG}-digits", "1.0", entry_points={digits: {"x": "y"}})
    assert_every_command_works(run_host)
{%- endif %}


# What plugins and metadata say reaches the terminal escaped, and JSON valid.

LOUD = 'SUMMARY = "\\x1b[2J\\x1b]0;pwned\\x07 \\u202eevil\\x00 \\ud800"'
RAW = ("\x1b", "\x07", "\u202e", "\x00")


def test_control_characters_and_lone_surrogates_are_shown_escaped(
    site: Site, run_host: RunHost
) -> None:
    site.add("alpha", OK.replace('SUMMARY = f"The {NAME} plugin."', LOUD))
    site.add("broken", "raise RuntimeError('\\udcff \\x1b[31mred')")
    site.add("omega")
    table = run_host("plugins")
    assert table.returncode == 0, table.stderr
    assert not any(char in table.stdout for char in RAW)
    for escaped in ("\\x1b[2J", "\\u202eevil", "\\ud800", "\\udcff", "omega"):
        assert escaped in table.stdout
    result = run_host("plugins", "--json")
    assert result.stdout.isascii()
    reports = listing(result)
    json.dumps(reports, ensure_ascii=False).encode("utf-8")  # strict: no lone surrogate is left
    assert reports["alpha"]["summary"].startswith("\x1b[2J\x1b]0;pwned\x07 \u202eevil\x00 ")
    assert reports["broken"]["status"] == "failed" and "\x1b[31mred" in reports["broken"]["error"]
    assert reports["omega"]["status"] == "ok"
{%- if cookiecutter.contract == "hooks" %}


def test_a_command_name_cannot_drive_the_terminal(site: Site, run_host: RunHost) -> None:
    """A name that is no word a user could type breaks the contract, and is shown escaped."""
    site.add("alpha")
    site.add("loud", OK.replace("return {NAME: {", "return {'\\x1b]0;pwned\\x07x': {"))
    helped = run_host("--help")
    assert helped.returncode == 0
    assert "\x1b" not in helped.stdout and "pwned" not in helped.stdout
    result = run_host("loud")
    assert "\x1b" not in result.stderr
    assert "\\x1b]0;pwned\\x07x" in one_line_error(result)
{%- elif cookiecutter.discovery == "entry-point" %}


def test_an_entry_point_name_cannot_drive_the_terminal_from_help(
    site: Site, run_host: RunHost
) -> None:
    site.add("alpha")
    site.install(f"{PROG}-loud", "1.0", entry_points={PLUGIN_GROUP: {"\x1b]0;pwned\x07x": "y"}})
    result = run_host("--help")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\\x1b]0;pwned\\x07x" in result.stdout
{%- endif %}


NOISY = """
import atexit, os, subprocess, sys
os.write(1, b"descriptor ")
sys.__stdout__.write("dunder ")
sys.__stdout__.flush()
subprocess.run([sys.executable, "-c", "print('child')"], check=True)
atexit.register(print, "at exit")
"""


def test_json_stays_one_document_whatever_plugins_write(site: Site, run_host: RunHost) -> None:
    site.add("alpha")
    site.add("noisy", NOISY + OK)
    result = run_host("plugins", "--json")
    assert listing(result)["noisy"]["status"] == "ok"  # json.loads: one document, nothing else
    for said in ("descriptor", "dunder", "child", "at exit"):
        assert said in result.stderr


# Plugins cannot turn the others off, nor hide them, nor keep the host from ending.


@pytest.mark.parametrize(("variable", "value"), [(DISABLE, "omega"), (LOAD, "")])
def test_a_plugin_cannot_switch_off_the_plugins_after_it(
    site: Site, run_host: RunHost, variable: str, value: str
) -> None:
    site.add("alpha", f"import os\nos.environ[{variable!r}] = {value!r}\n{OK}")
    site.add("omega")
    reports = listing(run_host("plugins", "--json"))
    assert reports["omega"]["status"] == "ok"
    assert reports["omega"]["switch"] is None


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "table"])
def test_a_thread_a_plugin_leaves_running_does_not_keep_plugins_from_ending(
    site: Site, run_host: RunHost, as_json: bool
) -> None:
    thread = "threading.Thread(target=time.sleep, args=(600,)).start()"
    site.add("alpha", f"import threading, time\n{thread}\n{OK}")
    result = run_host("plugins", *["--json"] * as_json, timeout=30)
    assert result.returncode == 0 and "alpha" in result.stdout


# A pipe whose reader went away (`| head`, `| true`): a quiet end, no plugin blamed.


def closed_pipe(sandbox: Sandbox, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the host with stdout a pipe that nobody reads any more."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", PACKAGE, *args],
            stdout=write,
            stderr=subprocess.PIPE,
            env=sandbox.env(),
            cwd=sandbox.cwd,
            encoding="utf-8",
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)


@pytest.mark.skipif(os.name == "nt", reason="POSIX pipes")
@pytest.mark.parametrize("command", [["plugins"], ["plugins", "--json"], ["--help"]])
def test_a_closed_pipe_ends_a_listing_quietly(
    site: Site, sandbox: Sandbox, command: list[str]
) -> None:
    site.add("alpha")
    result = closed_pipe(sandbox, *command)
    assert result.returncode in (0, 141), result.stderr
    assert result.stderr == ""


@pytest.mark.skipif(os.name == "nt", reason="POSIX pipes")
def test_a_plugin_writing_to_a_closed_pipe_is_not_blamed(site: Site, sandbox: Sandbox) -> None:
    site.add("alpha", raising("print('written at once', flush=True)"))
    result = closed_pipe(sandbox, *use_args("alpha"))
    assert result.returncode == 141, result.stderr
    assert result.stderr == ""


# What cannot be read is named, not silently left out.

# Run the host as a user who may not enter `denied` (the first argument): for root, who
# may enter any folder, the calls that the kernel would refuse another user refuse.
DENIED = """
import errno, os, sys
denied = sys.argv.pop(1)
def refused(path, itself):
    path = os.fspath(path)
    return path.startswith(denied + os.sep) or (itself and path == denied)
def guard(call, itself=False):
    def guarded(path, *args, **kwargs):
        if refused(path, itself):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return call(path, *args, **kwargs)
    return guarded
os.open, os.stat = guard(os.open), guard(os.stat)
os.listdir, os.scandir = guard(os.listdir, True), guard(os.scandir, True)
_access = os.access
os.access = lambda path, mode, **kwargs: not refused(path, True) and _access(path, mode, **kwargs)
"""


def unreadable_plugin(site: Site) -> Path:
    """Install plugin `secret`, and return the folder of it that its user may not enter."""
    site.add("secret")
{%- if cookiecutter.discovery == "entry-point" %}
    return next(site.path.glob(f"{PROG.replace('-', '_')}_secret-*.dist-info"))
{%- elif cookiecutter.discovery == "naming-convention" %}
    module = site.path / f"{PACKAGE}_secret.py"
    package = site.path / f"{PACKAGE}_secret"
    package.mkdir()
    module.rename(package / "__init__.py")
    return package
{%- else %}
    module = site.path / PACKAGE / "plugins" / "secret.py"
    package = module.with_suffix("")
    package.mkdir()
    module.rename(package / "__init__.py")
    return package
{%- endif %}


def test_an_unreadable_plugin_is_named(site: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    site.add("alpha")
    folder = unreadable_plugin(site)
    if os.name == "posix" and os.geteuid() != 0:
        folder.chmod(0)
        try:
            result = run_host("plugins")
        finally:
            folder.chmod(0o755)
    else:
        command = [sys.executable, "-c", as_main(DENIED), str(folder), "plugins"]
        result = sandbox.call(command)
    assert result.returncode == 0, result.stderr
    assert "alpha" in result.stdout and "secret" not in result.stdout
    warning = next(line for line in result.stderr.splitlines() if str(folder) in line)
    assert warning.startswith(f"{PROG}: warning: cannot read {folder}")
