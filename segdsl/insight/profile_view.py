"""The report's profiles: a card per segment and label, laid out to be read.

Each card names its group (with the analyst's description) and its size, then a row per figure of
each item: numbers right-aligned, shares as percentages, and a mini chart: a share as a bar on the
0-100% scale, an item's mean as a bar on that item's scale (the largest mean of any group) with a tick
at every customer's mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import shown
from .charts import e, named
from .groups import ALL

Key = tuple[str, str]


def cards(rows: Sequence[tuple[Any, ...]], descriptions: Mapping[str, str | None]) -> str:
    """Every group's card, every customer's first: `rows` as `profile` returns them; a label's card with its
    segmentation's description."""
    by_group: dict[Key, list[tuple[Any, ...]]] = {}
    for segment, label, *rest in rows:
        by_group.setdefault((segment, label or ""), []).append(tuple(rest))
    if not by_group:
        return "<p class=note>no profile</p>"
    scales = _mean_scales(by_group)
    everyone = {item: value for item, statistic, value, _ in by_group.get((ALL, ""), []) if statistic == "mean"}
    out = ["<div class=cards>"]
    for key, figures in by_group.items():
        out.append(_card(key, figures, descriptions.get(key[0]), scales, {} if key == (ALL, "") else everyone))
    out.append("</div>")
    return "".join(out)


def _mean_scales(by_group: Mapping[Key, list[tuple[Any, ...]]]) -> dict[str, float]:
    """Per numeric item, the largest absolute mean of any group: its mini charts' scale."""
    scales: dict[str, float] = {}
    for figures in by_group.values():
        for item, statistic, value, _ in figures:
            if statistic == "mean" and value is not None:
                scales[item] = max(scales.get(item, 0.0), abs(float(value)))
    return scales


def _card(key: Key, figures: list[tuple[Any, ...]], description: str | None, scales: Mapping[str, float],
          everyone: Mapping[str, Any]) -> str:
    segment, label = key
    title = "All customers" if key == (ALL, "") else f"{segment}: {label}" if label else segment
    size, part = next(((value, part) for item, statistic, value, part in figures
                       if (item, statistic) == ("customers", "count")), (0, None))
    head = f"{size:,} customers" + (f" · {shown.share(part)} of all" if key != (ALL, "") else "")
    body, previous = [], None
    for item, statistic, value, part in figures:
        if (item, statistic) == ("customers", "count"):
            continue
        body.append(f"<tr><th>{e(item) if item != previous else ''}</th><td>{e(statistic)}</td>"
                    f"<td class=num>{e(shown.number(value))}</td><td class=num>{e(shown.share(part))}</td>"
                    f"<td>{_mini(item, statistic, value, part, scales, everyone)}</td></tr>")
        previous = item
    table = ("<table class=profile><thead><tr><th>item</th><th>figure</th><th class=num>value</th>"
             f"<th class=num>share</th><th></th></tr></thead><tbody>{''.join(body)}</tbody></table>"
             if body else "")
    return (f"<section class=card><h3>{named(title, description)}</h3><p class=note>{e(head)}</p>"
            f"<div class=scroll>{table}</div></section>")


def _mini(item: str, statistic: str, value: Any, part: float | None, scales: Mapping[str, float],
          everyone: Mapping[str, Any]) -> str:
    """A share's bar (0-100%), or a mean's bar on its item's scale with every customer's mean as a tick."""
    if part is not None:
        return f'<span class=mini><span style="width:{100 * part:.2f}%"></span></span>'
    if statistic != "mean" or value is None or not scales.get(item):
        return ""
    scale = scales[item]
    tick = everyone.get(item)
    mark = (f'<i title="every customer: {e(shown.number(tick))}" style="left:{100 * abs(float(tick)) / scale:.2f}%">'
            "</i>" if tick is not None else "")
    return f'<span class=mini><span style="width:{100 * abs(float(value)) / scale:.2f}%"></span>{mark}</span>'
