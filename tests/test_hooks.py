"""The hooks: bad answers are refused clearly, leave nothing behind and run no code."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, TEMPLATE, bake, sh
from helpers import extras

DEFAULTS = {
    "scaffold": "host-and-plugin",
    "host_name": "My App",
    "host_slug": "my-app",
    "host_package": "my_app",
    "discovery": "entry-point",
    "contract": "command",
    "plugin_name": "hello",
    "project_slug": "my-app",
    "description": "A tool.",
    "author_name": "Ada",
    "author_email": "ada@example.com",
    "version": "0.1.0",
    "host_requirement": "my-app>=0.1.0",
    "host_source": "",
    "repository_url": "",
    "license": "MIT",
    "python_requires": "3.10",
    "search": "yes",
    "cache": "yes",
    "install": "yes",
    "git_init": "yes",
    "__plugin_project": "my-app-hello",
    "__plugin_module": "my_app_hello",
    "__env_prefix": "MY_APP",
}


def load_hook(name: str) -> ModuleType:
    """Import a hook as a module; the Jinja in it sits inside string literals only."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre = load_hook("pre_gen_project")
post = load_hook("post_gen_project")
CHOICES = pre.choices(TEMPLATE)

# (variable, bad value, words the reason must give)
BAD = [
    ("host_name", "", "letters"),
    ("host_name", "Party 🎉", "letters"),
    ("host_slug", "My App", "lowercase"),
    ("host_slug", "-app", "lowercase"),
    ("host_slug", "../escape", "lowercase"),
    ("host_slug", "pip", "environments rely on"),
    ("host_slug", "x" * 201, "longer than 200"),
    ("host_package", "my-app", "lowercase"),
    ("host_package", "class", "keyword"),
    ("host_package", "json", "standard library"),
    ("host_package", "test", "standard library"),
    ("host_package", "setuptools", "environments rely on"),
    ("host_package", "9lives", "starting with a letter"),
    ("plugin_name", "hello world", "lowercase"),
    ("plugin_name", "match", "keyword"),
    ("plugin_name", "my_app", "collides"),
    ("plugin_name", "plugins", "collides"),
    ("project_slug", "other", "host_slug='my-app'"),
    ("description", "two\nlines", "one line"),
    ("description", "bad \ud800 surrogate", "Unicode"),
    ("author_name", "Ada\rLovelace", "one line"),
    ("author_email", "not-an-email", "email"),
    ("author_email", 'a"b@x.com', "ASCII email"),
    ("author_email", "a\\b@x.com", "ASCII email"),
    ("author_email", "<a>@b.c", "ASCII email"),
    ("version", "one", "PEP 440"),
    ("version", "\u0661.\u0660", "ASCII digits"),
    ("host_requirement", "other>=1", "must name the host"),
    ("host_requirement", "my-app @ https://x/y.whl", "version specifiers"),
    ("host_source", "${{ github.token }}", "URL or path"),
    ("repository_url", "http://example.com/me/app", "https URL"),
    ("repository_url", "https://github.com/me/app/", "trailing slash"),
    ("host_source", "pkg; rm -rf /", "URL or path"),
    ("license", "GPL", "choose one of MIT, Apache-2.0, BSD-3-Clause"),
    ("scaffold", "everything", "choose one of host-and-plugin, plugin-only"),
    ("discovery", "magic", "choose one of entry-point, naming-convention, namespace-package"),
    ("contract", "plugins", "choose one of command, hooks"),
    ("python_requires", "3.9", "3.10 to 3.14"),
    *((extra, "maybe", "choose one of yes, no") for extra in extras()),
    ("git_init", "maybe", "choose one of yes, no"),
    ("__env_prefix", "X = 1; import os", "derived, and must be 'MY_APP'"),
    ("__plugin_project", "../x", "derived, and must be 'my-app-hello'"),
    ("__plugin_module", "os", "derived, and must be 'my_app_hello'"),
]


def test_defaults_are_valid() -> None:
    assert pre.problems(DEFAULTS, CHOICES) == []


def test_choices_are_the_lists_of_cookiecutter_json() -> None:
    assert set(CHOICES) == {"scaffold", "discovery", "contract", "license", "git_init", *extras()}
    assert CHOICES["discovery"] == ["entry-point", "naming-convention", "namespace-package"]


