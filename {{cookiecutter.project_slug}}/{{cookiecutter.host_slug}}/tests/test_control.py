"""The switches that keep plugins from loading: disabled plugins are never imported."""

from __future__ import annotations

import pytest
from support import PROG, RunHost, Sandbox, Site, listing, one_line_error
from test_contract import ran, use

DISABLE = "{{ cookiecutter.__env_prefix }}_DISABLE_PLUGINS"
LOAD = "{{ cookiecutter.__env_prefix }}_LOAD_PLUGINS"
NAMES = ("alpha", "beta", "gamma")


@pytest.fixture
def three(site: Site) -> Site:
    for name in NAMES:
        site.add(name)
    return site


def statuses(run_host: RunHost, env: dict[str, str]) -> dict[str, str]:
    reports = listing(run_host("plugins", "--json", env=env))
    return {name: reports[name]["status"] for name in NAMES}


def test_disable_plugins(three: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    env = {DISABLE: "alpha, beta"}
    reports = listing(run_host("plugins", "--json", env=env))
    assert {name: reports[name]["status"] for name in NAMES} == {
        "alpha": "disabled",
        "beta": "disabled",
        "gamma": "ok",
    }
    assert DISABLE in reports["alpha"]["error"]
    message = one_line_error(use(run_host, "alpha", env=env))
    assert "'alpha'" in message and DISABLE in message
    assert ran("gamma") in use(run_host, "gamma", env=env).stdout
    assert [sandbox.imports(name) for name in NAMES] == [0, 0, 2]


def test_load_only_the_listed_plugins(three: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    env = {LOAD: "beta"}
    assert statuses(run_host, env) == {"alpha": "disabled", "beta": "ok", "gamma": "disabled"}
    message = one_line_error(use(run_host, "gamma", env=env))
    assert "'gamma'" in message and LOAD in message
    assert [sandbox.imports(name) for name in NAMES] == [0, 1, 0]


def test_load_plugins_set_but_empty_loads_none(
    three: Site, sandbox: Sandbox, run_host: RunHost
) -> None:
    reports = listing(run_host("plugins", "--json", env={LOAD: ""}))
    assert reports
    assert {report["status"] for report in reports.values()} == {"disabled"}
    assert use(run_host, "alpha", env={LOAD: ""}).returncode == 1
    assert [sandbox.imports(name) for name in NAMES] == [0, 0, 0]


def test_disable_wins_over_load(three: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    env = {LOAD: "alpha,beta", DISABLE: "beta"}
    assert statuses(run_host, env) == {"alpha": "ok", "beta": "disabled", "gamma": "disabled"}
    assert sandbox.imports("beta") == 0


def test_empty_disable_list_disables_nothing(three: Site, run_host: RunHost) -> None:
    assert set(statuses(run_host, {DISABLE: ""}).values()) == {"ok"}


# Switches by distribution name


@pytest.mark.parametrize("value", [f"{PROG}-alpha", f"{PROG.upper()}_ALPHA", "alpha"])
def test_disable_by_distribution_name(
    two: Site, sandbox: Sandbox, run_host: RunHost, value: str
) -> None:
    reports = listing(run_host("plugins", "--json", env={DISABLE: value}))
    assert reports["alpha"]["status"] == "disabled"
    assert reports["alpha"]["switch"] == DISABLE
    assert reports["alpha"]["error"] == f"disabled by {DISABLE}"
    assert reports["beta"]["status"] == "ok" and reports["beta"]["switch"] is None
    assert sandbox.imports("alpha") == 0
    assert use(run_host, "alpha", env={DISABLE: value}).returncode == 1


def test_load_by_distribution_name(two: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    reports = listing(run_host("plugins", "--json", env={LOAD: "other-beta-dist"}))
    assert reports["beta"]["status"] == "ok" and reports["beta"]["switch"] is None
    assert reports["alpha"]["status"] == "disabled"
    assert reports["alpha"]["switch"] == LOAD
    assert sandbox.imports("alpha") == 0
