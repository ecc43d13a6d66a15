"""The distributions the start-up benchmark installs, and where they come from.

The host and its example plugin are baked from a snapshot of the template and built
once per template version (keyed by a digest of its files); the crowd of unrelated
distributions and extra plugins are tiny wheels written here, also kept between runs.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import PACKAGE, PLUGIN, ROOT, SLUG, TEMPLATE_PARTS, Baked, copy_parts, entry_point_group, plugin_package

CONTEXT = {"host_name": "My App", "plugin_name": PLUGIN, "scaffold": "host-and-plugin"}
GENERATOR = "v3"  # bump when the generated wheels change, to drop cached ones


def template_digest(template: Path) -> str:
    """Hash the files that shape the generated project, to key cached wheels."""
    digest = hashlib.sha256()
    for part in TEMPLATE_PARTS:
        base = template / part
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(template).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def snapshot(template: Path, work: Path) -> Path:
    """Copy the template's files into `work`, named by digest, and return the copy.

    Baking from the copy keeps one run on one version of the template even while
    someone edits it.
    """
    folder = work / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    staging = copy_parts(template, Path(tempfile.mkdtemp(dir=folder, prefix="tmp-")))
    final = folder / template_digest(staging)
    if final.exists():
        shutil.rmtree(staging)
    else:
        staging.rename(final)
    return final


def isolated_build(isolation: str) -> bool:
    """Whether to build in isolation: not when asked not to, nor (auto) when hatchling is here."""
    off = isolation == "off" or (isolation == "auto" and importlib.util.find_spec("hatchling") is not None)
    return not off


def bake(template: Path, output: Path, **answers: str) -> Baked:
    """Bake `template` with the benchmark's answers and `answers` into `output`, once.

    The bake goes to a staging folder first, so an interrupted one leaves nothing behind.
    """
    if not output.exists():
        from cookiecutter.main import cookiecutter

        staging = output.with_name(f"{output.name}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        extra: dict[str, Any] = {**CONTEXT, **answers}
        cookiecutter(str(template), no_input=True, extra_context=extra, output_dir=str(staging))
        staging.rename(output)
    return Baked(answers.get("discovery", ""), output / SLUG, output / "dist")


def answers_label(answers: dict[str, str]) -> str:
    """Return what names a bake's or a run's folder after the answers it was baked with."""
    return "".join(f"-{name}={value}" for name, value in sorted(answers.items()))


def host_wheels(
    style: str, work: Path, *, template: Path = ROOT, isolation: str = "auto", answers: dict[str, str] | None = None
) -> list[Path]:
    """Return the host's and the example plugin's wheels for `style` and other `answers`,
    baking and building them once per version of the template."""
    template = snapshot(template, work)
    answers = answers or {}
    folder = work / "baked" / f"{style}{answers_label(answers)}-{template.name}"
    baked = bake(template, folder, **answers, discovery=style)
    isolated = isolated_build(isolation)
    return [baked.build(source, wheel_only=True, isolated=isolated)[1] for source in (baked.host_dir, baked.plugin_dir)]


def _record_hash(data: bytes) -> str:
    """Return a RECORD hash field: urlsafe base64 sha256 without padding."""
    raw = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + raw.decode("ascii")


def write_wheel(path: Path, name: str, files: dict[str, str], entry_points: str = "", summary: str = "") -> None:
    """Write a pure-Python wheel with `files`, METADATA, WHEEL, RECORD and entry points."""
    stem = path.name.split("-", 2)
    info = f"{stem[0]}-{stem[1]}.dist-info"
    meta = {
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {stem[1]}\n"
            f"Summary: {summary or name}\nRequires-Python: >=3.8\n"
        ),
        f"{info}/WHEEL": ("Wheel-Version: 1.0\nGenerator: startup-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    }
    if entry_points:
        meta[f"{info}/entry_points.txt"] = entry_points
    contents = {name_: text.encode() for name_, text in {**files, **meta}.items()}
    record = [f"{n},{_record_hash(d)},{len(d)}" for n, d in contents.items()]
    contents[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,", ""]).encode()
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for name_, data in contents.items():
            archive.writestr(zipfile.ZipInfo(name_, (1980, 1, 1, 0, 0, 0)), data)
    temporary.replace(path)


def _plugin_source(name: str) -> str:
    """Return a plugin module's source, shaped like the template's plugin_module.py.j2."""
    return (
        f'"""The {name} benchmark plugin."""\n\nfrom __future__ import annotations\n\n'
        f"API_VERSION = 1\n\nSUMMARY = {f'Benchmark plugin {name}.'!r}\n\n\n"
        "def run(args: list[str]) -> int:\n"
        '    """Print the arguments and return 0."""\n'
        "    print(*args)\n    return 0\n"
    )


def unrelated_wheels(work: Path, count: int) -> list[Path]:
    """Return `count` wheels of unrelated distributions, writing the missing ones."""
    folder = work / f"crowd-{GENERATOR}" / "unrelated"
    folder.mkdir(parents=True, exist_ok=True)
    wheels = []
    for i in range(count):
        path = folder / f"unrelated_{i}-1.0-py3-none-any.whl"
        wheels.append(path)
        if path.exists():
            continue
        module = f"unrelated_{i}"
        source = f'"""Unrelated distribution {i}."""\n\n\ndef main() -> int:\n    return 0\n'
        if i % 4 == 0:  # a package with a submodule
            files = {f"{module}/__init__.py": source, f"{module}/core.py": "VALUE = 1\n"}
        else:
            files = {f"{module}.py": source}
        scripts = [f"unrelated-{i} = {module}:main"] if i % 3 == 0 else []
        if i % 10 == 0:
            scripts.append(f"unrelated-{i}-admin = {module}:main")
        entry_points = "[console_scripts]\n" + "\n".join(scripts) + "\n" if scripts else ""
        write_wheel(path, f"unrelated-{i}", files, entry_points)
    return wheels


def plugin_wheels(
    style: str, work: Path, count: int, source: Callable[[int], str] | None = None, kind: str = "crowd"
) -> list[Path]:
    """Return `count` wheels of extra plugins of `style`, writing the missing ones.

    `source` gives plugin i's module (default: the command contract's); `kind` names the
    folder the wheels are kept in, so that other sources keep theirs apart.
    """
    folder = work / f"{kind}-{GENERATOR}" / style
    folder.mkdir(parents=True, exist_ok=True)
    wheels = []
    for i in range(count):
        name, module = f"{SLUG}-p{i}", plugin_package(style, PACKAGE, f"p{i}")
        files = {f"{module}.py": source(i) if source else _plugin_source(f"p{i}")}
        entry_points = f"[{entry_point_group(PACKAGE)}]\np{i} = {module}\n" if style == "entry-point" else ""
        path = folder / f"{name.replace('-', '_')}-1.0-py3-none-any.whl"
        wheels.append(path)
        if not path.exists():
            write_wheel(path, name, files, entry_points, f"Benchmark plugin p{i}.")
    return wheels
