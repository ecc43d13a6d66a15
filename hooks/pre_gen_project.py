"""Validate the answers before anything is generated.

Cookiecutter renders this file with Jinja; the answers arrive as JSON data, never
as code, so no answer can inject anything. On a bad answer the hook prints what
was wrong and what is allowed, and exits 1: cookiecutter then removes the
half-made output folder.
"""

from __future__ import annotations

import json
import keyword
import re
import sys

IDENTIFIER = r"[a-z][a-z0-9_]*"
DISTRIBUTION = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"  # PEP 508 names, in their normalized form
ONE_LINE = r"[^\x00-\x1f\x7f]+"

# variable -> (pattern it must fully match, what is allowed, in words)
RULES: dict[str, tuple[str, str]] = {
    "host_name": (r"[\w][\w .-]*", "letters, digits, spaces, '.', '-' and '_', e.g. My App"),
    "host_slug": (DISTRIBUTION, "lowercase letters, digits and single hyphens, e.g. my-app"),
    "project_slug": (DISTRIBUTION, "lowercase letters, digits and single hyphens, e.g. my-app"),
    "host_package": (IDENTIFIER, "lowercase letters, digits and '_', starting with a letter"),
    "plugin_name": (IDENTIFIER, "lowercase letters, digits and '_', starting with a letter"),
    "description": (ONE_LINE, "one line of text"),
    "author_name": (ONE_LINE, "one line of text"),
    "author_email": (r"[^@\s]+@[^@\s]+\.[^@\s]+", "an email address, e.g. you@example.com"),
    "version": (r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?", "a PEP 440 version, e.g. 0.1.0"),
    # The newest allowed is NEWEST in templates/python.j2, which the CI matrix ends at.
    "python_requires": (r"3\.1[0-4]", "a Python version from 3.10 to 3.14, e.g. 3.10"),
}
MODULE_NAMES = ("host_package", "plugin_name")
MAX_LENGTH = 100


def problems(answers: dict[str, object], choices: dict[str, list[str]]) -> list[str]:
    """Return one message per bad answer, naming the variable and what is allowed."""
    found = []
    for variable, (pattern, allowed) in RULES.items():
        value = answers.get(variable)
        if not isinstance(value, str) or not re.fullmatch(pattern, value) or len(value) > MAX_LENGTH:
            found.append(f"{variable}={value!r} is not allowed: use {allowed}.")
    for variable in MODULE_NAMES:
        value = str(answers.get(variable))
        if keyword.iskeyword(value) or keyword.issoftkeyword(value):
            found.append(f"{variable}={value!r} is not allowed: it is a Python keyword.")
        elif value in sys.stdlib_module_names:
            found.append(f"{variable}={value!r} is not allowed: it would shadow the standard library module {value}.")
    package, plugin = answers.get("host_package"), answers.get("plugin_name")
    if plugin in (package, answers.get("host_slug")) or plugin == "plugins":
        found.append(
            f"plugin_name={plugin!r} is not allowed: it collides with the host's names"
            f" ({package!r}, {answers.get('host_slug')!r}, 'plugins'); pick a name of its own."
        )
    for variable, options in choices.items():
        if answers.get(variable) not in options:
            found.append(f"{variable}={answers.get(variable)!r} is not allowed: choose one of {', '.join(options)}.")
    return found


def choices(template: dict[str, object]) -> dict[str, list[str]]:
    """Return the choice variables of cookiecutter.json and their options."""
    return {k: v for k, v in template.items() if isinstance(v, list) and not k.startswith("_")}


def main(answers: dict[str, object], choices: dict[str, list[str]]) -> int:
    """Print the problems with the answers, if any, and return the exit code."""
    found = problems(answers, choices)
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    if found:
        print("Nothing was generated. Run cookiecutter again with corrected answers.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(
        main(
            json.loads(r"""{{ cookiecutter | tojson }}"""),
            choices(json.loads(r"""{{ _cookiecutter | default({}) | tojson }}""")),
        )
    )
