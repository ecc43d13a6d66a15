"""The host's ``install`` and ``uninstall`` with real wheels, pip and uv, offline; and its switches and help.

Nothing reaches an index: pip and uv read ``PIP_NO_INDEX``/``PIP_FIND_LINKS`` and
``UV_NO_INDEX``/``UV_FIND_LINKS``, which the host passes through untouched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import Baked, Venv, timed
from uv import find_uv_bin

BROKEN = "raise RuntimeError('imported!')\n"


def offline(wheelhouse: Path) -> dict[str, str]:
    """Settings that keep pip and uv off the network, installing from the wheelhouse."""
    return {
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "UV_NO_INDEX": "1",
        "UV_OFFLINE": "1",
        "UV_FIND_LINKS": str(wheelhouse),
    }


@pytest.fixture(scope="module")
def pip_env(baked: Baked, wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """An environment that has pip (from ensurepip, offline), with the host installed."""
    root = tmp_path_factory.mktemp(f"install-{baked.style}")
    venv = Venv(root / "venv-pip", root / "cache")
    with timed(f"ensurepip ({baked.style})"):
        venv.run(venv.python, "-m", "ensurepip", "--default-pip")
    venv.pip("install", baked.build(baked.host_dir)[1])
    venv.env.update(offline(wheelhouse))
    return venv


@pytest.fixture
def bare_env(baked: Baked, wheelhouse: Path, tmp_path: Path) -> Venv:
    """An environment without pip, with the host installed, and nothing on PATH but its own bin."""
    venv = Venv(tmp_path / baked.slug, tmp_path / "cache")
    venv.pip("install", baked.build(baked.host_dir)[1])
    venv.env.update(offline(wheelhouse), PATH=str(venv.bin), UV_CACHE_DIR=str(tmp_path / "uv-cache"))
    return venv


def test_install_a_wheel_with_pip_then_uninstall(pip_env: Venv, baked: Baked) -> None:
    _, built = baked.build(baked.plugin_dir)
    shutil.copy2(built, pip_env.path)  # the host's working folder: install it as ./NAME.whl
    result = pip_env.host(baked.slug, "install", f"./{built.name}")
    assert f"installed plugin {baked.plugin} ({baked.plugin_project} " in result.stdout
    assert "Hello, Ada!" in pip_env.host(baked.slug, "run", baked.plugin, "Ada").stdout
    plugin = pip_env.plugins(baked.slug)[baked.plugin]
    assert plugin["distribution"] == baked.plugin_project and plugin["switch"] is None
    loaded = pip_env.plugins(baked.slug, env={f"{baked.context['__env_prefix']}_LOAD_PLUGINS": baked.plugin_project})
    assert loaded[baked.plugin]["status"] == "ok"
    result = pip_env.host(baked.slug, "uninstall", baked.plugin_project)
    assert f"removed plugin {baked.plugin}" in result.stdout
    assert baked.plugin not in pip_env.plugins(baked.slug)


def test_install_a_folder_editable_with_pip(pip_env: Venv, baked: Baked, tmp_path: Path) -> None:
    source = tmp_path / baked.plugin_project
    shutil.copytree(baked.plugin_dir, source)
    result = pip_env.host(baked.slug, "install", "-e", str(source))
    try:
        assert f"installed plugin {baked.plugin} ({baked.plugin_project} " in result.stdout
        assert "Hello, Ada!" in pip_env.host(baked.slug, "run", baked.plugin, "Ada").stdout
    finally:
        assert "removed plugin" in pip_env.host(baked.slug, "uninstall", baked.plugin).stdout
    assert baked.plugin not in pip_env.plugins(baked.slug)


def test_the_host_refuses_to_uninstall_itself(pip_env: Venv, baked: Baked) -> None:
    result = pip_env.host(baked.slug, "uninstall", baked.slug, check=False)
    assert result.returncode == 2
    assert f"refusing to uninstall {baked.slug}" in result.stderr
    assert pip_env.host(baked.slug, "--version").returncode == 0


def test_an_offline_index_ends_in_one_line_error(pip_env: Venv, baked: Baked) -> None:
    result = pip_env.host(baked.slug, "install", f"{baked.slug}-nonexistent", check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"{baked.slug}: error: pip install failed with exit code 1 (its output is above)"
    )
    assert "Traceback" not in result.stderr


def test_a_bare_word_is_refused(pip_env: Venv, baked: Baked) -> None:
    result = pip_env.host(baked.slug, "install", "weather", check=False)
    assert result.returncode == 2
    assert f"did you mean {baked.slug}-weather?" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_without_pip_nor_uv_there_is_one_line_error(bare_env: Venv, baked: Baked) -> None:
    _, wheel = baked.build(baked.plugin_dir)
    result = bare_env.host(baked.slug, "install", str(wheel), check=False)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "has no pip, and uv is not on PATH" in line
    assert baked.plugin not in bare_env.plugins(baked.slug)


def test_without_pip_uv_installs_and_uninstalls(bare_env: Venv, baked: Baked) -> None:
    uv = Path(find_uv_bin())
    env = {"PATH": f"{uv.parent}{os.pathsep}{bare_env.bin}"}
    _, wheel = baked.build(baked.plugin_dir)
    result = bare_env.host(baked.slug, "install", str(wheel), env=env)
    assert f"installed plugin {baked.plugin}" in result.stdout
    assert "Hello, Ada!" in bare_env.host(baked.slug, "run", baked.plugin, "Ada").stdout
    assert "removed plugin" in bare_env.host(baked.slug, "uninstall", baked.plugin_project, env=env).stdout
    assert baked.plugin not in bare_env.plugins(baked.slug)


@pytest.mark.parametrize(
    ("marker", "advice"),
    [
        ("uv-receipt.toml", "uv tool install {slug} --with={wheel}"),
        ("pipx_metadata.json", "pipx inject {slug} {wheel}"),
    ],
)
def test_tool_managers_get_the_lasting_command(bare_env: Venv, baked: Baked, marker: str, advice: str) -> None:
    (bare_env.path / marker).write_text("")
    uv = Path(find_uv_bin())
    env = {"PATH": f"{uv.parent}{os.pathsep}{bare_env.bin}"}
    _, wheel = baked.build(baked.plugin_dir)
    result = bare_env.host(baked.slug, "install", str(wheel), env=env, check=False)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert advice.format(slug=baked.slug, wheel=wheel) in line, line
    assert baked.plugin not in bare_env.plugins(baked.slug)
    forced = bare_env.host(baked.slug, "install", "--force", str(wheel), env=env)
    assert f"installed plugin {baked.plugin}" in forced.stdout


def test_help_lists_the_plugins_without_importing_them(pip_env: Venv, baked: Baked, plugin_wheel: object) -> None:
    wheel = plugin_wheel(baked, "loud", BROKEN)  # type: ignore[operator]
    assert "No plugins installed" in pip_env.host(baked.slug, "plugins").stdout
    assert "plugins: none installed" in pip_env.host(baked.slug, "--help").stdout
    pip_env.host(baked.slug, "install", str(wheel))
    try:
        for args in (["--help"], ["run", "--help"]):
            result = pip_env.host(baked.slug, *args)
            assert result.stdout.rpartition("plugins:\n")[2].split() == ["loud", f"{baked.slug}-loud", "0.1.0"]
            assert "imported!" not in result.stdout + result.stderr
        assert "imported!" in str(pip_env.plugins(baked.slug)["loud"]["error"])
    finally:
        pip_env.host(baked.slug, "uninstall", "loud")
