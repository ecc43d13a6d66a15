"""The plugin manager end to end, with real installs: isolation, control, laziness, safety, freshness."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Baked, Venv

MARK = "import os, pathlib\npathlib.Path(os.environ['MARKS'], __name__).touch()\n"
BROKEN = MARK + "raise RuntimeError('boom at import')\n"
NEWER_API = MARK + "API_VERSION = 2\nSUMMARY = 'from the future'\n\n\ndef run(args):\n    return 0\n"


@pytest.fixture
def crowd(host_env: Venv, baked: Baked, plugin_wheel: object, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Install the example plugin, a broken one and one for a newer API; yield the env to use."""
    wheels = [
        baked.build(baked.plugin_dir)[1],
        plugin_wheel(baked, "broken", BROKEN),  # type: ignore[operator]
        plugin_wheel(baked, "future", NEWER_API, api=2),  # type: ignore[operator]
    ]
    host_env.pip("install", *wheels)
    marks = tmp_path / "marks"
    marks.mkdir()
    try:
        yield {"MARKS": str(marks)}
    finally:
        host_env.pip("uninstall", "-y", baked.plugin_project, f"{baked.slug}-broken", f"{baked.slug}-future")


def imported(env: dict[str, str]) -> set[str]:
    """The plugin modules that were imported (each writes a mark when imported)."""
    return {p.name for p in Path(env["MARKS"]).iterdir()}


def test_one_broken_plugin_never_stops_the_others(host_env: Venv, baked: Baked, crowd: dict[str, str]) -> None:
    plugins = host_env.plugins(baked.slug, env=crowd)
    assert plugins[baked.plugin]["status"] == "ok"
    broken = plugins["broken"]
    assert broken["status"] == "failed"
    assert "'broken'" in broken["error"] and f"{baked.slug}-broken" in broken["error"]
    assert "boom at import" in broken["error"] and "\n" not in broken["error"]
    assert "Hello" in host_env.host(baked.slug, "run", baked.plugin, env=crowd).stdout

    failed = host_env.host(baked.slug, "run", "broken", check=False, env=crowd)
    assert failed.returncode == 1
    assert len(failed.stderr.strip().splitlines()) == 1 and "Traceback" not in failed.stderr
    debug = host_env.host(baked.slug, "--debug", "run", "broken", check=False, env=crowd)
    assert "Traceback" in debug.stderr and "boom at import" in debug.stderr
    by_env = host_env.host(
        baked.slug, "run", "broken", check=False, env={**crowd, f"{baked.package.upper()}_DEBUG": "1"}
    )
    assert "Traceback" in by_env.stderr


def test_another_api_version_is_incompatible(host_env: Venv, baked: Baked, crowd: dict[str, str]) -> None:
    future = host_env.plugins(baked.slug, env=crowd)["future"]
    assert future["status"] == "incompatible"
    assert "plugin API 2" in future["error"] and "plugin API 1" in future["error"]
    if baked.style == "entry-point":  # the metadata says so: no code of it ran
        assert f"{baked.package}_future" not in imported(crowd)
    assert host_env.host(baked.slug, "run", "future", check=False, env=crowd).returncode == 1


def test_disabled_plugins_are_never_imported(host_env: Venv, baked: Baked, crowd: dict[str, str]) -> None:
    env = {**crowd, f"{baked.package.upper()}_DISABLE_PLUGINS": "broken,future"}
    plugins = host_env.plugins(baked.slug, env=env)
    assert (plugins["broken"]["status"], plugins["future"]["status"]) == ("disabled", "disabled")
    assert plugins[baked.plugin]["status"] == "ok"
    assert imported(env) == set()
    refused = host_env.host(baked.slug, "run", "broken", check=False, env=env)
    assert refused.returncode == 1 and "disabled" in refused.stderr


@pytest.mark.parametrize("allowed", ["", "future"])
def test_allow_list(host_env: Venv, baked: Baked, crowd: dict[str, str], allowed: str) -> None:
    env = {**crowd, f"{baked.package.upper()}_LOAD_PLUGINS": allowed}
    statuses = {n: p["status"] for n, p in host_env.plugins(baked.slug, env=env).items()}
    assert statuses[baked.plugin] == "disabled" and statuses["broken"] == "disabled"
    assert statuses["future"] == ("incompatible" if allowed else "disabled")


def test_only_what_a_command_needs_is_imported(host_env: Venv, baked: Baked, crowd: dict[str, str]) -> None:
    host_env.host(baked.slug, "--help", env=crowd)
    host_env.host(baked.slug, "--version", env=crowd)
    host_env.host(baked.slug, "run", baked.plugin, env=crowd)
    assert imported(crowd) == set()
    unknown = host_env.host(baked.slug, "run", "nope", check=False, env=crowd)
    assert unknown.returncode == 2
    assert all(name in unknown.stderr for name in ("broken", "future", baked.plugin))


