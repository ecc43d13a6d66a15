"""``install`` and ``uninstall``: plugins in the environment the host runs in.

Both run an installer in a subprocess for ``sys.executable``: pip (``python -m
pip``) when that environment has it, else ``uv pip ... --python <interpreter>``
when uv is on PATH. pip and uv read their own settings from the environment
(``PIP_NO_INDEX``, ``PIP_FIND_LINKS``, ``UV_NO_INDEX``, ``UV_FIND_LINKS``...).

An environment that ``uv tool`` or ``pipx`` manages (``uv-receipt.toml`` or
``pipx_metadata.json`` in ``sys.prefix``) would lose what is installed behind its
back at the next upgrade, so there the host prints the command that lasts
instead, unless asked to ``--force``.

A bare word is never turned into a distribution name (that is how typosquatted
packages get installed): a requirement must be a path, a URL, a distribution
name of this host's plugins (``{{ cookiecutter.host_slug }}-*``), a requirement with a version
specifier, or any name with ``--name-is-exact``. Nothing else reaches the installer:
no option (an argument that starts with ``-``), and a path only as an absolute path,
which no installer reads as an option.

The installer and the discovery after it run in fresh interpreters that never have
the working directory on sys.path (``python -m`` and ``-c`` would put it first there,
so a ``pip.py`` or ``json.py`` in it would run): see :data:`SAFE_PATH`.

This module is imported by these two commands only.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from .about import PROG
{%- if cookiecutter.cache == "yes" %}
from .cache import NO_CACHE_ENV
{%- endif %}
from .display import for_terminal, warning
from .environment import normalize

HOST = "{{ cookiecutter.host_slug }}"
PREFIX = HOST + "-"
PACKAGE = "{{ cookiecutter.host_package }}"

# A PEP 508 name, optional extras, and the rest (a specifier, "@ URL" or markers).
_REQUIREMENT = re.compile(
    r"\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?P<extras>\[[^\]]*\])?\s*(?P<rest>.*)",
    re.DOTALL,
)
_PINNED = ("<", ">", "=", "!", "~", "@")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+\Z")  # a whole URL: git+https://..., file:///...
_ARCHIVES = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz")

#: The first lines of every ``python -c`` the host runs: take the working directory ("")
#: off sys.path before anything is imported, as ``python -P`` (3.11+) does.
SAFE_PATH = "import sys\nif sys.path and sys.path[0] == '':\n    del sys.path[0]\n"
# `python -m pip`, without the working directory on sys.path.
_RUN_PIP = SAFE_PATH + "import runpy\nrunpy.run_module('pip', alter_sys=True, run_name='__main__')"
# Run in a fresh interpreter: discovery after an install must see new .pth files.
_LIST_PLUGINS = (
    SAFE_PATH + "import json\n"
    f"from {PACKAGE}.loading import discover\n"
    "found = discover().items()\n"
    "print(json.dumps(dict((n, [f['distribution'], f['version']]) for n, f in found)))\n"
)

#: Plugin name -> (distribution, version), as discovery finds them.
Plugins = dict[str, tuple[str | None, str | None]]


class InstallError(Exception):
    """Installing or removing failed or was refused; the message is one line."""

    def __init__(self, message: str, code: int = 1) -> None:
        """Hold the one-line `message` and the exit `code` (2: bad input)."""
        super().__init__(message)
        self.code = code


def install(
    requirements: list[str],
    *,
    upgrade: bool = False,
    editable: bool = False,
    exact: bool = False,
    force: bool = False,
) -> int:
    """Install `requirements` next to the host and say which plugins appeared."""
    for requirement in requirements:
        check_requirement(requirement, exact=exact, editable=editable)
    given = _with_absolute_paths(requirements)  # a path is never read as an option
    before = plugins_now()
    manager = tool_manager()
    if manager and not force:
        tool, name = manager
        if tool == "pipx":
            advice = ["pipx", "inject", name, *["--editable"] * editable, *given]
        else:
            kept = [f"--with={d}" for d in _distributions(before or {})]
            flag = "--with-editable" if editable else "--with"
            added = [f"{flag}={r}" for r in given]
            advice = ["uv", "tool", "install", name, *kept, *added, *["--upgrade"] * upgrade]
        raise InstallError(_managed(tool, "install", advice))
    options = [*["--upgrade"] * upgrade]
    targets = [word for r in given for word in (["-e", r] if editable else [r])]
    _call("install", [*options, *targets])
    _say(before, plugins_now(), "install")
    return 0


def uninstall(names: list[str], *, force: bool = False) -> int:
    """Remove the distributions of plugins (named by plugin or distribution) and say which went."""
    for name in names:
        if normalize(name) == HOST:
            raise InstallError(
                f"refusing to uninstall {HOST}: it is the host itself, and uninstall removes "
                f"plugins only (remove the host with the tool that installed it)",
                code=2,
            )
    before = plugins_now()
    if before is None:
        raise InstallError("cannot list the installed plugins, so nothing was uninstalled")
    distributions = list(dict.fromkeys(_distribution_of(name, before) for name in names))
    manager = tool_manager()
    if manager and not force:
        tool, host = manager
        if tool == "pipx":
            advice = ["pipx", "uninject", host, *distributions]
        else:
            gone = {normalize(d) for d in distributions}
            kept = [f"--with={d}" for d in _distributions(before) if normalize(d) not in gone]
            advice = ["uv", "tool", "install", host, *kept]
        raise InstallError(_managed(tool, "uninstall", advice))
    _call("uninstall", distributions)
    _say(before, plugins_now(), "uninstall")
    return 0


def check_requirement(text: str, *, exact: bool = False, editable: bool = False) -> None:
    """Accept a path, a URL, a plugin distribution name or a pinned requirement; else raise.

    With `exact`, any distribution name is taken as given; with `editable`, only
    local folders and URLs are accepted, as pip's ``-e`` wants.
    """
    if text.lstrip().startswith("-"):
        raise InstallError(
            f"{text!r} is an option: {PROG} install passes requirements and paths only "
            f"(for a path that starts with '-', write ./{text})",
            code=2,
        )
    if os.path.exists(text) or _URL.match(text):
        return
    if editable:
        raise InstallError(f"-e needs a local folder or a VCS URL; {text!r} is neither", code=2)
    seps = {os.sep, os.altsep or os.sep, "/"}
    if any(sep in text for sep in seps) or text.startswith(".") or text.endswith(_ARCHIVES):
        raise InstallError(f"no such file or folder: {text!r}", code=2)
    match = _REQUIREMENT.fullmatch(text)
    rest = match["rest"] if match else ""
    if match is None or (rest and not rest.startswith((*_PINNED, ";"))):
        raise InstallError(
            f"{text!r} is not a requirement: give a path, a wheel, a URL or a distribution "
            f"name such as {PREFIX}NAME",
            code=2,
        )
    name = normalize(match["name"])
    if exact or rest.startswith(_PINNED) or name.startswith(PREFIX) or name == HOST:
        return
    raise InstallError(
        f"{text!r} is not the distribution name of a {PROG} plugin (those start with "
        f"{PREFIX!r}): did you mean {PREFIX}{name}? To install a distribution of another "
        f"name, pass --name-is-exact or a version specifier ('{match['name']}>=0')",
        code=2,
    )


def tool_manager() -> tuple[str, str] | None:
    """Return the tool manager of this environment and the tool's name, if one manages it.

    ``uv tool`` keeps ``uv-receipt.toml`` in each tool's environment (under
    ``uv tool dir``); pipx keeps ``pipx_metadata.json`` (under ``$PIPX_HOME/venvs``).
    """
    name = os.path.basename(os.path.normpath(sys.prefix))
    for marker, tool in (("uv-receipt.toml", "uv tool"), ("pipx_metadata.json", "pipx")):
        if os.path.isfile(os.path.join(sys.prefix, marker)):
            return tool, name
    return None


def installer(action: str, arguments: list[str]) -> list[str]:
    """Return the command that runs `action` (install, uninstall) with `arguments` here."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pip") is not None:
        quiet = ["--disable-pip-version-check"]
        yes = ["--yes"] if action == "uninstall" else []
        return [sys.executable, "-c", _RUN_PIP, action, *quiet, *yes, *arguments]
    uv = shutil.which("uv")
    if uv:
        return [uv, "pip", action, "--python", sys.executable, *arguments]
    raise InstallError(
        f"cannot {action}: the environment of {sys.executable} has no pip, and uv is not on "
        f"PATH; add pip ({sys.executable} -m ensurepip) or put uv on PATH"
    )


