"""What a reader would see go wrong on a page, measured in the browser that shows it.

`faults` lists a page wider than its viewport (horizontal scrolling) and every two boxes of text
that overlap: each run of text (a line of an HTML text node, an SVG text element) is a box, and two
boxes of different texts that share more than a pixel in both directions overlap. Text inside a
closed <details> or a scroll box's hidden part takes no room on screen and is not measured.
"""

from __future__ import annotations

FAULTS = r"""
const faults = [];
const page = document.documentElement;
if (page.scrollWidth > window.innerWidth) {
  faults.push(`the page is ${page.scrollWidth} px wide in a ${window.innerWidth} px viewport`);
}
function clipped(rect, element) {
  // the part of `rect` its scroll boxes show
  let {left, right, top, bottom} = rect;
  for (let at = element; at && at !== document.body; at = at.parentElement) {
    if (getComputedStyle(at).overflowX !== 'visible') {
      const box = at.getBoundingClientRect();
      left = Math.max(left, box.left); right = Math.min(right, box.right);
      top = Math.max(top, box.top); bottom = Math.min(bottom, box.bottom);
    }
  }
  return {left, right, top, bottom};
}
const boxes = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let index = 0;
while (walker.nextNode()) {
  const node = walker.currentNode;
  const text = node.textContent.trim();
  const owner = node.parentElement;
  if (!text || owner.closest('title, style') || !owner.checkVisibility()) continue;
  index += 1;
  let rects;
  if (owner instanceof SVGElement) {
    rects = [owner.getBoundingClientRect()];
  } else {
    const range = document.createRange();
    range.selectNodeContents(node);
    rects = [...range.getClientRects()];
  }
  for (const whole of rects) {
    const rect = clipped(whole, owner);
    if (rect.right - rect.left >= 1 && rect.bottom - rect.top >= 1) boxes.push({index, text: text.slice(0, 40), rect});
  }
}
boxes.sort((a, b) => a.rect.left - b.rect.left);
for (let i = 0; i < boxes.length; i++) {
  const a = boxes[i];
  for (let j = i + 1; j < boxes.length && boxes[j].rect.left < a.rect.right - 1; j++) {
    const b = boxes[j];
    if (a.index === b.index) continue;
    const wide = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
    const high = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
    if (wide > 1 && high > 1) {
      faults.push(`"${a.text}" overlaps "${b.text}" at (${Math.round(b.rect.left)}, ${Math.round(b.rect.top)})`);
    }
  }
}
return faults;
"""


def faults(browser, url: str, width: int, height: int = 900) -> list[str]:
    """The page at `url` in a viewport `width` px wide: what overflows or overlaps (nothing, when all is well)."""
    browser.set_window_size(width, height)
    browser.get(url)
    inner = browser.execute_script("return window.innerWidth")
    browser.set_window_size(2 * width - inner, height)  # the window's frame aside: the viewport is `width` wide
    browser.get(url)
    return browser.execute_script(FAULTS)
