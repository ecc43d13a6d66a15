"""The contract-change drill: a host author changes the plugin contract, as the host README says.

``run(args) -> int`` becomes ``transform(text) -> str`` behind an ``apply NAME TEXT``
command. Only the files the README's "Changing the plugin contract" lists are edited:
in the host, ``contract.py``, ``cli.py`` and ``tests/test_contract.py``; in a fork of
the template, the plugin module and its test. Then the host's and the plugin's suites,
ruff and mypy --strict pass, and a plugin made through the host's printed command
follows the new contract.

Each edit replaces text that must be there exactly once, so a template change that
moves it fails here, loudly, rather than letting the drill pass on a stale recipe.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

import pytest
from conftest import GIT, HOST_SKIPS, STYLES, SUITE, Venv, assert_suite_passed, commit, copy_template, sh, timed

NEW_PLUGIN_MODULE = '''"""The {{ cookiecutter.plugin_name }} plugin for {{ cookiecutter.host_name }}: it shouts.

It follows the plugin contract described in ``{{ cookiecutter.host_package }}.contract``.
"""

from __future__ import annotations

#: The plugin API version this plugin was written for.
API_VERSION = 1

#: What ``{{ cookiecutter.host_slug }} plugins`` shows for this plugin.
SUMMARY = "Shout the text."


def transform(text: str) -> str:
    """Return `text` in capitals."""
    return text.upper()
'''

# (old, new) in templates/plugin_tests.py.j2 of the fork
PLUGIN_TEST_EDITS = [
    ("import pytest\n\n", ""),
    ("API_VERSION, SUMMARY, {{ 'greeting, ' if example }}run", "API_VERSION, SUMMARY, transform"),
    (
        re.compile(r"\{%- if example %\}\n\n\ndef test_run_greets_everyone_named.*?\{%- endif %\}\n", re.S),
        '\n\ndef test_transform_shouts() -> None:\n    assert transform("hi") == "HI"\n',
    ),
    (
        re.compile(r"def test_host_runs_the_plugin.*", re.S),
        "def test_host_applies_the_plugin() -> None:\n"
        '    result = host("apply", "{{ cookiecutter.plugin_name }}", "hello")\n'
        "    assert result.returncode == 0, result.stderr\n"
        '    assert result.stdout == "HELLO\\n"\n',
    ),
]

CONTRACT_EDITS = [
    (
        "        def run(self, args: list[str]) -> int:\n"
        '            """Do the plugin\'s work and return the exit code (0 for success)."""',
        '        def transform(self, text: str) -> str:\n            """Return `text`, transformed."""',
    ),
    ("its API_VERSION or run cannot be read", "its API_VERSION or transform cannot be read"),
    (
        '    if not callable(getattr(plugin, "run", None)):\n'
        '        raise PluginError("breaks the plugin contract: it has no run(args) function")',
        '    if not callable(getattr(plugin, "transform", None)):\n'
        '        raise PluginError("breaks the plugin contract: it has no transform(text) function")',
    ),
    (
        re.compile(r"def call\(plugin: Plugin, args: list\[str\]\) -> int:.*?\n\n\n", re.S),
        "def call(plugin: Plugin, text: str) -> int:\n"
        '    """Print what the plugin\'s ``transform(text)`` returns; raise PluginError unless it is text."""\n'
        "    result: object = plugin.transform(text)\n"
        "    if not isinstance(result, str):\n"
        '        raise PluginError(f"breaks the plugin contract: transform() returned {_brief(result)}")\n'
        "    print(result)\n"
        "    return 0\n\n\n",
    ),
]

CLI_EDITS = [
    (
        re.compile(r'    "run": \{\n.*?"handler": _run,\n    \},\n', re.S),
        '    "apply": {\n'
        '        "help": "apply a plugin to a text",\n'
        '        "arguments": [\n'
        '            ("name", {"metavar": "NAME", "help": "the plugin to apply"}),\n'
        '            ("text", {"metavar": "TEXT", "help": "the text to transform"}),\n'
        "        ],\n"
        '        "handler": _apply,\n'
        "    },\n",
    ),
    (
        re.compile(r"def _run\(options: Options\) -> int:.*?\n\n\ndef _plugins", re.S),
        "def _apply(options: Options) -> int:\n"
        '    """``apply NAME TEXT``: print what the plugin makes of TEXT."""\n'
        "    from .contract import call\n"
        "    from .loading import run\n\n"
        "    return run(options.name, lambda plugin: call(plugin, options.text), debug=options.debug)\n\n\n"
        "def _plugins",
    ),
    ("    name: str  # run\n    args: list[str]  # run\n", "    name: str  # apply\n    text: str  # apply\n"),
    # `run --help` ends with the plugins it can run; the renamed command's help does.
    ('command.lists_plugins = name == "run"', 'command.lists_plugins = name == "apply"'),
]

