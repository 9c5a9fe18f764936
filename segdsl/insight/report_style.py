"""The report page's head: its title and style sheet (fluid from a phone's 400 px to a desktop)."""

from __future__ import annotations

import html

_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; color: #222; padding: 1em; }
h1 { margin: 0; overflow-wrap: anywhere; }
h2 { margin: 1.6em 0 .4em; } h3 { font-size: 1em; margin: 1em 0 .3em; }
.meta, .note, small { color: #666; }
nav a { margin-right: .8em; }
b, small { overflow-wrap: anywhere; } h3 b, h3 small, .name b, .name small, figcaption b, figcaption small {
  display: block; } h3 small { font-weight: normal; }
.row { display: grid; grid-template-columns: minmax(0, 15em) minmax(0, 1fr) 7.5em; gap: 0 .75em;
  align-items: center; padding: 3px 0; border-bottom: 1px solid #f0f0f0; }
.lift .row { grid-template-columns: minmax(0, 12em) minmax(0, 1fr) 11.5em; }
.row.scale { border: 0; padding: 0; color: #666; }
.ticks { position: relative; height: 1.4em; font-size: 11px; }
.ticks i { position: absolute; font-style: normal; white-space: nowrap; transform: translateX(-50%); }
.ticks i:first-child { transform: none; } .ticks i:last-child { transform: translateX(-100%); }
.track { position: relative; height: 14px; border-right: 1px solid #dde3ec;
  background: repeating-linear-gradient(to right, #dde3ec 0 1px, #f5f7fa 1px 25%); }
.track .fill { position: absolute; left: 0; top: 0; bottom: 0; background: #3366cc; }
.track.zero { background: linear-gradient(#999, #999) 50% 0 / 1px 100% no-repeat, #f5f7fa; border: 0; }
.track .ci { position: absolute; top: 6px; height: 2px; background: #3366cc; }
.track .dot { position: absolute; top: 7px; width: 9px; height: 9px; border-radius: 50%; background: #3366cc;
  transform: translate(-50%, -50%); }
.fig { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.fig small { display: block; }
.legend { display: flex; flex-wrap: wrap; align-items: center; gap: .5em; font-size: 12px; color: #666;
  margin-bottom: .4em; }
.legend .ramp { display: inline-block; width: 10em; height: .8em; border: 1px solid #ddd; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 12px; }
td, th { border-bottom: 1px solid #eee; padding: 2px 6px; text-align: left; vertical-align: top; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.heat td { min-width: 2.4em; height: 1.9em; padding: 0; text-align: center; border: 1px solid #fff;
  font-variant-numeric: tabular-nums; }
table.heat th { font-weight: normal; color: #444; border: 0; }
table.heat thead th { text-align: center; color: #666; }
table.heat tbody th { min-width: 8em; max-width: 14em; overflow-wrap: anywhere; padding-right: .6em;
  position: sticky; left: 0; background: #fff; }
table.heat th i { font-style: normal; color: #888; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 20em), 1fr)); gap: 12px; }
#profiles + .cards { grid-template-columns: repeat(auto-fill, minmax(min(100%, 27em), 1fr)); }
figure.trend, section.card { margin: 0; border: 1px solid #ddd; border-radius: 4px; padding: 8px 10px;
  min-width: 0; }
section.card h3 { margin-top: 0; } section.card .note { margin: 0 0 .4em; }
.change { display: block; color: #444; font-variant-numeric: tabular-nums; }
svg.spark { display: block; width: 100%; height: auto; }
svg.spark text { font-size: 11px; fill: #666; } svg.spark .grid { stroke: #e6e6e6; }
table.profile { width: 100%; table-layout: fixed; }
table.profile th { box-sizing: border-box; }
table.profile th:nth-child(1) { width: 28%; } table.profile th:nth-child(2) { width: 22%; }
table.profile th:nth-child(3) { width: 18%; } table.profile th:nth-child(4) { width: 14%; }
table.profile th:nth-child(5) { width: 18%; }
table.profile tbody th { font-weight: 600; overflow-wrap: anywhere; }
table.profile td:nth-child(2) { overflow-wrap: anywhere; }
.mini { display: inline-block; position: relative; width: 100%; max-width: 5em; height: .7em; background: #eef1f6; }
.mini span { position: absolute; left: 0; top: 0; bottom: 0; background: #3366cc; }
.mini i { position: absolute; top: -2px; bottom: -2px; width: 2px; margin-left: -1px; background: #222; }
summary { overflow-wrap: anywhere; }
pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
@media (max-width: 640px) {
  .row, .lift .row { grid-template-columns: minmax(0, 1fr) 7.5em; }
  .lift .row { grid-template-columns: minmax(0, 1fr) 11.5em; }
  .row .name { grid-column: 1 / -1; } .row.scale .name { display: none; }
}
"""


def head(title: str) -> str:
    """The page up to its body's first element."""
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            f"<title>{html.escape(title, quote=True)}</title>\n"
            f"<meta name=viewport content=\"width=device-width, initial-scale=1\">\n<style>{_CSS}</style></head><body>")
