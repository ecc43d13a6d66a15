"""Editable installs in every mode that Python can import are plugins, in every style.

Many editable modes install an import hook (a finder on ``sys.meta_path``), not a
folder on sys.path, so no directory listing sees the plugin although Python
imports it (the listing styles); the entry-point style reads the metadata that
every mode writes. Each test writes a plugin by hand (not from the template), in one
build backend's layout and mode, installs it with ``pip install -e`` (no build
isolation: the backends come from the wheelhouse into the host's environment),
and drives the host as a user would. One environment per style, shared by the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import STYLES, Baked, Venv, sh, timed, without_host_switches
from wheelhouse import WHEELHOUSE

BACKENDS = ("setuptools>=64", "hatchling", "editables", "pdm-backend", "meson-python", "meson", "ninja")
BACKENDS += ("scikit-build-core",)

# mode -> (pip's --config-settings, whether the project has a flat layout)
MODES = {
    "setuptools-flat": ((), True),  # the default for a flat layout: an import hook
    # The same, its packages found by setuptools (namespaces included): for a namespace
    # plugin, the hook then serves the host's whole package folder of the project.
    "setuptools-find": ((), True),
    "setuptools-strict": (("--config-settings", "editable_mode=strict"), True),  # a link tree
    "setuptools-compat": (("--config-settings", "editable_mode=compat"), True),  # a path entry
    "hatchling-exact": ((), False),  # dev-mode-exact = true: an import hook (editables)
    "pdm-editables": ((), False),  # editable-backend = "editables"
    "meson-python": ((), False),  # always an import hook, which rebuilds on import
    "scikit-build-core": ((), False),  # the default editable.mode = "redirect"
}

# What cannot work in the namespace-package style, whatever the host does.
NAMESPACE_LIMITS = {
    "hatchling-exact": "editables maps only top-level packages with an __init__.py: "
    "hatchling cannot build a namespace plugin with dev-mode-exact",
    "meson-python": "meson-python's import hook claims the whole top-level package of the "
    "namespace, in front of the host's own: Python cannot import the host itself",
    "scikit-build-core": "scikit-build-core's redirect hook claims the whole top-level package "
    "of the namespace, in front of the host's own: Python cannot import the host itself",
}

pytestmark = pytest.mark.parametrize("baked", STYLES, indirect=True)


@pytest.fixture(scope="module")
def backends_env(baked: Baked, wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """The host installed from its wheel, with every build backend beside it."""
    path = tmp_path_factory.mktemp(f"editables-{baked.style}")
    venv = Venv(path / "venv", path / "cache")
    venv.pip("install", baked.build(baked.host_dir)[1], *BACKENDS)
    return venv


def pip(venv: Venv, *args: str | Path) -> None:
    """Run pip for `venv`, with its programs (meson, ninja) on PATH as after ``activate``."""
    offline = ("--no-index", "--find-links", str(WHEELHOUSE)) if args[0] == "install" else ()
    env = without_host_switches(os.environ)
    env["PATH"] = os.pathsep.join([str(venv.bin), env.get("PATH", "")])
    with timed(f"pip {' '.join(map(str, args[:3]))}"):
        sh(sys.executable, "-m", "pip", "--python", venv.python, *args, *offline, "-q", env=env)


def module_folder(baked: Baked, root: Path, module: str) -> Path:
    """The folder of plugin package `module` (the plugin's name) under `root`."""
    if baked.style == "namespace-package":
        return root / baked.package / "plugins" / module
    return root / f"{baked.package}_{module}"


def write_plugin(baked: Baked, folder: Path, mode: str, version: str = "0.1.0") -> tuple[str, Path, Path]:
    """Write a plugin project for `mode` by hand; return its plugin name, module file, and
    the folder it lies in (the project, or its ``src``).

    Beside it lies a stray plugin module that the project does not ship: it is a plugin
    only if the install puts that folder itself on sys.path (a path entry).
    """
    plugin = mode.replace("-", "_")
    distribution = f"{baked.slug}-{mode}"
    flat = MODES[mode][1]
    root = folder if flat else folder / "src"
    package = module_folder(baked, root, plugin)
    package.mkdir(parents=True)
    source = package / "__init__.py"
    source.write_text(
        f'API_VERSION = 1\nSUMMARY = "The {mode} plugin."\n\n\n'
        f"def run(args):\n    print('{mode} greets', *args)\n    return 0\n"
    )
    stray = module_folder(baked, root, "stray").with_suffix(".py")
    stray.write_text('API_VERSION = 1\nSUMMARY = "Not installed."\n\n\ndef run(args):\n    return 0\n')
    top = f"{baked.package}.plugins.{plugin}" if baked.style == "namespace-package" else f"{baked.package}_{plugin}"
    # The folder that the backends take the package from (for a namespace plugin: the whole
    # namespace folder, which must hold no __init__.py of its own).
    shipped = f"src/{baked.package}" if baked.style == "namespace-package" else f"src/{baked.package}_{plugin}"
    project = f'[project]\nname = "{distribution}"\nversion = "{version}"\n'
    if baked.style == "entry-point":  # the group of the host's plugin API version 1
        project += f'\n[project.entry-points."{baked.package}.plugins.v1"]\n{plugin} = "{top}"\n'
    if mode == "setuptools-find":
        build = 'requires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
        found = baked.package if baked.style == "namespace-package" else top
        tool = f'[tool.setuptools.packages.find]\ninclude = ["{found}*"]\nnamespaces = true\n'
    elif mode.startswith("setuptools"):
        build = 'requires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
        tool = f'[tool.setuptools]\npackages = ["{top}"]\n'
    elif mode == "hatchling-exact":
        build = 'requires = ["hatchling", "editables"]\nbuild-backend = "hatchling.build"\n'
        tool = f'[tool.hatch.build.targets.wheel]\npackages = ["{shipped}"]\ndev-mode-exact = true\n'
    elif mode == "pdm-editables":
        build = 'requires = ["pdm-backend", "editables"]\nbuild-backend = "pdm.backend"\n'
        tool = '[tool.pdm.build]\neditable-backend = "editables"\n'
        tool += f'includes = ["{shipped}"]\n'  # it finds regular packages only, by itself
    elif mode == "meson-python":
        build = 'requires = ["meson-python"]\nbuild-backend = "mesonpy"\n'
        tool = ""
        installed = source.relative_to(root).parent.as_posix()
        (folder / "meson.build").write_text(
            f"project('{distribution}', version: '{version}')\n"
            "py = import('python').find_installation()\n"
            f"py.install_sources('{source.relative_to(folder).as_posix()}', subdir: '{installed}')\n"
        )
    else:
        build = 'requires = ["scikit-build-core"]\nbuild-backend = "scikit_build_core.build"\n'
        tool = f'[tool.scikit-build]\nwheel.packages = ["{shipped}"]\n'
        (folder / "CMakeLists.txt").write_text(
            "cmake_minimum_required(VERSION 3.15)\nproject(${SKBUILD_PROJECT_NAME} LANGUAGES NONE)\n"
        )
    (folder / "pyproject.toml").write_text(f"[build-system]\n{build}\n{project}\n{tool}")
    return plugin, source, root


def skip_what_cannot_install(baked: Baked, mode: str) -> None:
    """Skip, saying why, a mode that cannot install a plugin of this style here."""
    if baked.style == "namespace-package" and mode in NAMESPACE_LIMITS:
        pytest.skip(NAMESPACE_LIMITS[mode])
    if mode == "scikit-build-core" and shutil.which("cmake") is None:
        pytest.skip("scikit-build-core needs cmake on PATH, and the wheelhouse has no cmake wheel")


def install(venv: Venv, project: Path, mode: str) -> None:
    """``pip install -e`` the project in `mode`, without build isolation."""
    pip(venv, "install", "--no-build-isolation", *MODES[mode][0], "-e", project)


def listed(venv: Venv, baked: Baked, **kwargs: object) -> dict[str, dict[str, object]]:
    """``plugins --json`` by name, after checking that the host warned of nothing."""
    result = venv.host(baked.slug, "plugins", "--json", **kwargs)
    assert result.stderr == "", result.stderr
    return {report["name"]: report for report in json.loads(result.stdout)}


@pytest.mark.parametrize("mode", list(MODES))
def test_an_editable_plugin_is_listed_run_and_edited_live(
    backends_env: Venv, baked: Baked, tmp_path: Path, mode: str
) -> None:
    skip_what_cannot_install(baked, mode)
    project = tmp_path / mode
    plugin, source, root = write_plugin(baked, project, mode)
    distribution = f"{baked.slug}-{mode}"
    install(backends_env, project, mode)
    try:
        path = backends_env.run(backends_env.python, "-c", "import sys; print(*sys.path, sep='\\n')", cwd=tmp_path)
        on_path = str(root) in path.stdout.splitlines() and baked.style != "entry-point"
        # setuptools-find maps the project's whole my_app folder: Python imports the stray
        # namespace module too, so it is a plugin (before, the host missed both).
        served = mode == "setuptools-find" and baked.style == "namespace-package"
        expected = {plugin, "stray"} if on_path or served else {plugin}
        reports = listed(backends_env, baked)
        assert reports[plugin]["status"] == "ok", reports[plugin]
        assert (reports[plugin]["distribution"], reports[plugin]["version"]) == (distribution, "0.1.0")
        if baked.style != "entry-point":  # there, the location is the metadata folder
            assert Path(str(reports[plugin]["location"])).resolve() == source.resolve() or mode == "setuptools-strict"
        assert set(reports) == expected, "a module is a plugin only if Python would import it"
        result = backends_env.host(baked.slug, "run", plugin, "Ada")
        assert (result.stdout, result.stderr) == (f"{mode} greets Ada\n", "")
        source.write_text(source.read_text().replace("greets", "waves at"))  # no reinstall
        assert backends_env.host(baked.slug, "run", plugin, "Ada").stdout == f"{mode} waves at Ada\n"
        # Run as a module from the project folder: its stray module stays no plugin.
        as_module = backends_env.run(backends_env.python, "-m", baked.package, "plugins", "--json", cwd=project)
        assert {r["name"] for r in json.loads(as_module.stdout)} == expected
    finally:
        pip(backends_env, "uninstall", "-y", distribution)
    assert listed(backends_env, baked) == {}


def backdate(*folders: Path) -> None:
    """Make every folder under `folders` look a minute old, as after a while: the cache
    stores no discovery whose folders changed in the last two seconds."""
    for top in folders:
        for folder, _, _ in os.walk(top):
            info = os.stat(folder)
            os.utime(folder, ns=(info.st_atime_ns, info.st_mtime_ns - 60_000_000_000))


def test_installs_reinstalls_in_another_mode_and_uninstalls_show_through_the_cache(
    backends_env: Venv, baked: Baked, tmp_path: Path
) -> None:
    venv = backends_env.path  # site-packages, and bin: the console script's folder is on sys.path
    cache = Path(backends_env.env["XDG_CACHE_HOME"]) / baked.slug
    project = tmp_path / "plugin"
    plugin, source, _ = write_plugin(baked, project, "setuptools-flat")
    distribution = f"{baked.slug}-setuptools-flat"
    install(backends_env, project, "setuptools-flat")  # an import hook
    try:
        backdate(venv, project)
        shutil.rmtree(cache, ignore_errors=True)  # what an earlier test stored proves nothing here
        assert listed(backends_env, baked)[plugin]["version"] == "0.1.0"  # computed, and stored
        assert list(cache.glob("plugins-*.cache")), "the discovery was not cached"
        assert listed(backends_env, baked)[plugin]["version"] == "0.1.0"  # from the cache
        pyproject = project / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.2.0"'))
        install(backends_env, project, "setuptools-strict")  # another mode: a link tree on sys.path
        report = listed(backends_env, baked)[plugin]
        assert report["version"] == "0.2.0" and report["status"] == "ok", report
        backdate(venv, project)
        listed(backends_env, baked)  # stored again
        install(backends_env, project, "setuptools-flat")  # and back to the import hook
        report = listed(backends_env, baked)[plugin]
        if baked.style != "entry-point":
            assert Path(str(report["location"])).resolve() == source.resolve(), report
        backdate(venv, project)
        assert plugin in listed(backends_env, baked)
    finally:
        pip(backends_env, "uninstall", "-y", distribution)
    assert listed(backends_env, baked) == {}, "the uninstalled plugin is still listed"


@pytest.mark.parametrize("mode", ["hatchling-exact", "pdm-editables"])
def test_a_hooked_plugin_named_unlike_its_distribution_in_a_lib_folder_is_found(
    backends_env: Venv, baked: Baked, tmp_path: Path, mode: str
) -> None:
    """No top_level.txt (hatchling and pdm-backend write none), a module named unlike the
    distribution, in neither the project folder nor ``src``: the project's other folders
    are asked too (before, the naming-convention style missed it)."""
    skip_what_cannot_install(baked, mode)
    project = tmp_path / "renamed"
    package = module_folder(baked, project / "lib", "weather")
    package.mkdir(parents=True)
    source = package / "__init__.py"
    source.write_text('API_VERSION = 1\nSUMMARY = "Weather."\n\n\ndef run(args):\n    print("sunny")\n    return 0\n')
    top = f"{baked.package}.plugins.weather" if baked.style == "namespace-package" else f"{baked.package}_weather"
    distribution = f"{baked.slug}-forecasts"  # no "weather" in it
    project_table = f'[project]\nname = "{distribution}"\nversion = "1.0"\n'
    if baked.style == "entry-point":
        project_table += f'\n[project.entry-points."{baked.package}.plugins.v1"]\nweather = "{top}"\n'
    folder = f"lib/{baked.package}" if baked.style == "namespace-package" else f"lib/{baked.package}_weather"
    if mode == "hatchling-exact":
        build = 'requires = ["hatchling", "editables"]\nbuild-backend = "hatchling.build"\n'
        tool = f'[tool.hatch.build.targets.wheel]\npackages = ["{folder}"]\ndev-mode-exact = true\n'
    else:
        build = 'requires = ["pdm-backend", "editables"]\nbuild-backend = "pdm.backend"\n'
        tool = f'[tool.pdm.build]\neditable-backend = "editables"\npackage-dir = "lib"\nincludes = ["{folder}"]\n'
    (project / "pyproject.toml").write_text(f"[build-system]\n{build}\n{project_table}\n{tool}")
    install(backends_env, project, mode)
    try:
        reports = listed(backends_env, baked)
        assert reports["weather"]["status"] == "ok", reports
        assert reports["weather"]["distribution"] == distribution
        source.write_text(source.read_text().replace("sunny", "rainy"))  # no reinstall
        assert backends_env.host(baked.slug, "run", "weather").stdout == "rainy\n"
    finally:
        pip(backends_env, "uninstall", "-y", distribution)
    assert listed(backends_env, baked) == {}
