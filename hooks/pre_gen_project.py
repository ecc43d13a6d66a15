"""Validate the answers before anything is generated.

Every answer that reaches a path, a name, code or metadata has one rule here,
the derived ones included: a ``__`` variable must equal what cookiecutter.json
derives, and a derived default that breaks its rule is blamed on the answer it
came from. The answers reach this hook as JSON data, never pasted into its code.
(Cookiecutter itself renders ``key=value`` answers from the command line as
Jinja before any hook runs, so a description of ``7*7`` in double braces arrives
as ``49``; the template cannot switch that off.)

On bad answers the hook prints every problem, naming the variable and what is
allowed, then a command that reruns the bake with the same answers, and exits 1:
cookiecutter then removes the half-made output folder.
"""

from __future__ import annotations

import json
import keyword
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

Answers = dict[str, object]

IDENTIFIER = r"[a-z][a-z0-9_]*"
DISTRIBUTION = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"  # PEP 508 names, in their normalized form
ONE_LINE = r"[^\x00-\x1f\x7f\u2028\u2029]+"
VERSION = r"[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?"  # PEP 440, ASCII
SPECIFIER = r"(~=|==|!=|<=|>=|<|>)\s*[0-9][0-9a-z.*+!]*"
DOTTED = r"[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*"

# variable -> (pattern it must fully match, what is allowed, in words)
RULES: dict[str, tuple[str, str]] = {
    "host_name": (r"[^\W_][\w .'-]*", "letters, digits, spaces, and . - _ ', starting with a letter, e.g. My App"),
    "host_slug": (DISTRIBUTION, "lowercase letters, digits and single hyphens, starting with a letter, e.g. my-app"),
    "host_package": (IDENTIFIER, "lowercase letters, digits and '_', starting with a letter, e.g. my_app"),
    "plugin_name": (IDENTIFIER, "lowercase letters, digits and '_', starting with a letter, e.g. weather"),
    "project_slug": (DISTRIBUTION, "lowercase letters, digits and single hyphens, starting with a letter"),
    "description": (ONE_LINE, "one line of text"),
    "author_name": (ONE_LINE, "one line of text"),
    "author_email": (DOTTED + "@" + DOTTED + r"\.[A-Za-z]{2,}", "an ASCII email address, e.g. you@example.com"),
    "version": (VERSION, "a PEP 440 version of ASCII digits, e.g. 0.1.0 or 1.0rc1"),
    "host_requirement": (
        DISTRIBUTION + rf"(\s*{SPECIFIER}(\s*,\s*{SPECIFIER})*)?",
        "the host's distribution name and optional version specifiers, e.g. my-app>=0.1.0",
    ),
    "host_source": (
        r"([a-z][a-z0-9+.-]*://|[A-Za-z]:/|\.{0,2}/)[A-Za-z0-9._~:/?#@!&+,;=%-]*|",
        "empty (the package index), or a URL or path pip installs, e.g. git+https://github.com/you/my-app",
    ),
    "repository_url": (
        r"|https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~%+-]+)*",
        "empty (no links), or the https URL of the repository without a trailing slash,"
        " e.g. https://github.com/you/my-app",
    ),
    # The newest allowed is NEWEST in templates/python.j2, which the CI matrix ends at.
    "python_requires": (r"3\.1[0-4]", "a Python version from 3.10 to 3.14, e.g. 3.10"),
}
MAX_LENGTH = 200
MODULE_NAMES = ("host_package", "plugin_name")
# The commands of a hooks host, which a plugin's command (named after the plugin) cannot be.
HOOKS_HOST_COMMANDS = ("plugins", "greet", "search", "install", "uninstall")
DISTRIBUTION_NAMES = ("host_slug", "project_slug")
# What an environment relies on, and must not be replaced by installing a host or plugin.
TOOLS = frozenset(
    {
        *("pip", "setuptools", "wheel", "pkg_resources", "_distutils_hack", "distutils", "build", "packaging"),
        *("hatchling", "hatch", "editables", "flit", "flit_core", "poetry", "poetry_core", "pdm", "pdm_backend"),
        *("pytest", "pluggy", "uv", "virtualenv", "pipx", "twine", "cookiecutter", "cruft", "test"),
    }
)