def answered(variable: str, value: str) -> dict[str, str]:
    """DEFAULTS with one answer changed, and what cookiecutter derives from it following it."""
    answers = {**DEFAULTS, variable: value}
    for key, (_, derive) in pre.DERIVED.items():
        if key != variable and DEFAULTS[key] == derive(DEFAULTS):
            answers[key] = derive(answers)
    return answers


@pytest.mark.parametrize(("variable", "value", "why"), BAD)
def test_problems_name_the_variable_and_what_is_allowed(variable: str, value: str, why: str) -> None:
    problems = pre.problems(answered(variable, value), CHOICES)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{variable}={value!r} is not allowed: ")
    assert why in problems[0]


def test_every_variable_has_a_bad_value_test() -> None:
    variables = {key for key in TEMPLATE if not key.startswith("_")} | {k for k in pre.DERIVED if k.startswith("__")}
    assert {variable for variable, _, _ in BAD} == variables


@pytest.mark.parametrize(
    ("host_name", "slug"), [("Data.Tools", "data-tools"), ("My  App", "my-app"), ("Zoë's  Über_App", "zoe-s-uber-app")]
)
def test_derived_defaults_pass_validation(cookies: object, host_name: str, slug: str) -> None:
    project = bake(cookies, host_name=host_name)
    assert project.name == slug
    assert (project / slug / "src" / slug.replace("-", "_")).is_dir()


def test_a_derived_default_that_breaks_its_rule_is_blamed_on_its_source() -> None:
    answers = {**DEFAULTS, "host_name": "9 Lives", "host_slug": "9-lives", "host_package": "9_lives"}
    answers.update(project_slug="9-lives", host_requirement="9-lives>=0.1.0", __plugin_project="9-lives-hello")
    answers.update(__plugin_module="9_lives_hello", __env_prefix="9_LIVES")
    (problem,) = pre.problems(answers, CHOICES)
    assert problem.startswith("host_name='9 Lives' is not allowed: the host_slug derived from it, '9-lives'")
    assert "answer host_slug yourself" in problem


@pytest.mark.parametrize(
    ("variable", "value"),
    [("host_slug", "My App"), ("host_package", "class"), ("plugin_name", "my_app"), ("__plugin_project", "../escape")],
)
def test_bad_answers_stop_the_bake_and_leave_nothing(
    cookies: object, tmp_path: Path, capfd: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    before = set(tmp_path.rglob("*"))
    result = cookies.bake(extra_context={variable: value})  # type: ignore[attr-defined]
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "FailedHookException"
    assert f"error: {variable}={value!r} is not allowed" in capfd.readouterr().err
    outputs = list((tmp_path / "cookies").iterdir())  # where pytest-cookies bakes
    assert outputs and all(list(output.iterdir()) == [] for output in outputs)
    left = {p for p in tmp_path.rglob("*") if p not in before} - {tmp_path / "cookies", *outputs}
    assert left == set()


def test_the_printed_rerun_command_keeps_every_answer(template: Path, tmp_path: Path) -> None:
    """One bad answer among several: fix it in the printed command, and the bake succeeds."""
    out = tmp_path / "out"
    answers = ["discovery=namespace-package", "host_name=Data Tools", "author_name=Ada", "version=1.0"]
    cookiecutter = (sys.executable, "-m", "cookiecutter")
    failed = sh(*cookiecutter, "--no-input", template, "-o", out, *answers, 'author_email=a"b@x.com', check=False)
    assert failed.returncode != 0 and not list(out.iterdir())
    command = failed.stderr.split("run it:\n\n  ", 1)[1].splitlines()[0]
    words = shlex.split(command)
    # The cookiecutter that ran (this environment's, which is on no PATH), then the template as given.
    ran = Path(words[0])
    assert (ran.parent, ran.stem) == (Path(sys.executable).parent, "cookiecutter")
    assert words[1:5] == [str(template), "--no-input", "-o", str(out)]
    assert words[-1] == 'author_email=a"b@x.com', "the bad answer comes last"
    words[-1] = "author_email=ada@example.com"
    elsewhere = tmp_path / "elsewhere"  # the command bakes into the same -o from any folder
    elsewhere.mkdir()
    sh(*words, cwd=elsewhere)
    assert not list(elsewhere.iterdir())
    context = json.loads((out / "data-tools" / ".cookiecutter.json").read_text())["cookiecutter"]
    got = [context[k] for k in ("discovery", "host_package", "author_name", "version", "author_email")]
    assert got == ["namespace-package", "data_tools", "Ada", "1.0", "ada@example.com"]


def test_an_interactive_bake_with_one_bad_answer_prints_a_rerun_that_keeps_every_answer(
    template: Path, tmp_path: Path
) -> None:
    """Answers typed at the prompts (choices by number, Enter for a default), one of them bad:
    the printed command, run from another folder with it fixed, bakes where -o said."""
    typed = {"host_name": "Data Tools", "discovery": "3", "plugin_name": "weather", "author_name": "Ada"}
    typed.update(version="one", license="2", python_requires="3.11", git_init="2")
    prompts = [key for key in TEMPLATE if not key.startswith("_")]
    stdin = "".join(typed.get(key, "") + "\n" for key in prompts)
    out = tmp_path / "out"
    cookiecutter = (sys.executable, "-m", "cookiecutter")
    failed = sh(*cookiecutter, template, "-o", "out", input=stdin, cwd=tmp_path, check=False)
    assert failed.returncode != 0 and "version='one' is not allowed" in failed.stderr
    words = shlex.split(failed.stderr.split("run it:\n\n  ", 1)[1].splitlines()[0])
    assert words[-1] == "version=one" and words[3:5] == ["-o", str(out)]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sh(*words[:-1], "version=1.0", cwd=elsewhere)
    context = json.loads((out / "data-tools" / ".cookiecutter.json").read_text())["cookiecutter"]
    got = {key: context[key] for key in ("discovery", "plugin_name", "author_name", "version", "license", "git_init")}
    assert got == {
        **{"discovery": "namespace-package", "plugin_name": "weather", "author_name": "Ada", "version": "1.0"},
        **{"license": "Apache-2.0", "git_init": "no"},
    }
    assert not list(elsewhere.iterdir()) and not (out / "data-tools" / ".git").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="pastes the command into a POSIX shell")
