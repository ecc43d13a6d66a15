"""Plugins as people write them, with other build backends than the template's hatchling.

Each plugin here is written by hand, not baked: a src layout built by setuptools,
flit-core or pdm-backend, installed from a wheel or in editable mode (pip, and uv for
setuptools). The host must find it, run it, and warn of nothing: setuptools' editable
install of a src layout leaves ``src/<name>.egg-info`` on sys.path, a second copy of
the metadata that is no second install.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import UV, Baked, Venv, plugin_module, sh, tools_env

PLUGIN = "sprocket"

# backend -> (build-system table, tool tables; {package}, {module} and {src} filled in per style)
BACKENDS = {
    "setuptools": (
        'requires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"',
        '[tool.setuptools.packages.find]\nwhere = ["src"]\n',
    ),
    "flit-core": (
        'requires = ["flit_core>=3.11,<5"]\nbuild-backend = "flit_core.buildapi"',
        '[tool.flit.module]\nname = "{module}"\n',
    ),
    "pdm-backend": (
        'requires = ["pdm-backend"]\nbuild-backend = "pdm.backend"',
        '[tool.pdm.build]\nincludes = ["{src}"]\n',
    ),
}
# (backend, how it is installed); uv builds setuptools' editable install its own way.
INSTALLS = [
    *((backend, how) for backend in BACKENDS for how in ("wheel", "pip -e")),
    ("setuptools", "uv -e"),
]


def module_path(baked: Baked) -> str:
    """The plugin's import name, as the style wants it."""
    if baked.style == "namespace-package":
        return f"{baked.package}.plugins.{PLUGIN}"
    return f"{baked.package}_{PLUGIN}"


def write_plugin(root: Path, baked: Baked, backend: str) -> str:
    """Write a src-layout plugin project for `backend` at `root`; return its distribution name.

    Its code is the example plugin's, so that it keeps the host's contract.
    """
    distribution = f"{baked.slug}-{PLUGIN}"
    module = module_path(baked)
    package = root / "src" / Path(*module.split("."))
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(plugin_module(baked.plugin_dir, baked, baked.plugin).read_text())
    build, tools = BACKENDS[backend]
    src = "src/" + module.split(".")[0]
    entry_points = ""
    if baked.style == "entry-point":
        entry_points = f'\n[project.entry-points."{baked.package}.plugins.v1"]\n{PLUGIN} = "{module}"\n'
    (root / "pyproject.toml").write_text(
        f"[build-system]\n{build}\n\n"
        f'[project]\nname = "{distribution}"\nversion = "2.0"\ndescription = "A hand-written plugin."\n'
        f'requires-python = ">=3.10"\n{entry_points}\n' + tools.format(package=baked.package, module=module, src=src)
    )
    return distribution


@pytest.mark.parametrize(("backend", "how"), INSTALLS, ids=[f"{b}-{h.replace(' ', '')}" for b, h in INSTALLS])
def test_a_hand_written_plugin_is_found_without_warnings(
    host_env: Venv, baked: Baked, tmp_path: Path, backend: str, how: str
) -> None:
    root = tmp_path / f"{baked.slug}-{PLUGIN}"
    distribution = write_plugin(root, baked, backend)
    if how == "wheel":
        host_env.pip("install", root)
    elif how == "pip -e":
        host_env.pip("install", "-e", root)
    else:
        if not UV.exists():
            pytest.skip("uv is not installed beside this Python")
        sh(UV, "pip", "install", "--python", host_env.python, "-e", root, env=tools_env(tmp_path / "tools"))
    try:
        if how != "wheel" and backend == "setuptools":
            # What makes the case: the metadata in the source tree is on sys.path too.
            assert list((root / "src").glob("*.egg-info")), "setuptools wrote no egg-info in src"
        result = host_env.host(baked.slug, "plugins", "--json")
        assert result.stderr == "", "the host warned"
        reports = {report["name"]: report for report in json.loads(result.stdout)}
        assert reports[PLUGIN]["status"] == "ok", reports[PLUGIN]
        assert reports[PLUGIN]["distribution"] == distribution
        assert reports[PLUGIN]["version"] == "2.0"
        run = host_env.host(baked.slug, "run", PLUGIN, "Ada")
        assert "Hello, Ada!" in run.stdout
        assert run.stderr == ""
    finally:
        host_env.pip("uninstall", "-y", distribution)
    assert PLUGIN not in host_env.plugins(baked.slug)
