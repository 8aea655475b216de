"""Quick accessibility checks for browser tests: what a screen reader, a keyboard and a phone
need from any screen. Not a full audit (no axe in the image): the checks people trip over
most, run in the page, each problem described well enough to find its element.

    assert audit(page) == []
    tab_to(page, "#measure")
"""

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path
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


# Headings: one h1, first, and no level skipped on the way down (h2 then h4).
HEADINGS = r"""() => {
  const shown = (el) => el.getClientRects().length > 0;
  const all = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(shown);
  const problems = [];
  const ones = all.filter((h) => h.tagName === "H1");
  if (ones.length !== 1) problems.push(`${ones.length} h1 headings (one wanted)`);
  if (all.length && all[0].tagName !== "H1") {
    problems.push(`the first heading is a ${all[0].tagName.toLowerCase()}: `
      + JSON.stringify(all[0].textContent.trim().slice(0, 40)));
  }
  let level = 0;
  for (const h of all) {
    const next = Number(h.tagName[1]);
    if (level && next > level + 1) {
      problems.push(`heading skips from h${level} to h${next}: `
        + JSON.stringify(h.textContent.trim().slice(0, 40)));
    }
    level = next;
  }
  return problems;
}"""

# What the keyboard should reach: the controls shown on the page, one stop per radio group.
# Marks each with data-a11y-stop and returns the problems visible without pressing a key
# (something clickable that Tab can never reach, or a positive tabindex that reorders the page).
KEYBOARD_STOPS = r"""() => {
  // checkVisibility: not inside a closed <details> either (its content keeps its boxes).
  const shown = (el) => el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})
    && !el.closest("[inert]");
  const classes = (el) => (typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes(el)}`
    + `${el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : ""}> `
    + JSON.stringify((el.textContent || el.value || "").trim().slice(0, 30));
  const problems = [];
  // A box that scrolls sideways (a wide table on a phone) is scrolled by keyboard too: it
  // takes the focus and says what it holds (tabindex=0, role=region, a name).
  for (const el of document.body.querySelectorAll("*")) {
    if (!["auto", "scroll"].includes(getComputedStyle(el).overflowX)) continue;
    if (el.scrollWidth <= el.clientWidth + 1 || !shown(el)) continue;
    const by = (el.getAttribute("aria-labelledby") || "").split(/\s+/);
    const name = (el.getAttribute("aria-label") || "").trim()
      || by.map((id) => document.getElementById(id)?.textContent || "").join("").trim();
    if (el.getAttribute("tabindex") !== "0" || el.getAttribute("role") !== "region" || !name) {
      problems.push(`scrolls sideways without tabindex=0, role=region and a name: ${describe(el)}`);
    }
  }
  const native = "a[href], button, input:not([type=hidden]), select, textarea, summary, iframe";
  let stops = 0;
  const groups = new Set();
  for (const el of document.querySelectorAll(
    `${native}, [tabindex], [hx-get], [hx-post], [onclick], [role=button], [role=link]`
  )) {
    if (!shown(el) || el.disabled || el.closest("fieldset:disabled")) continue;
    const tabindex = el.getAttribute("tabindex");
    if (tabindex !== null && Number(tabindex) > 0) {
      problems.push(`tabindex=${tabindex} reorders the Tab key: ${describe(el)}`);
    }
    const focusable = el.matches(native) || (tabindex !== null && Number(tabindex) >= 0);
    if (!focusable) {
      // htmx on a form or a field acts on submit or change, which the keyboard causes.
      const trigger = el.getAttribute("hx-trigger") || (el.matches("form") ? "submit" : "click");
      const byClick = (el.matches("[hx-get], [hx-post]") && /click/.test(trigger))
        || el.matches("[onclick], [role=button], [role=link]");
      if (byClick) problems.push(`clickable but not focusable: ${describe(el)}`);
      continue;
    }
    if (tabindex !== null && Number(tabindex) < 0) continue;  // focused by script, on purpose
    if (el.type === "radio") {
      const group = `${el.form ? [...document.forms].indexOf(el.form) : -1}/${el.name}`;
      if (el.name && groups.has(group)) continue;
      groups.add(group);
      el.dataset.a11yGroup = group;
    }
    el.dataset.a11yStop = String(stops++);
  }
  return {stops, problems};
}"""

# After a press of Tab: where the focus is and whether it is shown (an outline or a ring).
FOCUS_STEP = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {stop: null, shown: true, where: "body"};
  // A date's day, month and year are stops inside one input: the same element again.
  if (el === window.a11yLast) return {stop: null, shown: true, where: "same"};
  if (el.dataset.a11ySeen) return {stop: null, shown: true, where: "again"};
  el.dataset.a11ySeen = "1";
  window.a11yLast = el;
  const style = getComputedStyle(el);
  const shown = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
  let stop = el.dataset.a11yStop ?? null;
  if (stop === null && el.type === "radio" && el.name) {
    const mark = [...document.querySelectorAll("[data-a11y-group]")].find(
      (r) => r.name === el.name && r.form === el.form);
    stop = mark ? mark.dataset.a11yStop : null;
  }
  return {stop, shown, where: el.outerHTML.slice(0, 80)};
}"""

# Tab starts where the focus was, even after blur() (an autofocused field): focus a
# throwaway element at the top of the page and take it away, so Tab starts from there.
FROM_THE_TOP = r"""() => {
  const start = document.createElement("span");
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
  start.remove();
  window.a11yLast = null;
  window.scrollTo(0, 0);
}"""

UNREACHED = r"""(reached) => [...document.querySelectorAll("[data-a11y-stop]")]
  .filter((el) => !reached.includes(el.dataset.a11yStop))
  .map((el) => `never reached by Tab: ${el.outerHTML.slice(0, 80)}`)"""


def headings(page: Any) -> list[str]:
    """The screen's problems with its outline of headings."""
    problems: list[str] = page.evaluate(HEADINGS)
    return problems


