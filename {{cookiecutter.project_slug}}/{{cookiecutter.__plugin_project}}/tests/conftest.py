{%- from "host-source.j2" import host_words with context -%}
{%- set words = host_words("../" ~ cookiecutter.host_slug) -%}
"""Stop the tests at once unless the installed {{ cookiecutter.host_slug }} is the host this plugin is for.

An index may hold another project of the same name, which an install from the
index takes; the host itself is the one with the plugin contract module.
"""

from __future__ import annotations

import importlib.util

import pytest

CONTRACT = "{{ cookiecutter.host_package }}.contract"
INSTALL = {{ ("pip install " ~ words ~ " -e .") | tojson if words else '"pip install /path/to/the/host/source -e ., or name that source in host_source"' }}


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to run against a missing host, or a namesake of it."""
    try:
        found = importlib.util.find_spec(CONTRACT) is not None
    except ImportError:  # no {{ cookiecutter.host_package }} at all
        found = False
    if not found:
        raise pytest.UsageError(
            f"the installed {{ cookiecutter.host_slug }} is not the host this plugin is for (it has no {CONTRACT});"
            f" install the host first: {INSTALL}"
        )
