"""Fixtures: fake plugin sites and a runner for the host (see support.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support import PROG, RunHost, Sandbox, Site


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path)


@pytest.fixture
def make_site(sandbox: Sandbox) -> Callable[[], Site]:
    """Make a new site folder on the host's PYTHONPATH, after the others."""
    return sandbox.add_site


@pytest.fixture
def site(make_site: Callable[[], Site]) -> Site:
    """The first site folder on the host's PYTHONPATH."""
    return make_site()


@pytest.fixture
def run_host(sandbox: Sandbox) -> RunHost:
    """Run the host: ``run_host(*args, env={...}, cwd=..., python=[...])``."""
    return sandbox.run


@pytest.fixture
def two(site: Site) -> Site:
    """Two plugins: alpha of the conventional distribution, beta of another name."""
    site.add("alpha", distribution=f"{PROG}-alpha")
    site.add("beta", distribution="Other.Beta_Dist")
    return site
