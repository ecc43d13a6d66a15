"""The plugin README's install commands, run as written into each kind of host environment.

A virtual environment, pipx and uv tool; for a plugin baked beside its host's source
(host-and-plugin) and for one baked alone (plugin-only). The tools install from the
wheelhouse and the host's wheel only: no network.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import PIPX, UV, bake, sh, timed, tools_env

SECTION = "## Install it into the host's environment"
PLACEHOLDER = "/path/to/host-venv"  # the one word a reader replaces


def blocks(readme: Path) -> dict[str, str]:
    """The console blocks of the install section, by the kind of host environment."""
    section = readme.read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"^```console\n(.*?)^```$", section, flags=re.S | re.M)
    kinds = {"venv": "activate", "pipx": "pipx inject", "uv": "uv tool install", "use": " plugins "}
    by_kind = {kind: [b for b in found if word in b] for kind, word in kinds.items()}
    assert all(len(b) == 1 for b in by_kind.values()), by_kind
    return {kind: b[0] for kind, b in by_kind.items()}


@pytest.fixture(scope="module")
def bakes(cookies_session: object, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The host's wheel folder, and a plugin folder beside its host's source and one alone."""
    workspace = bake(cookies_session)
    alone = bake(cookies_session, scaffold="plugin-only", plugin_name="weather")
    dist = tmp_path_factory.mktemp("host-dist")
    with timed("build the host wheel (install tests)"):
        sh(sys.executable, "-m", "build", "--wheel", "--outdir", dist, workspace / "my-app")
    return {"dist": dist, "beside": workspace / "my-app-hello", "alone": alone}


@pytest.mark.parametrize("kind", ["venv", "uv-venv", "pipx", "uv"])
@pytest.mark.parametrize(("layout", "plugin"), [("beside", "hello"), ("alone", "weather")])
def test_the_readme_installs_the_plugin_into_the_host_you_have(
    bakes: dict[str, Path], wheelhouse: Path, tmp_path: Path, kind: str, layout: str, plugin: str
) -> None:
    project = bakes[layout]
    written = blocks(project / "README.md")
    env = tools_env(tmp_path, bakes["dist"])  # pip, pipx and uv: offline, from the wheelhouse and the host's wheel
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # the host's discovery cache
    tools = Path(sys.executable).parent  # pipx and uv, as a reader has them on PATH
    env["PATH"] = os.pathsep.join([str(tools), env.get("PATH", "")])
    venv = tmp_path / "host-venv"
    if kind == "venv":  # as the host's README does: python -m venv, then pip install the host
        sh(sys.executable, "-m", "venv", venv)
        sh(venv / "bin/python", "-m", "pip", "install", "-q", "--no-index", "--find-links", bakes["dist"], "my-app")
        steps = written["venv"].replace(PLACEHOLDER, str(venv))
        use = f". {venv}/bin/activate\n{written['use']}"
    elif kind == "uv-venv":  # an environment uv made has no pip: the line's comment gives uv's command
        env.pop("UV_PYTHON")  # a reader's uv installs into the active environment
        sh(UV, "venv", "--python", sys.executable, venv, env=env)
        sh(UV, "pip", "install", "--python", venv / "bin/python", "my-app", env=env)
        activate, pip_line = written["venv"].replace(PLACEHOLDER, str(venv)).strip().splitlines()
        assert pip_line.startswith("python -m pip install .") and "has no pip: " in pip_line
        steps = f"{activate}\n{pip_line.split('has no pip: ', 1)[1]}"
        use = f". {venv}/bin/activate\n{written['use']}"
    else:
        if not (PIPX if kind == "pipx" else UV).exists():
            pytest.skip(f"{kind} is not installed beside the test Python (requirements-test.txt has it)")
        sh(*((PIPX, "install") if kind == "pipx" else (UV, "tool", "install")), "my-app", env=env)
        steps = written[kind]
        use = f'PATH={tmp_path / "bin"}:"$PATH"\n{written["use"]}'
    with timed(f"install the plugin as the README says ({kind}, {layout})"):
        sh("bash", "-e", "-c", steps, cwd=project, env=env)
    out = sh("bash", "-e", "-c", use, cwd=tmp_path, env=env).stdout
    assert re.search(rf"^{plugin}\s+ok\s", out, flags=re.M), out
    assert ("Hello, Ada!" if plugin == "hello" else f"{plugin}: Ada") in out
    host = venv / "bin/my-app" if kind.endswith("venv") else tmp_path / "bin/my-app"
    listed = {p["name"]: p for p in json.loads(sh(host, "plugins", "--json", env=env).stdout)}
    assert listed[plugin]["status"] == "ok" and listed[plugin]["distribution"] == project.name
