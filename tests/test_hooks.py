"""The hooks: bad answers are refused clearly, leave nothing behind and run no code."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, TEMPLATE

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
    "license": "MIT",
    "python_requires": "3.10",
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

BAD = [
    ("host_slug", "My App"),
    ("host_slug", "-app"),
    ("host_slug", "../escape"),
    ("host_package", "my-app"),
    ("host_package", "class"),
    ("host_package", "json"),
    ("host_package", "9lives"),
    ("plugin_name", "hello world"),
    ("plugin_name", "match"),
    ("plugin_name", "my_app"),
    ("author_email", "not-an-email"),
    ("version", "one"),
    ("python_requires", "3.9"),
    ("description", "two\nlines"),
]


def test_defaults_are_valid() -> None:
    assert pre.problems(DEFAULTS, CHOICES) == []


def test_choices_come_from_cookiecutter_json() -> None:
    assert CHOICES["discovery"] == TEMPLATE["discovery"]
    assert CHOICES["scaffold"] == TEMPLATE["scaffold"]


@pytest.mark.parametrize(("variable", "value"), BAD)
def test_problems_name_the_variable_and_what_is_allowed(variable: str, value: str) -> None:
    problems = pre.problems({**DEFAULTS, variable: value}, CHOICES)
    assert len(problems) == 1
    assert problems[0].startswith(f"{variable}={value!r} is not allowed")


def test_an_unknown_choice_is_refused() -> None:
    (problem,) = pre.problems({**DEFAULTS, "discovery": "magic"}, CHOICES)
    assert "discovery='magic'" in problem and all(s in problem for s in TEMPLATE["discovery"])


@pytest.mark.parametrize(("variable", "value"), [*BAD[:6], ("plugin_name", "my_app")])
def test_bad_answers_stop_the_bake_and_leave_nothing(
    cookies: object, tmp_path: Path, capfd: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    result = cookies.bake(extra_context={variable: value})  # type: ignore[attr-defined]
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "FailedHookException"
    assert f"error: {variable}={value!r} is not allowed" in capfd.readouterr().err
    outputs = list((tmp_path / "cookies").iterdir())  # where pytest-cookies bakes
    assert outputs and all(list(output.iterdir()) == [] for output in outputs)
    assert not (tmp_path.parent / "escape").exists()


@pytest.mark.parametrize("field", ["project_name", "author_name", "description", "plugin_name"])
def test_no_answer_can_inject_code(cookies: object, tmp_path: Path, field: str) -> None:
    marker = tmp_path / "injected"
    payload = f"''')\\nimport pathlib; pathlib.Path({str(marker)!r}).touch()\\n('''"
    payload += f'"""); __import__("pathlib").Path({str(marker)!r}).touch(); ("""'
    cookies.bake(extra_context={field: payload})  # type: ignore[attr-defined]
    assert not marker.exists()


def test_every_combination_prunes_something() -> None:
    for style in CHOICES["discovery"]:
        for scaffold in CHOICES["scaffold"]:
            answers = {**DEFAULTS, "discovery": style, "scaffold": scaffold}
            remove, hoist = post.paths({**answers, "__plugin_project": "p", "__plugin_module": "m"})
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
    assert post.main({**DEFAULTS, "__plugin_project": "my-app-hello", "__plugin_module": "my_app_hello"}) == 1
    assert "the pruning table names paths the template lacks" in capsys.readouterr().err


def test_answers_reach_the_hooks_as_json_data() -> None:
    for name in ("pre_gen_project", "post_gen_project"):
        source = (ROOT / "hooks" / f"{name}.py").read_text()
        assert 'json.loads(r"""{{ cookiecutter | tojson }}""")' in source
        assert '"{{ cookiecutter.' not in source
    json.loads(json.dumps(DEFAULTS))
