"""Property-based tests of the answer rules and the TOML writer, checked by real parsers."""

from __future__ import annotations

import sys
from email.headerregistry import Address
from pathlib import Path

import pytest
import tomllib
from conftest import ROOT, bake, sh
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.version import Version
from test_hooks import CHOICES, answered, pre

sys.path.insert(0, str(ROOT))
from hooks.extensions import toml_string

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)  # any Unicode text but lone surrogates


@given(TEXT)
def test_toml_strings_round_trip_any_text(text: str) -> None:
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


@given(st.text(max_size=40))
def test_an_accepted_version_is_one_packaging_accepts(version: str) -> None:
    if not pre.problems(answered("version", version), CHOICES):
        Version(version)


@given(st.from_regex(r"[^@\s]{1,12}@[^@\s]{1,12}", fullmatch=True) | st.emails())
def test_an_accepted_email_is_one_the_email_package_parses_without_defects(email: str) -> None:
    if not pre.problems(answered("author_email", email), CHOICES):
        address = Address(addr_spec=email)
        assert address.addr_spec == email


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT, description=TEXT)
def test_accepted_free_text_bakes_valid_toml(cookies: object, name: str, description: str) -> None:
    answers = {"author_name": name, "description": description}
    if any(pre.problems(answered(k, v), CHOICES) for k, v in answers.items()):
        return
    if any(mark in value for value in answers.values() for mark in ("{{", "{%", "{#")):
        return  # cookiecutter renders answers as Jinja before the template sees them (README)
    project = bake(cookies, **answers)
    meta = tomllib.loads((project / "my-app" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (meta["authors"][0]["name"], meta["description"]) == (name, description)


@pytest.mark.parametrize(
    "text",
    [
        "Party 🎉 time",
        "e\u0301 combining",
        "\u05e9\u05dc\u05d5\u05dd right-to-left",
        'quote " and \\ backslash',
    ],
)
def test_unusual_text_builds_and_keeps_its_metadata(cookies: object, tmp_path: Path, text: str) -> None:
    project = bake(cookies, author_name=text, description=text)
    sh(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path, project / "my-app")
    (wheel,) = tmp_path.glob("*.whl")
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("my_app-0.1.0.dist-info/METADATA").decode("utf-8")
    assert f"Summary: {text}" in metadata
