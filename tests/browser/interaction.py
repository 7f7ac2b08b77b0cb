"""What the keyboard, target-size and long-quiz browser tests share: moving with the keyboard,
reading where focus is and how its ring looks, and measuring targets."""

import re

from playwright.sync_api import Page

# WCAG 2.2: 2.4.11/1.4.11 ask 3:1 for a focus indicator against what is next to it.
MIN_RING_CONTRAST = 3.0

ACTIVE_JS = """() => {
  const el = document.activeElement;
  const label = el.closest("label");
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.getAttribute("type"),
    name: el.getAttribute("name"),
    checked: !!el.checked,
    text: (el.innerText || "").replace(/\\s+/g, " ").trim(),
    label: label ? label.innerText.replace(/\\s+/g, " ").trim() : null,
  };
}"""


def active(page: Page) -> dict:
    """The focused element: tag, id, type, name, checked, its text and its label's text."""
    return page.evaluate(ACTIVE_JS)


def focused_matches(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def tab_to(page: Page, selector: str, *, back: bool = False, limit: int = 60) -> int:
    """Press Tab (Shift+Tab with `back`) until the focused element matches `selector`; the
    number of presses it took. A keyboard user does the same."""
    key = "Shift+Tab" if back else "Tab"
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if focused_matches(page, selector):
            return presses
    raise AssertionError(f"{selector!r} not reached with {limit} presses of {key}; focus is on {active(page)}")


def choose_radio(page: Page, text: str, *, limit: int = 10) -> None:
    """With focus on a radio of a group, pick the one labelled `text` with the arrow keys (or
    Space when it is the one focused and nothing is picked yet)."""
    for _ in range(limit):
        now = active(page)
        assert now["type"] == "radio", f"focus is not on a radio: {now}"
        if now["label"] == text:
            if not now["checked"]:
                page.keyboard.press("Space")
            assert active(page)["checked"], f"{text!r} was not picked"
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio labelled {text!r}")


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def parse_rgb(css: str) -> tuple[int, int, int]:
    found = re.match(r"rgba?\((\d+),\s*(\d+),\s*(\d+)", css)
    assert found, f"not an rgb() colour: {css!r}"
    return tuple(int(v) for v in found.groups())


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two computed CSS colours."""
    la, lb = sorted((_luminance(parse_rgb(a)), _luminance(parse_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


RING_JS = """(el) => {
  const opaque = (node) => {
    for (; node; node = node.parentElement) {
      const bg = getComputedStyle(node).backgroundColor;
      if (bg && !bg.startsWith("rgba(0, 0, 0, 0)") && bg !== "transparent") return bg;
    }
    return "rgb(255, 255, 255)";
  };
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const input = el.querySelector("input");
  const inner = input ? input.getBoundingClientRect() : box;
  return {
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    color: style.outlineColor,
    inside: opaque(el),
    outside: opaque(el.parentElement),
    coversInput: inner.left >= box.left && inner.right <= box.right && inner.top >= box.top && inner.bottom <= box.bottom,
    box: {width: box.width, height: box.height},
  };
}"""


def assert_card_ring(page: Page) -> dict:
    """The answer card holding the focused input shows a solid ring of 2 px or more, at least
    3:1 against the page around it and the card inside it, and the card holds the input."""
    card = page.evaluate_handle("() => document.activeElement.closest('label')")
    assert card.evaluate("(el) => el !== null"), f"the focused input is not inside a card label: {active(page)}"
    ring = card.evaluate(RING_JS)
    assert ring["style"] == "solid" and ring["width"] >= 2, f"no visible ring on the answer card: {ring}"
    for side in ("outside", "inside"):
        ratio = contrast(ring["color"], ring[side])
        assert ratio >= MIN_RING_CONTRAST, f"ring {ring['color']} is {ratio:.2f}:1 against {ring[side]} ({side})"
    assert ring["coversInput"], f"the ring's card does not hold the input: {ring}"
    return ring


# Target sizes (WCAG 2.2, 2.5.8 at AA: 24 x 24 CSS px; we ask 44 x 44 on patient pages).
#
# What counts as a target: every visible link, button, input, select, textarea and summary, and
# every <label> that holds a checkbox or radio (the whole answer card is the target; the input
# inside it is measured as that card). A <label for=...> standing apart from its box is not
# measured itself: its box is, and does the same (WCAG's "equivalent" exception).
#
# Exempt, as WCAG's "inline" exception says: a link laid out inline whose block also holds words
# of running text (letters or digits outside any target). Separators such as "·" or "," between
# links are not running text, so a row of links must meet the size. Hidden elements (a skip link
# until it is focused, a closed menu) are not targets.
TARGETS_JS = """(min) => {
  const TARGETS = "a[href], button, input:not([type=hidden]), select, textarea, summary, label";
  const CONTROLS = "a[href], button, input, select, textarea, summary, label";
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.visibility !== "hidden" && !el.closest("[hidden]");
  };
  // The block whose lines an inline element sits in.
  const blockOf = (node) => {
    while (node && getComputedStyle(node).display.startsWith("inline")) node = node.parentElement;
    return node;
  };
  // Words on the same lines as the link: text in the same block, outside every target.
  const inRunningText = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    const container = blockOf(el.parentElement);
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    let words = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (blockOf(parent) === container && !parent.closest(CONTROLS)) words += node.textContent;
    }
    return /[\\p{L}\\p{N}]/u.test(words);
  };
  const small = [];
  const exempt = [];
  for (const el of document.querySelectorAll(TARGETS)) {
    if (!shown(el)) continue;
    const tag = el.tagName.toLowerCase();
    if (tag === "label" && !el.querySelector("input[type=radio], input[type=checkbox]")) continue;
    if (tag === "input" && el.closest("label")) continue;
    const name = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "").replace(/\\s+/g, " ").trim().slice(0, 60);
    const what = `${tag}${el.id ? "#" + el.id : ""} "${name}"`;
    if (inRunningText(el)) { exempt.push(what); continue; }
    const box = el.getBoundingClientRect();
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      small.push(`${what}: ${box.width.toFixed(1)} x ${box.height.toFixed(1)}`);
    }
  }
  return {small, exempt};
}"""


def undersized_targets(page: Page, minimum: int) -> dict:
    """{"small": targets under `minimum` px either way, "exempt": inline links in running text}."""
    return page.evaluate(TARGETS_JS, minimum)
