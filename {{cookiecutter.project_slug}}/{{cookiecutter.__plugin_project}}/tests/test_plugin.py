{%- set module = cookiecutter.host_package ~ ".plugins." ~ cookiecutter.plugin_name if cookiecutter.discovery == "namespace-package" else cookiecutter.__plugin_module -%}
"""Tests of the {{ cookiecutter.plugin_name }} plugin, on its own and as the host sees it."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import pytest

from {{ module }} import API_VERSION, SUMMARY, greeting, run

DISTRIBUTION = "{{ cookiecutter.__plugin_project }}"


def host(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed host's command line."""
    command = [sys.executable, "-m", "{{ cookiecutter.host_package }}", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_run_greets_everyone_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["Ada", "Grace"]) == 0
    assert capsys.readouterr().out.splitlines() == [greeting("Ada"), greeting("Grace")]


def test_run_greets_the_world_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == 0
    assert "Hello, world!" in capsys.readouterr().out


def test_follows_the_contract() -> None:
    from {{ cookiecutter.host_package }}.contract import PLUGIN_API_VERSION

    assert API_VERSION == PLUGIN_API_VERSION
    assert SUMMARY and "\n" not in SUMMARY
{%- if cookiecutter.discovery == "entry-point" %}


def test_metadata_declares_the_same_api_version() -> None:
    from importlib.metadata import entry_points

    declared = entry_points(group="{{ cookiecutter.host_package }}.plugin_api")
    assert [int(ep.value) for ep in declared if ep.name == "{{ cookiecutter.plugin_name }}"] == [API_VERSION]
{%- endif %}


def test_host_discovers_the_plugin() -> None:
    result = host("plugins", "--json")
    assert result.returncode == 0, result.stderr
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["{{ cookiecutter.plugin_name }}"]["status"] == "ok", plugins
    assert plugins["{{ cookiecutter.plugin_name }}"]["distribution"] == DISTRIBUTION
    assert plugins["{{ cookiecutter.plugin_name }}"]["version"] == version(DISTRIBUTION)


def test_host_runs_the_plugin() -> None:
    result = host("run", "{{ cookiecutter.plugin_name }}", "Ada")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == greeting("Ada")