def keyboard(page: Any, *, most: int = 400) -> list[str]:
    """Press Tab through the whole page: every control shown is reached, and each shows
    where the focus is. Stops when the focus leaves the page or comes round again."""
    found = page.evaluate(KEYBOARD_STOPS)
    problems: list[str] = found["problems"]
    page.evaluate(FROM_THE_TOP)
    reached: list[str] = []
    for _ in range(most):
        page.keyboard.press("Tab")
        step = page.evaluate(FOCUS_STEP)
        if step["where"] in ("body", "again"):
            break
        if step["where"] == "same":
            continue
        if not step["shown"]:
            problems.append(f"focus not visible on {step['where']}")
        if step["stop"] is not None:
            reached.append(step["stop"])
    problems += page.evaluate(UNREACHED, reached)
    return problems


# The words a person reads or hears on the page: its text, and the names and hints in its
# attributes; none from inside an element that says it is in English (the language switch).
WORDS = r"""() => {
  const shown = (el) => el.getClientRects().length > 0;
  const squash = (s) => s.replace(/\s+/g, " ").trim();
  const words = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    // Code is a file's column names or a command: English on purpose.
    if (!el || el.closest("script, style, code, kbd, samp, [lang=en]") || !shown(el)) continue;
    const text = squash(node.textContent);
    if (text) words.add(text);
  }
  for (const el of document.body.querySelectorAll(
    "[aria-label], [title], [placeholder], [alt], input[type=submit], input[type=button]"
  )) {
    if (el.closest("[lang=en]")) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt", "value"]) {
      if (name === "value" && !el.matches("input[type=submit], input[type=button]")) continue;
      const text = squash(el.getAttribute(name) || "");
      if (text) words.add(text);
    }
  }
  return [...words];
}"""

LATIN = re.compile(r"[A-Za-z]{3,}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def _po_entries(path: Path) -> Iterator[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each singular entry of a .po file."""
    msgid = msgstr = None
    fuzzy = False
    field = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
            field = line.split(" ", 1)[0]
            value = ast.literal_eval(line.split(" ", 1)[1])
            if field == "msgid":
                msgid, msgstr = value, None
            else:
                msgstr = value
        elif line.startswith('"') and field:
            value = ast.literal_eval(line)
            if field == "msgid":
                msgid = (msgid or "") + value
            elif field in ("msgstr", "msgstr[0]"):
                msgstr = (msgstr or "") + value
        elif not line.strip():
            if msgid:
                yield msgid, msgstr or "", fuzzy
            msgid = msgstr = None
            fuzzy, field = False, ""


@functools.cache
def _hindi() -> tuple[dict[str, str], list[re.Pattern[str]]]:
    """The catalogue's English that has Hindi: plain strings, and patterns for those with
    placeholders (a count, a name) that the page fills in."""
    plain: dict[str, str] = {}
    patterns: list[re.Pattern[str]] = []
    for msgid, msgstr, fuzzy in _po_entries(CATALOGUE):
        english = " ".join(msgid.split())
        if fuzzy or not msgstr or msgstr == msgid or not LATIN.search(PLACEHOLDER.sub("", english)):
            continue
        if PLACEHOLDER.search(english):
            parts = PLACEHOLDER.split(english)
            patterns.append(re.compile("^" + ".+?".join(map(re.escape, parts)) + "$"))
        else:
            plain[english] = msgstr
    return plain, patterns


CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "hi" / "LC_MESSAGES" / "django.po"


def english_left(page: Any) -> tuple[list[str], list[str]]:
    """On a Hindi page: (problems, latin). A problem is English the catalogue translates
    (a string turned to text before the language was known, or outside {% translate %} with
    the same words); ``latin`` is every other string in Latin letters, for a person to read
    through: names and titles from the data, or English that needs a msgid or its Hindi."""
    plain, patterns = _hindi()
    problems, latin = [], []
    for text in page.evaluate(WORDS):
        if not LATIN.search(text):
            continue
        if text in plain or any(p.match(text) for p in patterns):
            problems.append(f"English on the Hindi page: {text!r}")
        else:
            latin.append(text)
    return problems, latin


def audit_all(page: Any, *, language: str, by_keyboard: bool = True) -> tuple[list[str], list[str]]:
    """Every check above on one screen: (problems, the Latin strings of a Hindi page).
    ``by_keyboard`` False leaves out the walk through the page by Tab (the slowest check)."""
    problems = audit(page) + headings(page)
    latin: list[str] = []
    if language == "hi":
        left, latin = english_left(page)
        problems += left
    return problems + (keyboard(page) if by_keyboard else []), latin