TEST_CONTRACT_EDITS = [
    ('COMMAND = "run"', 'COMMAND = "apply"'),
    (
        re.compile(r'OK = """.*?"""\n', re.S),
        'OK = """\nAPI_VERSION = 1\nSUMMARY = f"The {NAME} plugin."\n\n\n'
        'def transform(text):\n    return f"{NAME} ran with {text}"\n"""\n',
    ),
    ('_WORK = "    print(NAME"', "_WORK = '    return f\"{NAME}'"),
    ("    return [COMMAND, name]\n", '    return [COMMAND, name, "some text"]\n'),
    (
        re.compile(r"\n\ndef test_run_passes_arguments_and_exit_code.*", re.S),
        "\n\ndef test_apply_prints_the_transformed_text(site: Site, run_host: RunHost) -> None:\n"
        '    site.add("alpha")\n'
        '    result = run_host(COMMAND, "alpha", "hello")\n'
        "    assert result.returncode == 0, result.stderr\n"
        '    assert result.stdout == "alpha ran with hello\\n"\n\n\n'
        "def test_a_transform_that_returns_no_text_breaks_the_contract(\n"
        "    site: Site, run_host: RunHost\n"
        ") -> None:\n"
        '    site.add("sloppy", OK.replace(\'return f"{NAME} ran with {text}"\', "return 5"))\n'
        '    result = use(run_host, "sloppy")\n'
        "    assert result.returncode == 1\n"
        "    message = one_line_error(result)\n"
        '    assert f"{PROG}-sloppy 1.0" in message and "transform() returned 5" in message\n\n\n'
        "def test_a_plugin_without_transform_fails(site: Site, run_host: RunHost) -> None:\n"
        '    site.add("bare", "API_VERSION = 1\\nSUMMARY = \'none\'\\n")\n'
        '    site.add("good")\n'
        '    reports = listing(run_host("plugins", "--json"))\n'
        '    assert reports["good"]["status"] == "ok"\n'
        '    assert "no transform(text)" in reports["bare"]["error"]\n',
    ),
    ("import pytest\n", ""),
]


def edit(path: Path, edits: list[tuple[str | re.Pattern[str], str]]) -> None:
    """Apply `edits` to the file at `path`; each old text must be there exactly once."""
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        count = len(old.findall(text)) if isinstance(old, re.Pattern) else text.count(old)
        assert count == 1, f"the drill's recipe is stale: {path.name} has {count} of {old!r}"
        text = old.sub(lambda _, new=new: new, text) if isinstance(old, re.Pattern) else text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def changed(repo: Path) -> set[str]:
    """Return the files changed in git repository `repo` since its last commit."""
    status = sh("git", "status", "--porcelain", "--untracked-files=all", cwd=repo).stdout
    return {line[3:] for line in status.splitlines()}


