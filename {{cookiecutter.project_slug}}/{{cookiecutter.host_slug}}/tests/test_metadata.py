"""The host's own reader of ``entry_points.txt`` gives what importlib.metadata gives."""

from __future__ import annotations

from importlib.metadata import Distribution
from pathlib import Path

import pytest
from support import (
    PLUGIN_GROUP,
    RunHost,
    Sandbox,
    Site,
    listing,
    modules_imported_by,
    plugin_source,
)
from test_contract import ran, use

from {{ cookiecutter.host_package }}.metadata import parse

# Files in every form the specification allows, and some it does not forbid.
ODD = {
    "plain": "[console_scripts]\ntool = pkg.cli:main\n",
    "no spaces": "[g]\na=b:c\n",
    "wide spaces": "[g]\n  a   =   b  :  c.d   [ x ,  y ]  \n",
    "tabs": "[g]\n\ta\t=\tb:c\t\n",
    "comments": "# top\n[g]\n# inside\n  # indented\na = b\n",
    "blank lines": "\n\n[g]\n\n\na = b\n\n[h]\n\nc = d\n\n",
    "before any section": "stray = line\n[g]\na = b\n",
    "extras": "[g]\na = b:c [one,two]\nd = e [x]\n",
    "case kept": "[Group.Name]\nName = Mod:Attr\nname = mod:attr\n",
    "equals in value": "[g]\na = b:c [x=1]\n",
    "colons in name": "[g]\nc:d = e\n",
    "dotted group": f"[{PLUGIN_GROUP}.v1]\nalpha = fake_alpha\n",
    "empty section": "[g]\n[h]\na = b\n",
    "repeated section": "[g]\na = b\n[h]\nc = d\n[g]\ne = f\n",
    "repeated name": "[g]\na = b\na = c\n",
    "windows newlines": "[g]\r\na = b\r\nc = d\r\n",
    "old mac newlines": "[g]\ra = b\r",
    "no final newline": "[g]\na = b",
    "unicode": "[g]\nnaïve = módulo:función\n",
    "brackets in group": "[[g]]\na = b\n",
    "spaces in group": "[ g ]\na = b\n",
    "empty": "",
}


def importlib_reads(folder: Path, text: str) -> list[tuple[str, str, str]]:
    """Return what importlib.metadata makes of `text` as a distribution's entry_points.txt."""
    folder.mkdir()
    (folder / "entry_points.txt").write_text(text, encoding="utf-8", newline="")
    return [(ep.group, ep.name, ep.value) for ep in Distribution.at(folder).entry_points]


@pytest.mark.parametrize("text", ODD.values(), ids=ODD.keys())
def test_reads_what_importlib_metadata_reads(text: str, tmp_path: Path) -> None:
    assert parse(text) == importlib_reads(tmp_path / "x.dist-info", text)


def test_semicolon_lines_are_comments_as_the_specification_says() -> None:
    # configparser, which the specification names, skips them; importlib.metadata does not.
    assert parse("; note\n[g]\n; a = b\nc = d\n") == [("g", "c", "d")]


def test_a_line_that_is_no_entry_point_is_an_error() -> None:
    with pytest.raises(ValueError, match="line 3"):
        parse("[g]\na = b\nnot an entry point\n")


def test_odd_but_valid_declarations_load(site: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    site.write("fake_alpha.py", plugin_source("alpha", sandbox.markers))
    site.write(
        "fake_holder.py",
        "import types\nimport fake_alpha\nholder = types.SimpleNamespace(plugin=fake_alpha)\n",
    )
    info = site.install("odd-dist", "2.0", ["fake_alpha.py", "fake_holder.py"])
    (info / "entry_points.txt").write_text(
        "; written by hand\n"
        f"[ {PLUGIN_GROUP} ]\n"  # not this host's group: importlib.metadata keeps the spaces too
        "gamma = nowhere\n"
        f"[{PLUGIN_GROUP}]\n"
        "\t# the next line has every space the specification allows\n"
        "  alpha   =   fake_holder  :  holder.plugin  [ some ,  extras ]  \n",
        encoding="utf-8",
    )
    reports = listing(run_host("plugins", "--json"))
    assert "gamma" not in reports
    assert reports["alpha"]["status"] == "ok", reports["alpha"]
    assert reports["alpha"]["distribution"] == "odd-dist"
    result = use(run_host, "alpha")
    assert result.returncode == 0, result.stderr
    assert ran("alpha") in result.stdout


def test_discovery_does_not_import_importlib_metadata(site: Site, sandbox: Sandbox) -> None:
    site.add("alpha")
    # A first start: the cache misses, and discovery reads the metadata.
    imported = modules_imported_by(sandbox, ["plugins", "--json"])
    assert "importlib.metadata" not in imported
    assert "email" not in imported