def test_stray_files_in_the_working_directory_are_ignored(host_env: Venv, baked: Baked, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    stray = tmp_path / "cwd"
    (stray / f"{baked.package}/plugins").mkdir(parents=True)
    for module in (stray / f"{baked.package}_evil.py", stray / f"{baked.package}/plugins/evil.py", stray / "evil.py"):
        module.write_text(MARK + "API_VERSION = 1\nSUMMARY = 'evil'\nrun = print\n")
    metadata = stray / "evil-1.0.dist-info"
    metadata.mkdir()
    (metadata / "METADATA").write_text("Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n")
    (metadata / "entry_points.txt").write_text(f"[{baked.package}.plugins]\nevil = evil\n")
    env = {"MARKS": str(marks)}
    assert "evil" not in host_env.plugins(baked.slug, cwd=stray, env=env)
    listed = host_env.run(host_env.python, "-m", baked.package, "plugins", cwd=stray, env=env)
    assert "evil" not in listed.stdout
    assert list(marks.iterdir()) == []


def test_the_cache_is_never_stale(host_env: Venv, baked: Baked, plugin_wheel: object) -> None:
    cache = Path(host_env.env["XDG_CACHE_HOME"]) / baked.slug
    _, wheel = baked.build(baked.plugin_dir)
    newer = plugin_wheel(baked, baked.plugin, version="0.2.0")  # type: ignore[operator]
    host_env.pip("install", wheel)
    try:
        host_env.settle()
        assert host_env.plugins(baked.slug)[baked.plugin]["version"] == "0.1.0"
        assert list(cache.glob("plugins-*")), "the settled environment was cached"

        host_env.pip("install", newer)  # upgrade
        assert host_env.plugins(baked.slug)[baked.plugin]["version"] == "0.2.0"
        host_env.settle()
        assert host_env.plugins(baked.slug)[baked.plugin]["version"] == "0.2.0"

        host_env.pip("uninstall", "-y", baked.plugin_project)
        assert baked.plugin not in host_env.plugins(baked.slug)
        host_env.settle()
        assert baked.plugin not in host_env.plugins(baked.slug)

        host_env.pip("install", wheel)  # reinstall the older version
        assert host_env.plugins(baked.slug)[baked.plugin]["version"] == "0.1.0"
    finally:
        host_env.pip("uninstall", "-y", baked.plugin_project)


def test_editable_entry_point_changes_show_after_reinstall(host_env: Venv, baked: Baked, tmp_path: Path) -> None:
    if baked.style != "entry-point":
        pytest.skip("only the entry-point style declares plugins in metadata")
    import shutil

    source = tmp_path / "plugin"
    shutil.copytree(baked.plugin_dir, source)
    host_env.pip("install", "-e", source)
    try:
        host_env.settle()
        assert baked.plugin in host_env.plugins(baked.slug)
        pyproject = source / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace(f"{baked.plugin} = ", "renamed = "))
        host_env.pip("install", "-e", source)
        plugins = host_env.plugins(baked.slug)
        assert "renamed" in plugins and baked.plugin not in plugins
    finally:
        host_env.pip("uninstall", "-y", baked.plugin_project)


def test_duplicates_give_one_result_and_a_warning_naming_both(
    host_env: Venv, baked: Baked, plugin_wheel: object, tmp_path: Path
) -> None:
    _, wheel = baked.build(baked.plugin_dir)
    other = plugin_wheel(baked, baked.plugin, distribution="other-hello")  # type: ignore[operator]
    copy, rival, lib64 = tmp_path / "copy", tmp_path / "rival", tmp_path / "lib64"
    host_env.pip("install", wheel)
    host_env.pip("install", "--no-deps", "--target", copy, wheel)
    host_env.pip("install", "--no-deps", "--target", rival, other)
    site = next(host_env.path.glob("lib/python*/site-packages"))
    lib64.symlink_to(site, target_is_directory=True)
    try:
        for extra, first, second in [
            (copy, copy, site),  # a --target copy of the same distribution
            (lib64, lib64, site),  # the same folder reached through a symlink
            (rival, "other-hello", baked.plugin_project),  # another distribution, same plugin name
        ]:
            result = host_env.host(baked.slug, "plugins", "--json", env={"PYTHONPATH": str(extra)})
            reports = [r for r in json.loads(result.stdout) if r["name"] == baked.plugin]
            assert len(reports) == 1, result.stdout
            winner = "other-hello" if extra == rival else baked.plugin_project
            assert reports[0]["distribution"] == winner and reports[0]["status"] == "ok"
            warnings = [line for line in result.stderr.splitlines() if "warning" in line]
            assert any(str(first) in w and str(second) in w for w in warnings), result.stderr
    finally:
        host_env.pip("uninstall", "-y", baked.plugin_project)