@pytest.mark.parametrize("style", STYLES)
def test_a_contract_change_touches_only_the_files_the_readme_lists(
    style: str, tmp_path: Path, wheelhouse: Path
) -> None:
    fork = copy_template(tmp_path / "fork")
    (fork / "templates" / "plugin_module.py.j2").write_text(NEW_PLUGIN_MODULE, encoding="utf-8")
    edit(fork / "templates" / "plugin_tests.py.j2", PLUGIN_TEST_EDITS)
    assert changed(fork) == {"templates/plugin_module.py.j2", "templates/plugin_tests.py.j2"}
    commit(fork, "our plugins transform text")

    sh(sys.executable, "-m", "cookiecutter", "--no-input", fork, "-o", tmp_path, f"discovery={style}")
    workspace = tmp_path / "my-app"
    host, package = workspace / "my-app", workspace / "my-app" / "src" / "my_app"
    readme = (host / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Changing the plugin contract", 1)[1].split("\n## ", 1)[0]
    for listed in ("src/my_app/contract.py", "src/my_app/cli.py", "tests/test_contract.py"):
        assert listed in section, f"the README's section lists {listed}"
    sh(*GIT, "init", "-q", cwd=workspace)
    commit(workspace, "baked")
    edit(package / "contract.py", CONTRACT_EDITS)
    edit(package / "cli.py", CLI_EDITS)
    edit(host / "tests" / "test_contract.py", TEST_CONTRACT_EDITS)
    host_files = {"my-app/src/my_app/contract.py", "my-app/src/my_app/cli.py", "my-app/tests/test_contract.py"}
    assert changed(workspace) == host_files, "the drill edits three host files and two partials"

    plugin = workspace / "my-app-hello"
    for dist in (host, plugin):
        sh(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=dist)
        sh(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".", cwd=dist)
        mypy = (sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull)
        sh(*mypy, "src", cwd=dist, env={**os.environ, "MYPYPATH": str(host / "src")})
    venv = Venv(tmp_path / "venv", tmp_path / "cache")
    with timed(f"contract drill installs ({style})"):
        venv.pip("install", "-e", host, "-e", plugin, "pytest")
    for dist in (host, plugin):
        suite = venv.run(venv.python, "-m", "pytest", *SUITE, cwd=dist)
        assert_suite_passed(suite, HOST_SKIPS if dist == host else ())

    command = next(line for line in readme.splitlines() if line.startswith("cookiecutter "))
    words = shlex.split(command)
    assert words[1] == str(fork), "the printed command names the fork"
    sh(sys.executable, "-m", *words, "plugin_name=shout", cwd=tmp_path)  # beside the workspace, as printed
    venv.pip("install", tmp_path / "my-app-shout")
    reports = venv.plugins("my-app")
    assert reports["shout"]["status"] == reports["hello"]["status"] == "ok", reports
    assert venv.host("my-app", "apply", "shout", "quiet please").stdout == "QUIET PLEASE\n"


# The hooks drill: starting from contract=hooks, a host author adds a third hook (farewell,
# behind a `farewell NAME` command) and gives greet a second argument (which the fake
# plugins' greet need not take: pluggy passes a hookimpl only the arguments it names), as the host README's
# "Changing the plugin contract" says: hookspecs.py, contract.py, cli.py, tests/test_contract.py,
# and the fork's two plugin partials.
HOOKSPECS_EDITS = [
    ("def greet(name: str) -> str | None:", "def greet(name: str, punctuation: str) -> str | None:"),
    (
        re.compile(r"\Z"),
        "\n\n@hookspec\ndef farewell(name: str) -> str | None:\n"
        '    """Return a farewell for `name`, or None; ``farewell NAME`` prints them all."""\n',
    ),
]
HOOKS_CONTRACT_EDITS = [
    (
        '    "greet": ("a str or None", lambda result: result is None or type(result) is str),\n',
        '    "greet": ("a str or None", lambda result: result is None or type(result) is str),\n'
        '    "farewell": ("a str or None", lambda result: result is None or type(result) is str),\n',
    ),
    (
        re.compile(r"def greetings\(name: str\) -> list\[str\]:.*?\n\n\n", re.S),
        "def greetings(name: str, punctuation: str) -> list[str]:\n"
        '    """Call the greet hook of the registered plugins; return their greetings in call order."""\n'
        "    results = manager().hook.greet(name=name, punctuation=punctuation)\n"
        "    return [greeting for greeting in results if greeting is not None]\n\n\n"
        "def farewells(name: str) -> list[str]:\n"
        '    """Call the farewell hook of the registered plugins; return their farewells in call order."""\n'
        "    return [text for text in manager().hook.farewell(name=name) if text is not None]\n\n\n",
    ),
]
HOOKS_CLI_EDITS = [
    ("    for greeting in greetings(options.name):", '    for greeting in greetings(options.name, "!"):'),
    ("    name: str  # greet\n", "    name: str  # greet, farewell\n"),
    (
        '        "handler": _greet,\n    },\n',
        '        "handler": _greet,\n    },\n'
        '    "farewell": {\n'
        '        "help": "print every plugin\'s farewell",\n'
        '        "arguments": [("name", {"metavar": "NAME", "help": "who to bid farewell"})],\n'
        '        "handler": _farewell,\n'
        "    },\n",
    ),
    (
        "    return report_failures(options.debug)\n",
        "    return report_failures(options.debug)\n\n\n"
        "def _farewell(options: Options) -> int:\n"
        '    """``farewell NAME``: print the farewells of every plugin that implements the farewell hook."""\n'
        "    from .contract import farewells\n"
        "    from .display import for_terminal\n"
        "    from .registry import load_implementing, report_failures\n\n"
        '    load_implementing("farewell")\n'
        "    for text in farewells(options.name):\n"
        "        print(for_terminal(text))\n"
        "    return report_failures(options.debug)\n",
    ),
]
HOOKS_TEST_CONTRACT_EDITS = [
    (
        '@hookimpl\ndef greet(name):\n    return f"{NAME} greets {name}"\n"""',
        '@hookimpl\ndef greet(name):\n    return f"{NAME} greets {name}"\n\n\n'
        '@hookimpl\ndef farewell(name):\n    return f"{NAME} bids {name} farewell"\n"""',
    ),
    (
        '    assert reports["alpha"]["hooks"] == ["greet", "register_commands"]',
        '    assert reports["alpha"]["hooks"] == ["farewell", "greet", "register_commands"]',
    ),
    (
        re.compile(r"\Z"),
        "\n\ndef test_farewell_combines_every_plugin(site: Site, run_host: RunHost) -> None:\n"
        '    site.add("alpha")\n'
        '    site.add("beta")\n'
        '    result = run_host("farewell", "Ada", alone=True)\n'
        "    assert result.returncode == 0, result.stderr\n"
        '    assert result.stdout == "alpha bids Ada farewell\\nbeta bids Ada farewell\\n"\n'
        '    assert run_host(COMMAND, "Ada", alone=True).stdout.splitlines()[0] == "alpha greets Ada"\n',
    ),
]
HOOKS_PLUGIN_MODULE_EDITS = [
    (
        "@hookimpl\ndef greet(name: str) -> str:\n",
        "@hookimpl\ndef farewell(name: str) -> str:\n"
        '    """Give ``farewell`` this plugin\'s farewell."""\n'
        '    return f"Farewell, {name}!"\n\n\n'
        "@hookimpl\ndef greet(name: str, punctuation: str) -> str:\n",
    ),
]
HOOKS_PLUGIN_TEST_EDITS = [
    ('    assert greet("Ada") == greeting("Ada")\n', '    assert greet("Ada", "!") == greeting("Ada")\n'),
    (
        '    expected = [{{ \'"greet", \' if example }}"register_commands"]',
        '    expected = [{{ \'"farewell", "greet", \' if example }}"register_commands"]',
    ),
]


def test_a_hook_change_touches_at_most_four_host_files(tmp_path: Path, wheelhouse: Path) -> None:
    """In one style (the hooks do not depend on it): a third hook, and a hook's arguments changed."""
    fork = copy_template(tmp_path / "fork")
    edit(fork / "templates" / "plugin_module_hooks.py.j2", HOOKS_PLUGIN_MODULE_EDITS)
    edit(fork / "templates" / "plugin_tests_hooks.py.j2", HOOKS_PLUGIN_TEST_EDITS)
    partials = {"templates/plugin_module_hooks.py.j2", "templates/plugin_tests_hooks.py.j2"}
    assert changed(fork) == partials
    commit(fork, "our plugins bid farewell")

    sh(sys.executable, "-m", "cookiecutter", "--no-input", fork, "-o", tmp_path, "contract=hooks")
    workspace = tmp_path / "my-app"
    host, package = workspace / "my-app", workspace / "my-app" / "src" / "my_app"
    readme = (host / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Changing the plugin contract", 1)[1].split("\n## ", 1)[0]
    listed = ["src/my_app/hookspecs.py", "src/my_app/contract.py", "src/my_app/cli.py", "tests/test_contract.py"]
    for path in listed:
        assert path in section, f"the README's section lists {path}"
    sh(*GIT, "init", "-q", cwd=workspace)
    commit(workspace, "baked")
    edit(package / "hookspecs.py", HOOKSPECS_EDITS)
    edit(package / "contract.py", HOOKS_CONTRACT_EDITS)
    edit(package / "cli.py", HOOKS_CLI_EDITS)
    edit(host / "tests" / "test_contract.py", HOOKS_TEST_CONTRACT_EDITS)
    touched = changed(workspace)
    assert touched == {f"my-app/{path}" for path in listed}, "four host files, and the two partials"
    print(f"hooks drill: {len(touched)} host files and {len(partials)} partials")

    plugin = workspace / "my-app-hello"
    for dist in (host, plugin):
        sh(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=dist)
        sh(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".", cwd=dist)
        mypy = (sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull)
        sh(*mypy, "src", "tests", cwd=dist, env={**os.environ, "MYPYPATH": str(host / "src")})
    venv = Venv(tmp_path / "venv", tmp_path / "cache")
    with timed("hooks drill installs"):
        venv.pip("install", "-e", host, "-e", plugin, "pytest")
    for dist in (host, plugin):
        suite = venv.run(venv.python, "-m", "pytest", *SUITE, cwd=dist)
        assert_suite_passed(suite, HOST_SKIPS if dist == host else ())
    assert venv.host("my-app", "farewell", "Ada").stdout == "Farewell, Ada!\n"
    assert venv.host("my-app", "greet", "Ada").stdout.startswith("Hello, Ada!")
