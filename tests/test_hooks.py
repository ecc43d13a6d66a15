"""The hooks: bad answers are refused clearly, leave nothing behind and run no code."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, TEMPLATE, bake, sh

DEFAULTS = {
    "scaffold": "host-and-plugin",
    "host_name": "My App",
    "host_slug": "my-app",
    "host_package": "my_app",
    "discovery": "entry-point",
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
    ("python_requires", "3.9", "3.10 to 3.14"),
    ("__env_prefix", "X = 1; import os", "derived, and must be 'MY_APP'"),
    ("__plugin_project", "../x", "derived, and must be 'my-app-hello'"),
    ("__plugin_module", "os", "derived, and must be 'my_app_hello'"),
]


def test_defaults_are_valid() -> None:
    assert pre.problems(DEFAULTS, CHOICES) == []


def test_choices_are_the_lists_of_cookiecutter_json() -> None:
    assert set(CHOICES) == {"scaffold", "discovery", "license"}
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
    assert words[:3] == ["cookiecutter", str(template), "--no-input"]
    assert words[-1] == 'author_email=a"b@x.com', "the bad answer comes last"
    words[-1] = "author_email=ada@example.com"
    sh(*cookiecutter, *words[1:], "-o", out)
    context = json.loads((out / "data-tools" / ".cookiecutter.json").read_text())["cookiecutter"]
    got = [context[k] for k in ("discovery", "host_package", "author_name", "version", "author_email")]
    assert got == ["namespace-package", "data_tools", "Ada", "1.0", "ada@example.com"]


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
        assert 'json.loads(r"""{{ cookiecutter | tojson }}""")' in source
        expressions = re.findall(r"\{\{(.*?)\}\}", source)
        assert expressions and all(e.strip().endswith("| tojson") for e in expressions), expressions


def test_a_bake_prints_where_it_is_and_what_to_run_next(cookies: object, capfd: pytest.CaptureFixture[str]) -> None:
    project = bake(cookies, scaffold="plugin-only", plugin_name="weather")
    out = capfd.readouterr().out
    assert f"in {project}." in out
    assert f"cd {project}" in out and 'pip install -e ".[test]"' in out


def test_every_prompt_has_a_label_that_cookiecutter_can_extend_cleanly() -> None:
    """Cookiecutter appends ' (default):', so a label ending in ')' would read '(...) (default):'."""
    prompts = TEMPLATE["__prompts__"]
    asked = [key for key in TEMPLATE if not key.startswith("_")]
    assert set(prompts) == set(asked)
    labels = [p["__prompt__"] if isinstance(p, dict) else p for p in prompts.values()]
    assert all(label and not label.rstrip().endswith(")") for label in labels), labels
