"""Quick accessibility checks for browser tests: what a screen reader, a keyboard and a phone
need from any screen. Not a full audit (no axe in the image): the checks people trip over
most, run in the page, each problem described well enough to find its element.

    assert audit(page) == []
    tab_to(page, "#measure")
"""

from typing import Any

# Runs in the page; returns a list of problems (empty when the screen passes).
AUDIT = r"""() => {
  const problems = [];
  const describe = (el) => {
    const id = el.id ? "#" + el.id : "";
    const name = el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : "";
    const cls = !id && typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\s+/).join(".") : "";
    const text = (el.textContent || "").trim().slice(0, 30);
    return `<${el.tagName.toLowerCase()}${id}${name}${cls}> ${JSON.stringify(text)}`;
  };
  const shown = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden";
  const text = (id) => (document.getElementById(id)?.textContent || "").trim();
  const named = (el) =>
    (el.getAttribute("aria-label") || "").trim()
    || (el.getAttribute("aria-labelledby") || "").split(/\s+/).map(text).join("")
    || [...(el.labels || [])].map((l) => l.textContent.trim()).join("")
    || (el.getAttribute("title") || "").trim()
    || ((el.tagName === "BUTTON" || el.tagName === "A") && el.textContent.trim())
    || (el.tagName === "A" && [...el.querySelectorAll("img[alt]")].map((i) => i.alt).join(""))
    || (el.tagName === "INPUT" && ["submit", "button", "reset"].includes(el.type)
        && el.value.trim());

  // A phone: nothing makes the whole page scroll sideways (a wide table scrolls in its box).
  const width = document.documentElement.scrollWidth;
  if (width > innerWidth) {
    const wide = [...document.body.querySelectorAll("*")].filter((el) => {
      if (!shown(el) || el.getBoundingClientRect().right <= innerWidth + 1) return false;
      for (let up = el.parentElement; up; up = up.parentElement) {
        if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(up).overflowX)) {
          return up === document.body || up === document.documentElement;
        }
      }
      return true;
    });
    problems.push(`scrolls sideways: ${width} > ${innerWidth}, past the edge: `
      + wide.slice(0, 4).map(describe).join(", "));
  }
  // Labels: every form control and link has an accessible name.
  for (const el of document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, a[href], [role=button]"
  )) {
    if (!named(el)) problems.push(`no accessible name: ${describe(el)}`);
  }
  // Images and drawings: a text alternative, or hidden from assistive technology.
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt") && !img.closest("[aria-hidden=true]")) {
      problems.push(`image without alt: ${img.src}`);
    }
  }
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.parentElement.closest("svg") || svg.closest("[aria-hidden=true]")) continue;
    if (!named(svg) && !svg.querySelector(":scope > title")) {
      problems.push(`drawing without a name: ${describe(svg.parentElement)} > svg`);
    }
  }
  // Contrast: text reads at 4.5:1 (3:1 when large) on the background behind it.
  const rgba = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const background = (el) => {
    for (let up = el; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.backgroundImage !== "none") return null;  // cannot tell: skip
      const c = rgba(style.backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
      if (c.length === 4 && c[3] > 0) return null;
    }
    return [255, 255, 255];
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el) || !shown(el)) continue;
    seen.add(el);
    if (el.closest(".war-sr-only, .skip, svg, script, style, [aria-hidden=true]")) continue;
    const style = getComputedStyle(el);
    const back = background(el);
    if (!back || parseFloat(style.opacity) < 1) continue;
    const [l1, l2] = [luminance(rgba(style.color)), luminance(back)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      const colours = `${style.color} on rgb(${back})`;
      problems.push(`contrast ${ratio.toFixed(2)}:1 (${colours}): ${describe(el)}`);
    }
  }
  return problems;
}"""

# Whether the focused element shows where the focus is (an outline or a ring).
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
}"""


def audit(page: Any) -> list[str]:
    """The screen's problems with labels, names, contrast and a phone's width."""
    problems: list[str] = page.evaluate(AUDIT)
    return problems


def tab_to(page: Any, selector: str, *, most: int = 60) -> int:
    """Press Tab from the top of the page until ``selector`` has the focus, checking that
    every element on the way shows its focus; returns the number of presses."""
    page.evaluate("document.activeElement?.blur(); window.scrollTo(0, 0)")
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        where = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        assert page.evaluate(FOCUS_SHOWN), f"focus not visible on {where}"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {most} presses of Tab")
