"""Each style: build with ``python -m build``, install every usual way, and drive the host."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from conftest import HOST_SKIPS, SUITE, Baked, Venv, assert_suite_passed, bake, plugin_module, sh


def assert_discovered(venv: Venv, baked: Baked, **env: str) -> None:
    """The host lists the example plugin as ok, with its distribution and version, and runs it."""
    plugin = venv.plugins(baked.slug, env=env)[baked.plugin]
    assert plugin["status"] == "ok", plugin
    assert plugin["distribution"] == baked.plugin_project
    assert plugin["version"] == baked.context["version"]
    assert plugin["error"] is None
    result = venv.host(baked.slug, "run", baked.plugin, "Ada", env=env)
    assert "Hello, Ada!" in result.stdout


def test_host_alone_lists_no_plugin_and_says_how_to_start_one(host_env: Venv, baked: Baked) -> None:
    assert host_env.plugins(baked.slug) == {}
    text = host_env.host(baked.slug, "plugins").stdout
    assert "scaffold=plugin-only" in text and f"discovery={baked.style}" in text
    assert host_env.host(baked.slug, "--version").stdout.strip() == f"{baked.slug} {baked.context['version']}"
    assert "run" in host_env.host(baked.slug, "--help").stdout
    module = host_env.run(host_env.python, "-m", baked.package, "--version", cwd=host_env.path)
    assert module.stdout == host_env.host(baked.slug, "--version").stdout


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_installed_from_a_built_distribution(host_env: Venv, baked: Baked, kind: str) -> None:
    sdist, wheel = baked.build(baked.plugin_dir)
    host_env.pip("install", wheel if kind == "wheel" else sdist)
    try:
        assert_discovered(host_env, baked)
        with_tests = host_env.run(host_env.python, "-m", "pytest", *SUITE, cwd=baked.plugin_dir)
        assert_suite_passed(with_tests)
    finally:
        host_env.pip("uninstall", "-y", baked.plugin_project)
    assert baked.plugin not in host_env.plugins(baked.slug)


def test_installed_editable_and_edits_show_without_reinstall(host_env: Venv, baked: Baked, tmp_path: Path) -> None:
    source = tmp_path / baked.plugin_project
    shutil.copytree(baked.plugin_dir, source)
    host_env.pip("install", "-e", source)
    try:
        assert_discovered(host_env, baked)
        module = plugin_module(source, baked, baked.plugin)
        module.write_text(module.read_text().replace('SUMMARY = "', 'SUMMARY = "Edited: '))
        assert host_env.plugins(baked.slug)[baked.plugin]["summary"].startswith("Edited: ")
    finally:
        host_env.pip("uninstall", "-y", baked.plugin_project)


def test_installed_in_another_sys_path_entry(host_env: Venv, baked: Baked, tmp_path: Path) -> None:
    _, wheel = baked.build(baked.plugin_dir)
    target = tmp_path / "target"
    host_env.pip("install", "--no-deps", "--target", target, wheel)
    assert_discovered(host_env, baked, PYTHONPATH=str(target))
    assert baked.plugin not in host_env.plugins(baked.slug)


def test_installed_with_pip_user(baked: Baked, tmp_path: Path) -> None:
    """``pip install --user``: the host in the environment, the plugin in the user site."""
    venv = Venv(tmp_path / "venv-user", tmp_path / "cache", user_site=True)
    venv.pip("install", "--no-deps", baked.build(baked.host_dir)[1])
    venv.pip("install", "--user", "--no-deps", baked.build(baked.plugin_dir)[1])
    assert_discovered(venv, baked)
    user_site = venv.run(venv.python, "-c", "import site; print(site.getusersitepackages())").stdout.strip()
    location = str(venv.plugins(baked.slug)[baked.plugin]["location"])
    assert Path(location).resolve().is_relative_to(Path(user_site).resolve()), (location, user_site)
    venv.pip("uninstall", "-y", baked.plugin_project)
    assert baked.plugin not in venv.plugins(baked.slug)


def test_generated_host_test_suite_passes(host_env: Venv, baked: Baked) -> None:
    result = host_env.run(host_env.python, "-m", "pytest", *SUITE, cwd=baked.host_dir)
    assert_suite_passed(result, HOST_SKIPS)


def test_generated_code_runs_on_the_python_it_claims(baked: Baked) -> None:
    floor = tuple(int(p) for p in baked.context["python_requires"].split("."))
    assert sys.version_info[:2] >= floor
    for path in baked.project.rglob("*.py"):  # compiled in memory: the shared bake stays as baked
        compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)


@pytest.mark.parametrize("stray", ["my_app/__init__.py", "my_app/plugins/__init__.py"])
def test_a_namespace_plugin_shipping_an_init_is_named_and_routed_around(
    host_env: Venv, baked: Baked, cookies_session: object, tmp_path: Path, stray: str
) -> None:
    """The PyPA guide's warning, with real wheels in one site-packages: an empty __init__.py
    from a plugin, even one that overwrites the host's own, stops nothing and is named."""
    if baked.style != "namespace-package":
        pytest.skip("only the namespace-package style shares a package with its plugins")
    project = bake(cookies_session, scaffold="plugin-only", discovery=baked.style, plugin_name="intruder")
    (project / "src" / stray).write_text("")
    sh(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path, project)
    host_env.pip("install", baked.build(baked.plugin_dir)[1], *tmp_path.glob("*.whl"))
    try:
        result = host_env.host(baked.slug, "plugins", "--json")
        reports = {r["name"]: r for r in json.loads(result.stdout)}
        assert set(reports) == {baked.plugin, "intruder"}, "no plugin named __init__"
        assert reports[baked.plugin]["status"] == reports["intruder"]["status"] == "ok"
        warning = next(line for line in result.stderr.splitlines() if stray in line)
        assert f"{baked.slug}-intruder" in warning
        assert host_env.host(baked.slug, "--version").stdout.strip() == f"{baked.slug} {baked.context['version']}"
        assert host_env.host(baked.slug, "run", "intruder", "Ada").stdout == "intruder: Ada\n"
    finally:
        host_env.pip("uninstall", "-y", baked.plugin_project, f"{baked.slug}-intruder")
        host_env.pip("install", "--force-reinstall", "--no-deps", baked.build(baked.host_dir)[1])