def test_the_rerun_command_names_the_template_as_given_and_runs_as_printed(template: Path, tmp_path: Path) -> None:
    """``cookiecutter .`` from the template's folder, with the executable the README installs
    and no PATH to it: the printed command, pasted into the same shell, bakes."""
    script = Path(sys.executable).parent / "cookiecutter"
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # cookiecutter itself is on no PATH, as after the README
    failed = sh(script, ".", "--no-input", "-o", tmp_path, "version=one", cwd=template, env=env, check=False)
    command = failed.stderr.split("run it:\n\n  ", 1)[1].splitlines()[0]
    assert shlex.split(command)[:2] == [str(script), "."], "the executable that ran, the template as given"
    sh("bash", "-c", command.replace("version=one", "version=1.0"), cwd=template, env=env)
    assert json.loads((tmp_path / "my-app" / ".cookiecutter.json").read_text())["cookiecutter"]["version"] == "1.0"


@pytest.mark.parametrize("field", ["host_name", "author_name", "description", "plugin_name", "host_source"])
def test_no_answer_can_inject_code(cookies: object, tmp_path: Path, field: str) -> None:
    """Payloads that would run if an answer were pasted unescaped into a hook or a generated module."""
    marker = tmp_path / "injected"
    touch = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    payloads = [q + f");{touch};(" + q for q in ("'''", '"""', "'", '"')]
    for payload in payloads:
        result = cookies.bake(extra_context={field: payload})  # type: ignore[attr-defined]
        if result.exit_code == 0:  # accepted: it must stay data wherever it went
            for path in Path(result.project_path).rglob("*.py"):
                sh(sys.executable, "-c", f"import runpy; runpy.run_path({str(path)!r})", check=False, cwd=tmp_path)
        assert not marker.exists(), (field, payload)


def test_every_combination_prunes_something() -> None:
    for style in CHOICES["discovery"]:
        for scaffold in CHOICES["scaffold"]:
            answers = {**DEFAULTS, "discovery": style, "scaffold": scaffold}
            remove, hoist = post.paths({**answers, "__plugin_project": "p"})
            assert remove and (hoist == "p") == (scaffold == "plugin-only")


def test_pruning_table_covers_every_style() -> None:
    assert {value for variable, value in post.PRUNE if variable == "discovery"} == set(CHOICES["discovery"])


