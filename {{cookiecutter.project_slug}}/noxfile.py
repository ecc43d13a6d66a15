{%- from "python.j2" import python_versions with context -%}
{%- from "host-source.j2" import host_words with context -%}
{%- set workspace = cookiecutter.scaffold == "host-and-plugin" -%}
#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Tasks for nox (https://nox.thea.codes/): ``nox`` runs what CI runs, ``nox -l`` lists them.

Each session installs the ``dev`` dependency group into a fresh environment, with uv
when nox finds it and with pip otherwise.
"""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"

PYTHONS = [{% for version in python_versions().split() %}"{{ version }}"{{ ", " if not loop.last }}{% endfor %}]
{%- if workspace %}
DISTRIBUTIONS = ["{{ cookiecutter.host_slug }}", "{{ cookiecutter.__plugin_project }}"]
{%- endif %}
DEV = nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), "dev")


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff's lint and format checks."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The tests and mypy, on every supported Python."""
{%- if workspace %}
    session.install(*DEV, *(f"--editable=./{name}" for name in DISTRIBUTIONS))
    for name in DISTRIBUTIONS:
        session.run("pytest", name, *session.posargs)
{%- else %}
    session.install(*DEV, {% if host_words("") %}{{ host_words("") | tojson }}, {% endif %}"--editable=.")
    session.run("pytest", *session.posargs)
{%- endif %}
    session.run("mypy")


if __name__ == "__main__":
    nox.main()
