"""axe-core (from npm, installed by ``scripts/browser.sh deps``) run in the page.

The rules are those of WCAG 2.x levels A and AA, which RGAA 4.1 transposes.
Every page checked is recorded (violations by impact) in
``build/browser/<series>/axe.json`` and ``axe.md``; a page fails when a
violation of impact *serious* or *critical* remains.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ckanext.metropole.tests.browser.portal import ROOT

AXE_JS = ROOT / ".local" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")


class Results:
    """axe results of every page checked during the session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pages: dict[str, dict[str, Any]] = {}

    def check(self, page: Any, name: str) -> list[dict[str, Any]]:
        """Run axe on ``page``, record it under ``name``; the blocking violations."""
        assert AXE_JS.exists(), f"{AXE_JS} missing: run scripts/browser.sh deps"
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                   resultTypes: ['violations']});
                return {version: axe.version, violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 300),
                                              summary: n.failureSummary}))}))};
            }""", TAGS)
        violations = result["violations"]
        counts = {impact: sum(len(v["nodes"]) for v in violations if v["impact"] == impact)
                  for impact in IMPACTS}
        self.pages[name] = {"url": page.url, "axe": result["version"], "counts": counts,
                            "violations": violations}
        return [v for v in violations if v["impact"] in BLOCKING]

    def assert_clean(self, page: Any, name: str) -> None:
        """No blocking violation in the page nor in its frames of the portal.

        axe run in a page does not enter its iframes (the data preview is
        one): each frame served by the portal is checked as a page of its own.
        """
        blocking = self.check(page, name)
        origin = "/".join(page.url.split("/")[:3])
        for i, frame in enumerate(getattr(page, "frames", [])[1:], start=1):
            if frame.url.startswith(origin):
                frame.wait_for_load_state()
                blocking += [dict(v, help=f"(frame {frame.url}) {v['help']}")
                             for v in self.check(frame, f"{name}, frame {i}")]
        assert not blocking, f"axe on {name} ({page.url}):\n" + "\n".join(
            f"- [{v['impact']}] {v['id']}: {v['help']} — "
            + "; ".join(f"{n['target']} {n['html'][:120]}" for n in v["nodes"][:5])
            for v in blocking)

    def write(self) -> None:
        if not self.pages:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "axe.json").write_text(json.dumps(self.pages, indent=2,
                                                         ensure_ascii=False))
        lines = ["| page | critical | serious | moderate | minor | rules |",
                 "| --- | --- | --- | --- | --- | --- |"]
        for name, entry in sorted(self.pages.items()):
            c = entry["counts"]
            rules = ", ".join(sorted({f"{v['id']} ({v['impact']})"
                                      for v in entry["violations"]})) or "—"
            lines.append(f"| {name} | {c['critical']} | {c['serious']} | {c['moderate']} "
                         f"| {c['minor']} | {rules} |")
        (self.folder / "axe.md").write_text("\n".join(lines) + "\n")


def radio_groups(page: Any) -> list[str]:
    """Visible radio buttons that are not in a fieldset with its legend, have
    no label, or whose label ends with a colon (CKAN writes one after every
    label: "Favorable :" reads as a question). RGAA 11.5 and 11.6."""
    return page.evaluate(
        """() => [...document.querySelectorAll('input[type=radio]')]
              .filter(r => r.getClientRects().length && getComputedStyle(r).visibility !== 'hidden')
              .flatMap(r => {
                const where = (r.form && r.form.getAttribute('action') || '') + ' ' + r.name
                              + '=' + r.value;
                const set = r.closest('fieldset');
                const legend = set && set.querySelector(':scope > legend');
                const label = r.labels[0];
                const after = label ? getComputedStyle(label, '::after').content : '';
                const text = label ? label.innerText.trim() : '';
                return [
                  ...(legend && legend.innerText.trim() ? [] : [where + ': no fieldset/legend']),
                  ...(label && text ? [] : [where + ': no label']),
                  ...(/:/.test(after) || text.endsWith(':') ? [where + ': colon after "' + text + '"'] : []),
                ];
              })""")


def same_names(page: Any) -> list[str]:
    """Links and buttons shown with the same accessible name (axe's own
    computation) for different targets on one page (RGAA 6.1, WCAG 2.4.4)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """() => {
          axe.setup(document);  // the tree axe's name computation reads
          const seen = new Map();
          const els = document.querySelectorAll(
              'a[href], button, input[type=submit], input[type=button], [role=button]');
          for (const e of els) {
            // shown, or in a menu its button opens (the resource list's "Explorer")
            if (!e.getClientRects().length && !e.closest('.dropdown-menu')) continue;
            if (e.closest('[aria-hidden=true]')) continue;
            // a closed menu's items have no computed name yet: their text is it
            const name = (e.getClientRects().length ? axe.commons.text.accessibleText(e)
                          : e.textContent).trim().replace(/\\s+/g, ' ');
            const target = e.href ? e.href.replace(/#.*$/, '')
                : (e.form ? e.form.action + ' ' + [...new FormData(e.form)]
                      .filter(([k]) => !['_csrf_token', 'q'].includes(k))
                      .map(([k, v]) => k + '=' + v).join('&')
                      + (e.name ? '&' + e.name + '=' + e.value : '')
                  : e.outerHTML.slice(0, 120));
            if (!seen.has(name)) seen.set(name, new Set());
            seen.get(name).add(target);
          }
          axe.teardown();
          return [...seen].filter(([, targets]) => targets.size > 1)
                          .map(([name, targets]) => `"${name}": ${[...targets].join(' | ')}`);
        }""")