def plugins_now() -> Plugins | None:
    """Discover the plugins in a fresh interpreter{% if cookiecutter.cache == "yes" %}, bypassing the cache{% endif %}; None if that fails."""
    import json

    try:
        result = subprocess.run(
            [sys.executable, "-c", _LIST_PLUGINS],
{%- if cookiecutter.cache == "yes" %}
            env={**os.environ, NO_CACHE_ENV: "1"},
{%- endif %}
            capture_output=True,
            encoding="utf-8",
            check=True,
        )
        found = json.loads(result.stdout)
        return {str(name): (dist, version) for name, (dist, version) in found.items()}
    except (OSError, ValueError, TypeError, AttributeError, subprocess.CalledProcessError):
        return None


def _call(action: str, arguments: list[str]) -> None:
    """Run the installer; raise a one-line InstallError if it cannot run or fails."""
    command = installer(action, arguments)
    sys.stdout.flush()  # the installer's output comes after ours
    try:
        code = subprocess.call(command)
    except OSError as exc:
        raise InstallError(f"cannot run {command[0]}: {exc.strerror or exc}") from None
    if code:
        tool = "pip" if command[1:3] == ["-c", _RUN_PIP] else "uv pip"
        raise InstallError(f"{tool} {action} failed with exit code {code} (its output is above)")


