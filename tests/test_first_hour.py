"""A plugin author's first hour, literally, with the default names and the real package index.

The index holds another project named ``my-app`` (a 2020 Django app), which a plugin's dev
setup would install when it takes the host from the index. So, in every style: bake the
host with the defaults (in one style, paste the host's printed next steps too, with pip and
with uv: they do not depend on the style), run the bootstrap command its README prints where
the README says, then paste the new plugin's printed next steps, with pip and with uv. A
plugin baked without ``host_source`` installs the namesake: its tests stop at once with
one line that says what to do.

These are the template's only tests that reach the network: the issue asks for the real
index. They skip, saying why, where pypi.org cannot be reached.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import helpers
import pytest
from conftest import STYLES, sh, timed, tool
from test_plugin_only import printed_command


def index_reachable() -> bool:
    """Whether pypi.org answers on its HTTPS port."""
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not index_reachable(), reason="needs the real package index, pypi.org")


def online_env(tmp_path: Path) -> dict[str, str]:
    """A reader's shell: `python` is this interpreter and uv is on PATH; pip and uv use the
    real index, with caches of their own; nothing of the tests' offline settings."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, target in (("python", sys.executable), ("uv", tool("uv"))):
        if not (bin_dir / name).exists():
            (bin_dir / name).symlink_to(target)
    env = {k: v for k, v in helpers.without_host_switches(os.environ).items() if not k.startswith(("PIP_", "UV_"))}
    for name in helpers.PATH_VARIABLES:
        env.pop(name, None)
    return {
        **env,
        "PATH": os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
        "PIP_CACHE_DIR": str(tmp_path / "pip-cache"),
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


def run(command: str, cwd: Path, env: dict[str, str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run shell text as a reader pastes it; fail with all it printed."""
    try:
        with timed(f"as printed: {command.splitlines()[0][:60]}"):
            return helpers.run(["bash", "-e", "-c", command], cwd=cwd, env=env, check=check, timeout=900)
    except helpers.CommandFailed as failed:
        pytest.fail(str(failed), pytrace=False)


def printed_steps(out: str) -> dict[str, list[str]]:
    """The next steps a bake printed, by tool: ``uv`` and ``pip``, each starting with its ``cd``."""
    uv_part = out.split("Next steps with uv", 1)[1].split("\nOr with pip", 1)
    return {
        "uv": [line.strip() for line in uv_part[0].splitlines()[1:] if line.startswith("  ")],
        "pip": [line.strip() for line in uv_part[1].splitlines()[1:] if line.startswith("  ")],
    }


@pytest.mark.parametrize("style", STYLES)
def test_the_bootstrap_path_works_as_printed_with_the_real_index(style: str, template: Path, tmp_path: Path) -> None:
    env = online_env(tmp_path)
    here = tmp_path / "work"
    here.mkdir()
    baked = sh(sys.executable, "-m", "cookiecutter", "--no-input", template, f"discovery={style}", cwd=here).stdout
    if style == STYLES[0]:  # the host's own next steps do not depend on the style: one style pastes them
        for steps in printed_steps(baked).values():
            out = run("\n".join(steps), here, env).stdout
            assert "hello  ok" in out and out.count(" passed") == 2, out
            shutil.rmtree(here / "my-app" / ".venv")
    bootstrap = shlex.join(printed_command(here / "my-app" / "my-app" / "README.md"))
    cookiecutter = shlex.quote(str(Path(sys.executable).parent / "cookiecutter"))
    out = run(f"{cookiecutter} {bootstrap.removeprefix('cookiecutter ')} plugin_name=weather", here, env).stdout
    plugin = here / "my-app-weather"
    steps = printed_steps(out)
    assert steps["pip"][0] == steps["uv"][0] == f"cd {shlex.quote(str(plugin))}"

    pip = run("\n".join(steps["pip"]), here, env).stdout
    assert "passed" in pip and "weather  ok" in pip, pip
    assert "my-app-weather" in pip
    shutil.rmtree(plugin / ".venv")
    uv = run("\n".join(steps["uv"]), here, env).stdout
    assert "passed" in uv and "weather  ok" in uv, uv
    lock = (plugin / "uv.lock").read_text()
    assert 'source = { directory = "../my-app/my-app" }' in lock, "the host is the one beside, not the index's"


def test_a_plugin_with_the_host_from_the_index_stops_when_the_index_has_a_namesake(
    template: Path, tmp_path: Path
) -> None:
    """plugin-only with the defaults (no host_source): pip installs the index's my-app, which
    is another project; the printed steps stop at the tests, with one line saying what to do."""
    env = online_env(tmp_path)
    out = sh(sys.executable, "-m", "cookiecutter", "--no-input", template, "scaffold=plugin-only", cwd=tmp_path).stdout
    steps = printed_steps(out)
    assert steps["pip"][-2:] == ["pytest", "my-app plugins"], "the tests come first: they say what is wrong"
    assert steps["uv"][-2:] == ["uv run pytest", "uv run my-app plugins"]
    for tool_name in ("pip", "uv"):
        stopped = run("\n".join(steps[tool_name]), tmp_path, env, check=False)
        assert stopped.returncode == 4, stopped.stdout + stopped.stderr
        (line,) = [line for line in (stopped.stdout + stopped.stderr).splitlines() if line.startswith("ERROR")]
        assert "the installed my-app is not the host this plugin is for (it has no my_app.contract)" in line
        assert "pip install /path/to/the/host/source -e ." in line and "host_source" in line
        shutil.rmtree(tmp_path / "my-app-hello" / ".venv")
