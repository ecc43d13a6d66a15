"""Crafted metadata in a real site-packages never ends a command of the host in a traceback.

Hypothesis writes a distribution with a plugin module and crafted metadata files
(``METADATA``, ``entry_points.txt`` and its group names, ``RECORD``,
``direct_url.json``, ``top_level.txt``, and a ``.pth`` file) into the site-packages
of an environment with the host installed from its wheel, in every style. Then every
command ends with a status the host gives, never a traceback, ``plugins --json``
stays one JSON document that strict parsers accept, and ``uninstall`` removes every
distribution the host lists.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import STYLES, Baked, Venv
from helpers import entry_point_group, plugin_package
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.parametrize("baked", STYLES, indirect=True)

# Text of any characters, lone surrogates and controls included, written as UTF-8 where it
# can be and as the bytes "surrogatepass" gives where it cannot (a file no decoder takes).
ANY_TEXT = st.text(max_size=40)
ONE_LINE = ANY_TEXT.map(lambda text: " ".join(text.splitlines()))  # no line boundary of any kind


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@st.composite
def distributions(draw: st.DrawFn, package: str, style: str) -> dict[str, bytes]:
    """A distribution: its files by path relative to site-packages, with crafted metadata."""
    plugin = draw(st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True))
    distribution = f"{package.replace('_', '-')}-x-{plugin.replace('_', '-')}"
    info = f"{distribution.replace('-', '_')}-1.0.dist-info"
    module = f"{plugin_package(style, package, plugin)}.py" if style != "entry-point" else f"x_{plugin}.py"
    # Its own name; another valid one; or text that is no distribution name at all.
    others = st.from_regex(r"zz[a-z]{1,8}", fullmatch=True)
    name = draw(st.one_of(st.just(distribution), others, ONE_LINE.map(lambda text: f"- {text}")))
    version = draw(st.one_of(st.just("1.0"), ONE_LINE))
    files = {
        module: b"API_VERSION = 1\nSUMMARY = 'crafted'\n\n\ndef run(args):\n    return 0\n",
        f"{info}/METADATA": b"Metadata-Version: 2.1\nName: "
        + encoded(name)
        + b"\nVersion: "
        + encoded(version)
        + b"\n"
        + encoded(draw(ANY_TEXT))
        + b"\n\n"
        + encoded(draw(ANY_TEXT)),
    }
    group = draw(
        st.one_of(
            # Not console_scripts: the host never reads it, and pip's uninstall removes the whole
            # bin folder for a console script with an empty name.
            st.sampled_from([entry_point_group(package), f"{package}.plugins", "other.group"]),
            st.from_regex(r"[0-9]{1,6000}", fullmatch=True).map(lambda v: f"{package}.plugins.v{v}"),
            ONE_LINE,
        )
    )
    point = draw(st.one_of(st.just(plugin), ONE_LINE))
    target = draw(st.one_of(st.just(module.removesuffix(".py")), ONE_LINE))
    # Only the entry-point style reads entry_points.txt; elsewhere a line that is no entry
    # point would only show that pip cannot uninstall such a distribution.
    tail = draw(ANY_TEXT) if style == "entry-point" else ""
    files[f"{info}/entry_points.txt"] = encoded(f"[{group}]\n{point} = {target}\n{tail}")
    url = draw(st.one_of(st.just("file:///tmp/a%00b"), st.just("file:///nowhere"), ONE_LINE))
    direct = {"url": url, "dir_info": {"editable": draw(st.booleans())}}
    files[f"{info}/direct_url.json"] = draw(st.one_of(st.just(encoded(json.dumps(direct))), ANY_TEXT.map(encoded)))
    files[f"{info}/top_level.txt"] = encoded(draw(ANY_TEXT))
    pth = f"__editable__.{distribution.replace('-', '_')}-1.0.pth"
    files[pth] = b"import sys\n" + encoded(draw(ONE_LINE))  # `import sys` only: site.py runs it
    record = [*files, f"{info}/RECORD"]
    junk = draw(st.lists(ONE_LINE.filter(str.strip), max_size=3))  # pip fails on an empty row
    files[f"{info}/RECORD"] = encoded("".join(f"{path},,\n" for path in record) + "\n".join(junk))
    return files


@pytest.fixture(scope="module")
def crowded(baked: Baked, wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """The host installed from its wheel, with pip for its uninstall, in an environment of its own."""
    path = tmp_path_factory.mktemp(f"hostile-{baked.style}")
    venv = Venv(path / "venv", path / "cache")
    venv.pip("install", baked.build(baked.host_dir)[1], "pip")
    return venv


def strictly_valid(text: str) -> list[dict[str, object]]:
    """Parse `text` as one JSON document that holds no lone surrogate (jq refuses those)."""
    reports = json.loads(text)
    json.dumps(reports, ensure_ascii=False).encode("utf-8")
    return list(reports)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_crafted_metadata_breaks_no_command_and_uninstall_removes_what_is_listed(
    crowded: Venv, baked: Baked, data: st.DataObject
) -> None:
    files = data.draw(distributions(baked.package, baked.style))
    site = crowded.site
    for relative, content in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_bytes(content)
    try:
        for command in (["--version"], ["--help"], ["plugins"], ["run", "none-such"]):
            result = crowded.host(baked.slug, *command, check=False)
            assert result.returncode in (0, 1, 2), (command, result.stderr)
            assert "Traceback" not in result.stderr, (command, result.stderr)
        listed = crowded.host(baked.slug, "plugins", "--json", check=False)
        assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
        reports = strictly_valid(listed.stdout)
        for report in reports:
            ran = crowded.host(baked.slug, "run", str(report["name"]), check=False)
            assert "Traceback" not in ran.stderr, ran.stderr
        owned = {str(r["distribution"]) for r in reports if r["distribution"]}
        for distribution in owned:
            gone = crowded.host(baked.slug, "uninstall", distribution, check=False)
            assert gone.returncode == 0, gone.stdout + gone.stderr
        after = strictly_valid(crowded.host(baked.slug, "plugins", "--json").stdout)
        assert not {r["distribution"] for r in after} & owned, "uninstall removed what was listed"
    finally:
        for relative in files:
            path = site / relative
            if path.parent != site:
                shutil.rmtree(path.parent, ignore_errors=True)
            path.unlink(missing_ok=True)