def plugin_project(a: Answers) -> str:
    """The plugin distribution's name, as cookiecutter.json derives it."""
    if a.get("scaffold") == "plugin-only":
        return str(a.get("project_slug"))
    return f"{a.get('host_slug')}-{str(a.get('plugin_name')).replace('_', '-')}"


# Derived variable -> (the answers it comes from, how cookiecutter.json derives it).
DERIVED: dict[str, tuple[tuple[str, ...], Callable[[Answers], str]]] = {
    "host_slug": (("host_name",), lambda a: slugify(str(a.get("host_name")))),
    "host_package": (("host_slug",), lambda a: str(a.get("host_slug")).replace("-", "_")),
    "project_slug": (
        ("host_slug", "plugin_name"),
        lambda a: str(a.get("host_slug")) if a.get("scaffold") == "host-and-plugin" else plugin_project(a),
    ),
    "description": (
        ("host_name", "plugin_name"),
        lambda a: (
            "A command-line application that plugins extend."
            if a.get("scaffold") == "host-and-plugin"
            else f"The {a.get('plugin_name')} plugin for {a.get('host_name')}."
        ),
    ),
    "host_requirement": (
        ("host_slug", "version"),
        lambda a: f"{a.get('host_slug')}>={a.get('version') if a.get('scaffold') == 'host-and-plugin' else '0.1.0'}",
    ),
    "__plugin_project": (("host_slug", "plugin_name", "project_slug"), plugin_project),
    "__plugin_module": (("host_package", "plugin_name"), lambda a: f"{a.get('host_package')}_{a.get('plugin_name')}"),
    "__env_prefix": (("host_package",), lambda a: str(a.get("host_package")).upper()),
}


def slugify(text: str) -> str:
    """Slugify as cookiecutter's ``slugify`` filter does (python-slugify, which it depends on)."""
    from slugify import slugify as python_slugify

    return str(python_slugify(text))


def as_import_name(name: str) -> str:
    """Return the import name a module or distribution name meets: my-app and My.App give my_app.

    Not PEP 503's normal form, which joins with "-": TOOLS holds import names.
    """
    return re.sub(r"[-_.]+", "_", name).lower()


def reason(variable: str, value: object, answers: Answers) -> str | None:
    """Say why `value` is not allowed for `variable`, or return None if it is."""
    if not isinstance(value, str):
        return "it must be text"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "it is not valid Unicode text (a lone surrogate)"
    if len(value) > MAX_LENGTH:
        return f"it is longer than {MAX_LENGTH} characters"
    if variable in RULES:
        pattern, allowed = RULES[variable]
        if not re.fullmatch(pattern, value):
            return f"use {allowed}"
    if variable in MODULE_NAMES:
        if keyword.iskeyword(value) or keyword.issoftkeyword(value):
            return "it is a Python keyword"
        if value in sys.stdlib_module_names or value == "test":
            return f"it would shadow the standard library module {value}"
    if (variable in MODULE_NAMES or variable in DISTRIBUTION_NAMES) and as_import_name(value) in TOOLS:
        return f"installing it would replace {value}, which environments rely on"
    if variable == "plugin_name" and value in (answers.get("host_package"), "plugins"):
        return f"it collides with the host's names ({answers.get('host_package')!r}, 'plugins')"
    if variable == "plugin_name" and answers.get("contract") == "hooks" and value in HOOKS_HOST_COMMANDS:
        return f"with contract=hooks it names the plugin's command, and the host has its own {value!r}"
    if variable == "project_slug":
        if answers.get("scaffold") == "host-and-plugin" and value != answers.get("host_slug"):
            return (
                f"with scaffold=host-and-plugin it is the host's distribution, host_slug={answers.get('host_slug')!r}"
            )
        if answers.get("scaffold") == "plugin-only" and value == answers.get("host_slug"):
            return "with scaffold=plugin-only it names the new plugin, so it must differ from host_slug"
    named = re.match(DISTRIBUTION, value) if variable == "host_requirement" else None
    if named and named[0] != answers.get("host_slug"):
        return f"it must name the host, host_slug={answers.get('host_slug')!r}"
    return None