def test_apply_removes_hoists_and_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    (tmp_path / "gone").mkdir()
    (tmp_path / "gone" / "f.py").write_text("x")
    (tmp_path / "up" / "src").mkdir(parents=True)
    (tmp_path / "up" / "README.md").write_text("plugin")
    post.apply(tmp_path, ["gone"], "up")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "keep.txt", "src"]
    with pytest.raises(LookupError, match=r"missing\.py"):
        post.apply(tmp_path, ["missing.py"], None)


def test_post_hook_reports_drift_as_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert post.main(DEFAULTS) == 1
    assert "the pruning table names paths the template lacks" in capsys.readouterr().err


def test_answers_reach_the_hooks_only_through_tojson() -> None:
    for name in ("pre_gen_project", "post_gen_project"):
        source = (ROOT / "hooks" / f"{name}.py").read_text()
        assert re.search(r'json\.loads\(.*r"""\{\{ cookiecutter \| tojson \}\}"""\)', source)
        expressions = re.findall(r"\{\{(.*?)\}\}", source)
        assert expressions and all(e.strip().endswith("| tojson") for e in expressions), expressions


def test_a_bake_prints_where_it_is_and_what_to_run_next(cookies: object, capfd: pytest.CaptureFixture[str]) -> None:
    project = bake(cookies, scaffold="plugin-only", plugin_name="weather")
    out = capfd.readouterr().out
    assert f"in {project}." in out
    assert f"cd {project}" in out and "uv sync" in out and "pip install --group dev -e ." in out
    assert out.index("uv sync") < out.index("pip install"), "uv first, as the README"


def test_every_prompt_has_a_label_that_cookiecutter_can_extend_cleanly() -> None:
    """Cookiecutter appends ' (default):', so a label ending in ')' would read '(...) (default):'."""
    prompts = TEMPLATE["__prompts__"]
    asked = [key for key in TEMPLATE if not key.startswith("_")]
    assert set(prompts) == set(asked)
    labels = [p["__prompt__"] if isinstance(p, dict) else p for p in prompts.values()]
    assert all(label and not label.rstrip().endswith(")") for label in labels), labels
    # Cookiecutter shows labels as they are: a <placeholder> would stay one after its answer.
    shown = [text for p in prompts.values() for text in (p.values() if isinstance(p, dict) else [p])]
    assert not [text for text in shown if re.search(r"<\w+>", text)]


def git_log(project: Path) -> list[str]:
    """The project's commits, as author and subject."""
    return sh("git", "log", "--format=%an <%ae> %s", cwd=project).stdout.splitlines()


def test_git_init_falls_back_to_the_author_when_git_has_no_identity(template: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    bare = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": str(home)}
    bare.pop("GIT_CONFIG_GLOBAL", None)
    answers = ("author_name=Ada Lovelace", "author_email=ada@example.com")
    out = sh(sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", tmp_path, *answers, env=bare)
    project = tmp_path / "my-app"
    assert f"Started a git repository in {project}" in out.stdout
    assert git_log(project) == ["Ada Lovelace <ada@example.com> Generate my-app from the template"]
    assert sh("git", "status", "--porcelain", cwd=project).stdout == ""


def test_git_init_keeps_the_users_own_identity(template: Path, tmp_path: Path) -> None:
    who = {"GIT_AUTHOR_NAME": "Grace", "GIT_AUTHOR_EMAIL": "grace@example.com"}
    sh(sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", tmp_path, env={**os.environ, **who})
    assert git_log(tmp_path / "my-app") == ["Grace <grace@example.com> Generate my-app from the template"]


def test_without_git_the_bake_stands_with_a_one_line_note(template: Path, tmp_path: Path) -> None:
    nothing = tmp_path / "bin"  # a PATH without git (cookiecutter runs hooks with its own Python)
    nothing.mkdir()
    bake = (sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", tmp_path)
    out = sh(*bake, env={**os.environ, "PATH": str(nothing)})
    notes = [line for line in out.stdout.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "git did not run" in notes[0] and "README.md says how" in notes[0]
    assert (tmp_path / "my-app" / "README.md").is_file() and not (tmp_path / "my-app" / ".git").exists()


def test_git_init_no_leaves_version_control_to_the_user(template: Path, tmp_path: Path) -> None:
    out = sh(sys.executable, "-m", "cookiecutter", "--no-input", template, "-o", tmp_path, "git_init=no")
    assert "Started a git repository" not in out.stdout and "note:" not in out.stdout
    assert not (tmp_path / "my-app" / ".git").exists()
