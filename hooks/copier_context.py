"""Copier's side of the one template tree: the ``cookiecutter`` context its files read.

Copier puts each answer at the top level of the Jinja context, while the template's
files, shared with cookiecutter, read ``cookiecutter.<name>``. This hook builds that
dictionary as cookiecutter does: the answers in cookiecutter.json's order, the
derived ``__`` values rendered from cookiecutter.json's own expressions, and what
cookiecutter adds itself (``_template``, ``_output_dir``). It also gives copier.yml's
validators the pre-generation hook's rules, so that copier asks again after a bad
answer. copier.yml loads it through copier-template-extensions.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

from copier_template_extensions import ContextHook
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE: dict[str, Any] = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))


def _hook_module(name: str) -> ModuleType:
    """Import a module of hooks/ by its path: copier puts no folder of the template on sys.path."""
    spec = importlib.util.spec_from_file_location(f"template_{name}", ROOT / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PRE_GEN = _hook_module("pre_gen_project")  # the rules every answer must follow
EXTENSIONS = _hook_module("extensions")


def cookiecutter_context(environment: Environment, context: Any) -> dict[str, Any]:
    """Return the ``cookiecutter`` dictionary for copier's render `context`."""
    made: dict[str, Any] = {}
    for key, value in TEMPLATE.items():
        if key == "__prompts__":
            continue
        if key.startswith("__"):
            try:
                made[key] = environment.from_string(value).render(cookiecutter=made)
            except Exception:  # a validator runs before every answer is in
                continue
        elif key.startswith("_"):
            made[key] = value
        elif key in context:
            made[key] = context[key]
    destination = Path(str(context["_copier_conf"]["dst_path"])).absolute()
    source = str(context["_copier_answers"].get("_src_path", "")) if "_copier_answers" in context else ""
    local = source and not EXTENSIONS.is_remote(source)
    made["_template"] = os.path.abspath(source) if local else source
    made["_output_dir"] = str(destination.parent)
    made["_tool"] = "copier"
    return made


@pass_context
def answer_problem(context: Context, variable: str) -> str:
    """Return why the answer to `variable` is not allowed, or "" (copier.yml's validators)."""
    # The answers are at the top level; the cookiecutter dictionary, where copier ran this
    # hook for the validator too, adds what derives from them (copier 9.6 does not).
    made = context.get("cookiecutter") or {}
    answers = {**made, **{name: context[name] for name in TEMPLATE if not name.startswith("_") and name in context}}
    why = PRE_GEN.reason(variable, answers.get(variable), answers)
    return f"{why}." if why else ""


class CookiecutterContext(ContextHook):
    """Put ``cookiecutter`` into copier's context, and ``answer_problem`` among its globals."""

    def __init__(self, environment: Environment) -> None:
        """Register the validators' function."""
        super().__init__(environment)
        environment.globals["answer_problem"] = answer_problem

    def hook(self, context: dict[str, Any]) -> None:
        """Add the ``cookiecutter`` dictionary to `context`, in place."""
        context["cookiecutter"] = cookiecutter_context(self.environment, context)