def _say(before: Plugins | None, after: Plugins | None, action: str) -> None:
    """Print which plugins appeared, changed or went away."""
    if before is None or after is None:
        warning(f"{action} done, but the plugins could not be listed: run {PROG} plugins")
        return
    lines = [
        f"installed plugin {n} ({_release(after[n])})" for n in sorted(after) if n not in before
    ]
    lines += [
        f"upgraded plugin {n} ({_release(before[n])} -> {_release(after[n])})"
        for n in sorted(after)
        if n in before and after[n] != before[n]
    ]
    lines += [
        f"removed plugin {n} ({_release(before[n])})" for n in sorted(before) if n not in after
    ]
    for line in lines:
        print(for_terminal(line))
    if not lines:
        what = "appeared or changed" if action == "install" else "was removed"
        warning(f"no plugin {what}; {PROG} plugins lists them")


def _distribution_of(name: str, plugins: Plugins) -> str:
    """Return the distribution named by `name`: a plugin's distribution or a plugin's name."""
    wanted = normalize(name)
    for distribution in _distributions(plugins):
        if normalize(distribution) == wanted:
            return distribution
    for plugin, (owner, _) in plugins.items():
        if plugin == name and owner:
            return owner
    listed = ", ".join(sorted(plugins)) or "none installed"
    raise InstallError(
        f"{name!r} is neither a plugin nor the distribution of one; plugins: {listed}", code=2
    )


def _distributions(plugins: Plugins) -> list[str]:
    """Return the distributions that provide `plugins`, each once, sorted."""
    return sorted({dist for dist, _ in plugins.values() if dist}, key=normalize)


def _with_absolute_paths(requirements: list[str]) -> list[str]:
    """Return `requirements` with paths made absolute.

    An installer cannot read an absolute path as an option, and a tool manager can
    reuse it later, from any folder.
    """
    return [os.path.abspath(r) if os.path.exists(r) else r for r in requirements]


def _managed(tool: str, action: str, advice: list[str]) -> str:
    """Explain, in one line, why the host does not install here and what to run instead."""
    return (
        f"this {PROG} is managed by {tool}, which would lose plugins changed behind its back "
        f"at its next upgrade; to {action} so that it lasts, run: {shlex.join(advice)} "
        f"(or pass --force to {action} here anyway)"
    )


def _release(plugin: tuple[str | None, str | None]) -> str:
    """Name a plugin's distribution and version."""
    distribution, version = plugin
    return f"{distribution} {version}" if distribution else "no distribution"
