import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../shared/paths.js';

/** Text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe inside a <script> element: no `</script>`, no `<!--`. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Script text safe inside a <script> element. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

let uplot: { js: string; css: string } | undefined;

/**
 * uPlot's browser build and stylesheet, read from the installed package so the page carries them
 * inline (no network, opens from file://).
 */
export function uplotAssets(): { js: string; css: string } {
  if (!uplot) {
    const require = createRequire(import.meta.url);
    const main = require.resolve('uplot');
    const dist = main.slice(0, main.lastIndexOf('uPlot.'));
    uplot = { js: readFileSync(`${dist}uPlot.iife.min.js`, 'utf8'), css: readFileSync(`${dist}uPlot.min.css`, 'utf8') };
  }
  return uplot;
}

/** The pages' scripts: plain JavaScript files beside this module's source, checked by tsconfig.browser.json. */
export type BrowserScript = 'chart-helpers' | 'report' | 'cluster' | 'compare';

const scripts = new Map<BrowserScript, string>();

/**
 * A page script's text, read from harness/report/browser/ in the package (the same files whether
 * this module runs from dist/ or from source; the package ships them), to be inlined in the page.
 */
export function browserScript(name: BrowserScript): string {
  let text = scripts.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(packageRoot, 'harness', 'report', 'browser', `${name}.js`), 'utf8');
    scripts.set(name, text);
  }
  return text;
}

export const BASE_CSS = `
:root { --ok: #2e9e44; --fail: #d9534f; --info: #e8a33d; --anomaly: #c0158b; --muted: #6b7280; --line: #e5e7eb; --bg: #fff; --fg: #111827; --link: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 20px; font-weight: 600; }
nav { padding: 6px 24px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: var(--bg); z-index: 5; }
nav a { margin-right: 16px; color: var(--link); text-decoration: none; }
section { scroll-margin-top: 34px; padding: 8px 24px 20px; border-bottom: 1px solid var(--line); }
h2 { font-size: 17px; margin: 12px 0 8px; }
h3 { font-size: 15px; margin: 12px 0 6px; }
table { border-collapse: collapse; margin: 6px 0 10px; }
th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: #374151; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
code, pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #f6f8fa; padding: 8px 10px; overflow-x: auto; border-radius: 4px; }
.muted { color: var(--muted); }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 12.5px; color: #fff; white-space: nowrap; }
.verdict.kept { background: var(--ok); }
.verdict.broken { background: var(--fail); }
.verdict.unknown { background: #7c3aed; }
.verdict.allowed { background: var(--info); }
.verdict.none { background: #9ca3af; }
.help { color: var(--muted); font-size: 12.5px; margin: 2px 0 6px; }
.legend span { margin-right: 14px; white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 10px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
tr.clickable { cursor: pointer; }
tr.clickable:hover { background: #f3f4f6; }
tr.selected { background: #fdf2f8; }
.panel { border: 1px solid var(--line); border-left: 4px solid var(--anomaly); padding: 8px 12px; margin: 8px 0; background: #fafafa; min-height: 38px; }
.panel:empty::before { content: attr(data-empty); color: var(--muted); }
button { font: inherit; font-size: 12.5px; padding: 2px 8px; margin-right: 4px; border: 1px solid #d1d5db; background: #fff; border-radius: 4px; cursor: pointer; }
button:hover { background: #f3f4f6; }
.chart { margin: 4px 0 14px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 8px 24px; }
a { color: var(--link); }
.u-legend { font-size: 12px; }
.line-legend .u-legend .u-marker { width: 22px; height: 0; vertical-align: middle; background: none !important; border-left: none !important; border-right: none !important; border-bottom: none !important; }
`;

/** One self-contained page: every style and script inline. */
export function page(opts: { title: string; css?: string; head?: string; body: string; scripts?: string[]; charts?: boolean }): string {
  const { js, css } = opts.charts === false ? { js: '', css: '' } : uplotAssets();
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(opts.title)}</title>`,
    `<style>${css}\n${BASE_CSS}\n${opts.css ?? ''}</style>`,
    opts.head ?? '',
    '</head><body>',
    opts.body,
    js ? `<script>${scriptText(js)}</script>` : '',
    ...(opts.scripts ?? []).map((s) => `<script>${scriptText(s)}</script>`),
    '</body></html>',
    '',
  ].join('\n');
}
