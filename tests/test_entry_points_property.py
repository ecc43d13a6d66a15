"""The generated host's entry_points.txt reader against importlib.metadata, on generated files.

The entry-point host reads ``entry_points.txt`` itself (``metadata.py``), since importing
importlib.metadata costs more than the rest of its start. Hypothesis writes files in
every form the PyPA specification allows, and some it does not, and checks that the
reader finds exactly the entry points importlib.metadata finds, or fails where it fails.
The one place they differ on purpose: a line starting with ``;`` is a comment (configparser,
which the specification names), where importlib.metadata reads an entry point.
"""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Callable
from importlib.metadata import Distribution
from pathlib import Path
from types import ModuleType

import pytest
from conftest import bake
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

Parsed = list[tuple[str, str, str]]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def reader(cookies_session: object) -> ModuleType:
    """The metadata module of a default entry-point bake, imported from the bake."""
    project = bake(cookies_session, discovery="entry-point")
    path = project / "my-app" / "src" / "my_app" / "metadata.py"
    spec = importlib.util.spec_from_file_location("baked_metadata", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def importlib_reads(text: str) -> Parsed | None:
    """What importlib.metadata finds in `text` as a distribution's entry_points.txt; None if it fails."""
    with tempfile.TemporaryDirectory() as folder:
        info = Path(folder) / "x-1.0.dist-info"
        info.mkdir()
        (info / "entry_points.txt").write_text(text, encoding="utf-8", newline="")
        try:
            return [(ep.group, ep.name, ep.value) for ep in Distribution.at(info).entry_points]
        except (TypeError, ValueError):  # a line with no "=": Pair.parse gets one value
            return None


def host_reads(reader: ModuleType, text: str) -> Parsed | None:
    """What the host's reader finds in `text`; None if it refuses the file."""
    parse: Callable[[str], Parsed] = reader.parse
    try:
        return parse(text)
    except ValueError:
        return None


SPACE = st.text(" \t", max_size=3)
IDENTIFIER = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
DOTTED = st.lists(IDENTIFIER, min_size=1, max_size=3).map(".".join)
EXTRAS = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,5}", fullmatch=True), max_size=3).flatmap(
    lambda names: st.tuples(*[st.tuples(SPACE, st.just(n), SPACE) for n in names]).map(
        lambda parts: "[" + ",".join(a + n + b for a, n, b in parts) + "]"
    )
)


@st.composite
def value(draw: st.DrawFn) -> str:
    """An object reference: module, optional ``:attr.sub``, optional extras, spaces allowed."""
    text = draw(DOTTED)
    if draw(st.booleans()):
        text += draw(SPACE) + ":" + draw(SPACE) + draw(DOTTED)
    if draw(st.booleans()):
        text += draw(SPACE) + draw(EXTRAS)
    return text


NAME = st.text(st.characters(codec="utf-8", exclude_characters="=\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), max_size=8)
GROUP = st.one_of(
    DOTTED,
    st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), max_size=10),
    st.builds(lambda a, g, b: f"{a}{g}{b}", st.sampled_from(["", "[", " "]), DOTTED, st.sampled_from(["", "]", " "])),
)
LINE = st.one_of(
    st.builds(lambda a, g, b: f"{a}[{g}]{b}", SPACE, GROUP, SPACE),
    st.builds(lambda a, n, b, c, v, d: f"{a}{n}{b}={c}{v}{d}", SPACE, NAME, SPACE, SPACE, value(), SPACE),
    st.builds(lambda a, t: f"{a}#{t}", SPACE, st.text(max_size=10).map(lambda t: " ".join(t.splitlines()))),
    SPACE,
    st.from_regex(r"[a-z ]{1,8}", fullmatch=True),  # no "=": an error inside a section
)
NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def entry_points_txt(draw: st.DrawFn) -> str:
    """A whole file: lines of the forms above, joined by any newline."""
    lines = draw(st.lists(LINE, max_size=12))
    return "".join(line + draw(NEWLINE) for line in lines) + draw(st.sampled_from(["", "x = y"]))


def no_semicolon_lines(text: str) -> bool:
    """Whether no line of `text` starts, once stripped, with ``;`` (where the two differ)."""
    return not any(line.strip().startswith(";") for line in text.splitlines())


@SETTINGS
@given(entry_points_txt())
def test_reads_what_importlib_metadata_reads(reader: ModuleType, text: str) -> None:
    assume(no_semicolon_lines(text))
    assert host_reads(reader, text) == importlib_reads(text)


@SETTINGS
@given(st.text(max_size=60))
def test_any_text_reads_as_importlib_metadata_reads_it(reader: ModuleType, text: str) -> None:
    assume(no_semicolon_lines(text))
    assert host_reads(reader, text) == importlib_reads(text)


@SETTINGS
@given(entry_points_txt(), st.data())
def test_semicolon_lines_are_comments(reader: ModuleType, text: str, data: st.DataObject) -> None:
    lines = text.splitlines(keepends=True)
    at = data.draw(st.integers(0, len(lines)))
    # On a line of its own (after any last line without a newline), in printable ASCII.
    comment = data.draw(st.builds(lambda a, t: f"\n{a};{t}\n", SPACE, st.from_regex(r"[ -~]{0,10}", fullmatch=True)))
    assert host_reads(reader, "".join([*lines[:at], comment, *lines[at:]])) == host_reads(reader, text)
