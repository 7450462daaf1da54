"""axe-core accessibility checks for Playwright pages (fails on serious and critical issues).

axe-playwright-python ships axe-core's axe.min.js inside its wheel and injects it with
page.evaluate, which the site's Content-Security-Policy does not block: no npm, no network.
Never call these in a java_script_enabled=False context: axe waits on timers that never fire there.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
BLOCKING = ("serious", "critical")


def axe_violations(page, impacts=BLOCKING) -> list[dict]:
    """Run axe on the page as it is now; the violations whose impact is in `impacts`."""
    results = AXE.run(page)
    return [v for v in results.response["violations"] if v["impact"] in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        lines += [f"    {' '.join(map(str, n['target']))}  {n['html']}" for n in v["nodes"]]
    return "\n".join(lines)


def assert_accessible(page, impacts=BLOCKING) -> None:
    violations = axe_violations(page, impacts)
    assert not violations, f"axe-core found violations on {page.url}:\n" + format_violations(
        violations
    )
