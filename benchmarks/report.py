"""What the start-up benchmark reports: its tables, printed and for the README.

Medians are in milliseconds; ratios are the medians of the per-round ratios (see
startup.summarize), so they say more than the times on a shared machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

COMMANDS = ("base", "cli", "run", "cold", "list", "seed")
RATIOS = (("run", "cli"), ("cold", "cli"), ("run", "base"), ("seed", "run"), ("cli", "base"))
TARGETS = {"run/cli": 1.15, "cold/cli": 1.6, "cli/base": 1.5}  # issue 9: warm, cold, script
FLAT_LIMIT = 1.15  # run/cli at the largest N over run/cli at the smallest
README_START = "<!-- benchmark: written by benchmarks/startup.py --readme -->"
README_END = "<!-- benchmark: end -->"


def _mark(passed: bool) -> str:
    """Return PASS or FAIL."""
    return "PASS" if passed else "FAIL"


def print_result(result: dict[str, Any]) -> None:
    """Print one style's medians, ratios and targets."""
    print(
        f"\n== {result['style']}: N={result['unrelated']} unrelated, "
        f"M={result['plugins']} plugins, {result['rounds']} rounds "
        f"(plugins found: {result['discovered']}, cache stable: {result['cache_stable']}, "
        f"cold starts cached: {result['cold_cached']}, "
        f"{result['pip']}, load {result['loadavg'][0]} -> {result['loadavg'][1]})"
    )
    print(f"  {'command':<8} {'median ms':>10} {'min ms':>8}")
    for name in COMMANDS:
        print(f"  {name:<8} {result['median_ms'][name]:>10.1f} {result['min_ms'][name]:>8.1f}")
    checks = {name.split("<=")[0]: (name, check) for name, check in result["targets"].items()}
    print(f"  {'ratio':<12} {'value':>6} {'of medians':>11}  target")
    for name, value in result["ratios"].items():
        target = checks.get(name)
        verdict = f"{target[0]}  {_mark(target[1]['pass'])}" if target else ""
        print(f"  {name:<12} {value:>6.2f} {result['ratios_of_medians'][name]:>11.2f}  {verdict}")


def print_growth(result: dict[str, Any]) -> None:
    """Print one style's growth series."""
    steps = result["steps"]
    print(f"\n== growth {result['style']} (M={result['plugins']}): N unrelated distributions")
    print("  " + f"{'':<16}" + "".join(f"{'N=' + str(s['unrelated']):>9}" for s in steps))
    for name in COMMANDS:
        values = "".join(f"{s['median_ms'][name]:>9.1f}" for s in steps)
        print(f"  {name + ' ms':<16}{values}")
    for name in ("run/cli", "cold/cli", "cli/base"):
        print(f"  {name:<16}" + "".join(f"{s['ratios'][name]:>9.2f}" for s in steps))
        of_medians = "".join(f"{s['ratios_of_medians'][name]:>9.2f}" for s in steps)
        print(f"  {name + ' of medians':<16}{of_medians}")
    print(f"  {'load':<16}" + "".join(f"{s['loadavg'][0]:>9}" for s in steps))
    flat = result["flat"]
    print(
        f"  run/cli at N={flat['to_n']} / at N={flat['from_n']} = {flat['value']:.2f} "
        f"(<= {flat['limit']})  {_mark(flat['pass'])}"
    )


def print_summary(results: dict[str, Any], growths: dict[str, Any]) -> None:
    """Print one line per style with the main medians and the pass/fail columns."""
    print("\n== summary (median ms)")
    header = "".join(f"{name:>9}" for name in COMMANDS)
    checks = "".join(f"  {f'{name}<={limit}':<15}" for name, limit in TARGETS.items())
    print(f"  {'style':<19}{header}{checks}  flat run/cli")
    for style, result in results.items():
        values = "".join(f"{result['median_ms'][name]:>9.1f}" for name in COMMANDS)
        verdicts = "".join(
            f"  {check['value']:<5.2f} {_mark(check['pass']):<9}" for check in result["targets"].values()
        )
        flat = growths.get(style, {}).get("flat")
        flat_text = f"{flat['value']:.2f} {_mark(flat['pass'])}" if flat else "-"
        print(f"  {style:<19}{values}{verdicts}  {flat_text}")


def markdown(report: dict[str, Any]) -> str:
    """Return the README's benchmark block for `report`: the settings and two tables."""
    settings, machine, results = report["settings"], report["machine"], report["results"]
    first = next(iter(results.values()))
    python = machine["python"].split()[0]
    lines = [
        f"Run on {report['date']}, on a {machine['cpu_count']}-core {machine['machine']} machine "
        f"({machine['cpu_model']}, {machine['platform'].split('-')[0]}, CPython {python}, {first['pip']}), "
        f"load average {first['loadavg'][0]}, N={settings['unrelated']}, M={settings['plugins']}, "
        f"{settings['rounds']} rounds; medians in ms, ratios as medians of the per-round ratios; "
        "read the ratios rather than the times:",
        "",
        "| style | "
        + " | ".join(COMMANDS)
        + "".join(f" | {name} (target ≤ {limit})" for name, limit in TARGETS.items())
        + " | run/base | seed/run |",
        "| --- |" + " --- |" * (len(COMMANDS) + len(TARGETS) + 2),
    ]
    for style, result in results.items():
        times = [f"{result['median_ms'][name]:.1f}" for name in COMMANDS]
        ratios = [f"{result['ratios'][name]:.2f}" for name in (*TARGETS, "run/base")]
        lines.append(f"| {style} | " + " | ".join([*times, *ratios, f"{result['ratios']['seed/run']:.1f}"]) + " |")
    growths = report["growth"]
    if growths:
        steps = " / ".join(str(step["unrelated"]) for step in next(iter(growths.values()))["steps"])
        columns = (("run", "ms"), ("run/cli", "ratio"), ("cold", "ms"), ("cold/cli", "ratio"))
        lines += [
            "",
            f"How `run` grows with the environment (M={settings['plugins']}; N unrelated distributions):",
            "",
            "| style | " + " | ".join(f"{name}{' ms' * (kind == 'ms')}, N = {steps}" for name, kind in columns) + " |",
            "| --- |" + " --- |" * len(columns),
        ]
        for style, series in growths.items():
            cells = [
                " / ".join(
                    f"{step['median_ms'][name]:.1f}" if kind == "ms" else f"{step['ratios'][name]:.2f}"
                    for step in series["steps"]
                )
                for name, kind in columns
            ]
            lines.append(f"| {style} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, block: str) -> None:
    """Replace the text between the benchmark markers in `readme` with `block`."""
    text = readme.read_text(encoding="utf-8")
    head, start, rest = text.partition(README_START)
    _, end, tail = rest.partition(README_END)
    if not (start and end):
        raise SystemExit(f"error: {readme} has no {README_START} ... {README_END} block")
    readme.write_text(f"{head}{start}\n{block}{end}{tail}", encoding="utf-8")
