"""Write copier.yml from cookiecutter.json, so that both tools ask the same questions.

cookiecutter.json is the one source of the questions, their defaults, choices and
prompts. copier.yml gets each of them, with a validator that applies the
pre-generation hook's rule (copier asks again after a bad answer), and the settings
that let copier render the same tree: the template folder, every file a template,
the Jinja extensions, and the post-generation hook as a task.

Run ``python hooks/copier_yml.py`` after changing cookiecutter.json; tests/test_copier.py
fails while copier.yml is not what this writes. Every value is written as JSON, which
YAML reads as it is.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# Generated from cookiecutter.json by hooks/copier_yml.py: edit cookiecutter.json, then
# run `python hooks/copier_yml.py`. Copier needs copier-template-extensions and --trust:
#   uvx --with copier-template-extensions copier copy --trust TEMPLATE my-app
"""
SETTINGS: dict[str, Any] = {
    # 9.6 gives tasks _copier_operation, which keeps an update from running git init.
    "_min_copier_version": "9.6.0",
    # The tree cookiecutter renders; its name is the one cookiecutter needs, kept unrendered.
    "_subdirectory": "{{ '{{cookiecutter.project_slug}}' }}",
    "_templates_suffix": "",  # every file is a template, as under cookiecutter
    "_jinja_extensions": [
        "copier_template_extensions.TemplateExtensionLoader",
        "hooks/extensions.py:TemplateHelpers",
        "hooks/copier_context.py:CookiecutterContext",
    ],
    # Pruning, git and the next steps, as after a cookiecutter bake; on an update, pruning only.
    "_tasks": [
        [
            "{{ _copier_python }}",
            "{{ _copier_conf.src_path }}/hooks/post_gen_project.py",
            "{{ dict(cookiecutter, _copier_operation=_copier_operation) | tojson }}",
        ]
    ],
}


def default(value: str) -> str:
    """Return a cookiecutter.json default as copier reads it: answers are top-level names."""
    return re.sub(r"\bcookiecutter\.", "", value)


def questions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return copier's questions for the questions of `template` (cookiecutter.json)."""
    prompts = template.get("__prompts__", {})
    asked: dict[str, dict[str, Any]] = {}
    for name, value in template.items():
        if name.startswith("_"):
            continue
        prompt = prompts.get(name, name)
        question: dict[str, Any] = {"type": "str"}
        if isinstance(value, list):
            labels = prompt if isinstance(prompt, dict) else {}
            question["help"] = labels.get("__prompt__", name) if labels else prompt
            question["choices"] = {labels.get(option, option): option for option in value}
            question["default"] = value[0]
        else:
            question["help"] = prompt
            question["default"] = default(value)
            question["validator"] = f"{{{{ answer_problem('{name}') }}}}"
        asked[name] = question
    return asked


def render(template: dict[str, Any]) -> str:
    """Return copier.yml's text for `template` (cookiecutter.json)."""
    lines = [HEADER]
    for key, value in {**SETTINGS, **questions(template)}.items():
        if key.startswith("_"):
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
            continue
        lines.append(f"\n{key}:")
        lines += [f"  {field}: {json.dumps(item, ensure_ascii=False)}" for field, item in value.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write copier.yml beside cookiecutter.json."""
    template = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    (ROOT / "copier.yml").write_text(render(template), encoding="utf-8")
    print("wrote copier.yml", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