@pytest.mark.parametrize("version", ["same", "other"])
def test_a_second_copy_of_the_host_is_never_blamed_on_a_plugin(
    host_env: Venv, baked: Baked, cookies_session: object, tmp_path: Path, version: str
) -> None:
    """``pip install --target DIR`` of the host's own wheel, DIR on PYTHONPATH: that copy runs,
    and the one in the environment is the host's, not a plugin's ``__init__.py``. Of the same
    version it is harmless and nothing is said; of another, the namespace style names both."""
    if version == "same":
        wheel = baked.build(baked.host_dir)[1]
    elif baked.style != "namespace-package":
        pytest.skip("only the namespace-package style shares the host's package with its plugins")
    else:
        project = bake(cookies_session, discovery=baked.style, version="0.2.0")
        dist = tmp_path / "dist"
        sh(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, project / baked.slug)
        (wheel,) = dist.glob("*.whl")
    copy = tmp_path / "copy"
    host_env.pip("install", "--no-deps", "--target", copy, wheel)
    host_env.pip("install", baked.build(baked.plugin_dir)[1])
    try:
        result = host_env.host(baked.slug, "plugins", "--json", env={"PYTHONPATH": str(copy)})
        assert [r["name"] for r in json.loads(result.stdout)] == [baked.plugin]
        if version == "same":
            assert result.stderr == ""
        else:
            (warning,) = result.stderr.splitlines()
            installed = host_env.site / baked.package
            assert f"{installed} is a second copy of {baked.slug} (from {baked.slug} 0.1.0)" in warning
            assert f"this {baked.slug} 0.2.0 runs from {copy / baked.package}" in warning
    finally:
        host_env.pip("uninstall", "-y", baked.plugin_project)
