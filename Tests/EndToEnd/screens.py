"""Checks every screen state the way a person meets it: at the three touchscreen sizes, in normal
and large-text mode, everything a person must touch inside the viewport, axe-core with no
critical or serious violation, and a screenshot of the state in `test-artifacts/`.

    with screen_sizes(browser) as sizes:           # one page per size
        for size, page in sizes: ...
    check_screen(page, artifacts, "register-01-service")
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

# The kiosk's touchscreens: landscape full HD, a 1280×800 panel and a portrait full HD one.
SIZES = {"1920x1080": (1920, 1080), "1280x800": (1280, 800), "1080x1920": (1080, 1920)}
# Staff PCs in offices: the most common laptop screen.
STAFF_SIZE = ("1366x768", (1366, 768))

# What a person may have to touch or read with focus. Disabled and hidden ones are skipped.
ACTIONABLE = ("button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=link], "
              "[role=option], [role=radio], [role=checkbox], [tabindex]:not([tabindex='-1'])")

_OUTSIDE = """
(selector) => {
  const out = [];
  const vw = window.innerWidth, vh = window.innerHeight;
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    // Hidden by an ancestor (hidden attribute, display:none) leaves no box; an element inside a
    // list that scrolls on purpose counts through its list, which must itself be on screen.
    const list = el.closest('[data-scroll-list]');
    const box = list && list !== el ? list.getBoundingClientRect() : r;
    if (list && list !== el) {
      // Items scrolled out of their list are reached by scrolling the list, not the page.
      if (r.bottom <= box.top || r.top >= box.bottom) continue;
    }
    const inside = box.left >= -1 && box.top >= -1 && box.right <= vw + 1 && box.bottom <= vh + 1;
    if (!inside) {
      const label = (el.getAttribute('aria-label') || el.textContent || el.id || el.tagName).trim().slice(0, 60);
      out.push({tag: el.tagName.toLowerCase(), id: el.id, label,
                box: [Math.round(box.left), Math.round(box.top), Math.round(box.right), Math.round(box.bottom)]});
    }
  }
  return out;
}
"""


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")


def outside_viewport(page) -> list[dict]:
    """Every enabled, rendered actionable element (or its scroll list) not wholly on screen."""
    return page.evaluate(_OUTSIDE, ACTIONABLE)


def axe_violations(page, impacts=("critical", "serious")) -> list[dict]:
    """axe-core's violations of the given impacts on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response.get("violations", []):
        if violation.get("impact") in impacts:
            found.append({"id": violation["id"], "impact": violation["impact"], "help": violation["help"],
                          "targets": [node["target"] for node in violation.get("nodes", [])][:5]})
    return found


def check_screen(page, artifacts: Path, name: str, *, reach: bool = True, axe: bool = True) -> None:
    """Screenshot, then assert reach and accessibility of the screen state shown now."""
    directory = Path(artifacts)
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{_safe(name)}.png"))
    problems = []
    if reach:
        missing = outside_viewport(page)
        if missing:
            problems.append(f"outside the {page.viewport_size} viewport: {json.dumps(missing, ensure_ascii=False)}")
    if axe:
        violations = axe_violations(page)
        if violations:
            problems.append(f"axe-core: {json.dumps(violations, ensure_ascii=False)}")
    assert not problems, f"{name}: " + "; ".join(problems)


@contextmanager
def sized_page(browser, size: str, **context_options):
    """A fresh browser context and page at one of SIZES (or STAFF_SIZE's name)."""
    width, height = SIZES[size] if size in SIZES else STAFF_SIZE[1]
    context = browser.new_context(viewport={"width": width, "height": height}, **context_options)
    try:
        yield context.new_page()
    finally:
        context.close()