def problems(answers: Answers, choices: dict[str, list[str]]) -> list[str]:
    """Return one message per bad answer, naming the variable and what is allowed.

    A derived default that breaks its rule is reported at the answer it came from,
    and not again at what is derived from it in turn.
    """
    found: dict[str, str] = {}
    for variable, options in choices.items():
        if answers.get(variable) not in options:
            found[variable] = f"choose one of {', '.join(options)}"
    for variable in [*RULES, *DERIVED]:
        why = reason(variable, answers.get(variable), answers)
        if why and variable not in found:
            found[variable] = why
    covered: set[str] = set()  # derived values whose problem is reported at their source
    for variable, (sources, derive) in DERIVED.items():
        expected = derive(answers)
        if answers.get(variable) != expected:
            if variable.startswith("__"):
                found[variable] = f"it is derived, and must be {expected!r}"
            continue  # answered by hand: its own rule applies
        if any(source in found or source in covered for source in sources):
            found.pop(variable, None)
            covered.add(variable)
        elif variable in found and len(sources) == 1:
            covered.add(variable)
            found[sources[0]] = (
                f"the {variable} derived from it, {expected!r}, is not allowed ({found.pop(variable)}); "
                f"change {sources[0]}, or answer {variable} yourself"
            )
    order = list(answers)
    return [
        f"{variable}={answers.get(variable)!r} is not allowed: {found[variable]}."
        for variable in sorted(found, key=lambda v: order.index(v) if v in order else len(order))
    ]


def choices(template: Answers) -> dict[str, list[str]]:
    """Return the choice variables of cookiecutter.json and their options."""
    return {k: v for k, v in template.items() if isinstance(v, list) and not k.startswith("_")}


def cookiecutter_command() -> list[str]:
    """Return the words that start the cookiecutter that runs this hook, as this shell can run them.

    Cookiecutter runs a hook with its own interpreter. Its ``cookiecutter`` script sits
    beside that interpreter (a virtual environment, pipx, uvx), which need not be on PATH;
    without one, the interpreter runs the module.
    """
    folder = Path(sys.executable).parent
    script = next((folder / name for name in ("cookiecutter", "cookiecutter.exe") if (folder / name).is_file()), None)
    return [str(script)] if script else [sys.executable, "-m", "cookiecutter"]


def rerun(answers: Answers, location: str, bad: list[str]) -> str:
    """Return a command that bakes again with these answers, the bad ones last.

    It starts with the cookiecutter that ran and names the template as it was given,
    so it runs as printed from the same shell. Answers equal to what is derived from
    the others are left out, so that they follow a corrected answer. The output folder
    is named (``-o``, absolute), so the command bakes where the failed one would have.
    """
    asked = [
        key
        for key in answers
        if not key.startswith("_")
        and isinstance(answers[key], str)
        and not (key in DERIVED and answers[key] == DERIVED[key][1](answers))
    ]
    ordered = [key for key in asked if key not in bad] + [key for key in bad if key in asked]
    output = answers.get("_output_dir")
    where = ["-o", output] if isinstance(output, str) and output else []
    words = [*cookiecutter_command(), location, "--no-input", *where, *(f"{key}={answers[key]}" for key in ordered)]
    return " ".join(map(shlex.quote, words))


def main(answers: Answers, template: Answers, location: str) -> int:
    """Print the problems with the answers, if any, and return the exit code."""
    found = problems(answers, choices(template))
    if not found:
        return 0
    bad = [problem.partition("=")[0] for problem in found]
    print("\n".join(f"error: {problem}" for problem in found), file=sys.stderr)
    print(
        f"Nothing was generated. To bake again with the same answers, fix {', '.join(bad)} "
        f"in this command and run it:\n\n  {rerun(answers, location, bad)}\n",
        file=sys.stderr,
    )
    return 1


# The template as the person gave it (a path, a URL, gh:org/repo), for the rerun command.
LOCATION = r"""[{{ cookiecutter._template | default("") | tojson }}]"""

if __name__ == "__main__":
    sys.exit(
        main(
            json.loads(r"""{{ cookiecutter | tojson }}"""),
            json.loads(r"""{{ _cookiecutter | default({}) | tojson }}"""),
            json.loads(LOCATION)[0],
        )
    )
