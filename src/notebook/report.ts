/**
 * A self-contained HTML report of one run: settings (with the defaults beside them), losses per
 * epoch, evaluation results, samples, the user's notes (minimal markdown, everything escaped),
 * and plots the caller passes in as PNG data URLs. No scripts, no external references: a
 * Content-Security-Policy meta tag forbids any fetch, so the file opens the same offline.
 *
 *   const html = renderRunReport(run, { plots: [{ title: 'Losses', dataUrl: await plotPng() }] });
 *   download(new Blob([html], { type: 'text/html' }), reportFileName(run));
 */
import { defaultsFor, type TrainSettings } from '../compute/train/settings';
import type { RunRecord } from './schema';

export interface ReportPlot {
  title: string;
  /** 'data:image/png;base64,...' (others are refused and listed as missing). */
  dataUrl: string;
}

export interface ReportOptions {
  plots?: ReportPlot[];
  /** Time the report is made (default now). */
  generatedAt?: Date;
  /** E.g. the app version or commit, shown in the footer. */
  appVersion?: string;
  /** Decimal places of losses (default 4). */
  digits?: number;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

function fmt(v: unknown, digits = 4): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(digits);
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** Settings as rows: 'step1.lr' etc. */
function flatSettings(s: TrainSettings): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(s)) {
    if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) out.push([`${k}.${k2}`, v2]);
    else out.push([k, v]);
  }
  return out;
}

/** Flatten an opaque evaluation result to key/value rows (long arrays summarised). */
function flattenResult(v: unknown, prefix: string, rows: [string, string][], depth = 0): void {
  if (rows.length > 400) return;
  if (v === null || typeof v !== 'object') {
    rows.push([prefix || 'value', fmt(v)]);
    return;
  }
  if (ArrayBuffer.isView(v)) {
    rows.push([prefix, `[${(v as unknown as ArrayLike<number>).length} values]`]);
    return;
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number' || typeof x === 'string')) {
      rows.push([prefix, v.length > 12 ? `${v.slice(0, 12).map((x) => fmt(x)).join(', ')}, … (${v.length})` : v.map((x) => fmt(x)).join(', ')]);
      return;
    }
    if (depth > 4) {
      rows.push([prefix, `[${v.length} items]`]);
      return;
    }
    v.slice(0, 50).forEach((x, i) => flattenResult(x, `${prefix}[${i}]`, rows, depth + 1));
    if (v.length > 50) rows.push([prefix, `… ${v.length - 50} more items`]);
    return;
  }
  if (depth > 4) {
    rows.push([prefix, '{…}']);
    return;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) flattenResult(x, prefix ? `${prefix}.${k}` : k, rows, depth + 1);
}

function inlineMd(escaped: string): string {
  return escaped
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>');
}

/**
 * Minimal markdown -> HTML: headings, paragraphs, '-'/'*' lists, ``` code blocks, **bold**,
 * *italic*, `code`. Everything is escaped first; links stay text (the report references nothing).
 */
export function renderMarkdown(md: string): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: string[] = [];
  let code: string[] | null = null;
  const flush = () => {
    if (para.length) out.push(`<p>${inlineMd(escapeHtml(para.join(' ')))}</p>`);
    if (list.length) out.push(`<ul>${list.map((l) => `<li>${inlineMd(escapeHtml(l))}</li>`).join('')}</ul>`);
    para = [];
    list = [];
  };
  for (const line of lines) {
    if (code) {
      if (/^\s*```/.test(line)) {
        out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
        code = null;
      } else code.push(line);
      continue;
    }
    if (/^\s*```/.test(line)) {
      flush();
      code = [];
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      const level = Math.min(6, h[1].length + 2);
      out.push(`<h${level}>${inlineMd(escapeHtml(h[2]))}</h${level}>`);
      continue;
    }
    const li = /^\s*[-*]\s+(.*)$/.exec(line);
    if (li) {
      if (para.length) {
        out.push(`<p>${inlineMd(escapeHtml(para.join(' ')))}</p>`);
        para = [];
      }
      list.push(li[1]);
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    if (list.length) flush();
    para.push(line.trim());
  }
  if (code) out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
  flush();
  return out.join('\n');
}

function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.num{text-align:right}tr.changed td{background:#fff6d6}
.meta{color:#555}.tag{display:inline-block;background:#eef;border-radius:3px;padding:0 .4rem;margin-right:.3rem}
figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555}
pre{background:#f6f6f6;padding:.5rem;overflow:auto}.notes{border-left:3px solid #ccd;padding-left:1rem}
footer{margin-top:3rem;color:#777;font-size:12px}
`;

/** The report as one HTML string (UTF-8). */
export function renderRunReport(run: RunRecord, opts: ReportOptions = {}): string {
  const e = escapeHtml;
  const digits = opts.digits ?? 4;
  const when = opts.generatedAt ?? new Date();
  const date = (t: number | null) => (t ? new Date(t).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—');
  const parts: string[] = [];

  parts.push(`<h1>${e(run.title)}</h1>`);
  parts.push(
    `<p class="meta">${e(run.model.toUpperCase())} · dataset ${e(run.dataset.name)} (${run.dataset.n} rows × ${run.dataset.d} features; classes ${e(run.dataset.classNames.join(', '))}; fingerprint <code>${e(run.dataset.fingerprint)}</code>) · seed ${run.settings.seed} · backend ${e(run.backend)} · status ${e(run.status)}${run.statusMessage ? ` (${e(run.statusMessage)})` : ''}</p>`,
  );
  parts.push(`<p class="meta">Created ${date(run.createdAt)} · last change ${date(run.updatedAt)} · finished ${date(run.finishedAt)}</p>`);
  if (run.tags.length) parts.push(`<p>${run.tags.map((t) => `<span class="tag">${e(t)}</span>`).join('')}</p>`);

  if (run.notes.trim()) parts.push(`<h2>Notes</h2><div class="notes">${renderMarkdown(run.notes)}</div>`);

  // Settings, with the model's defaults beside them.
  const defaults = new Map(flatSettings(defaultsFor(run.model)));
  const settingRows = flatSettings(run.settings).map(([k, v]) => {
    const d = defaults.get(k);
    const changed = d !== undefined && d !== v;
    return { changed, cells: [e(k), e(fmt(v, 6)), e(fmt(d, 6))] };
  });
  parts.push(
    `<h2>Settings</h2><table><thead><tr><th>setting</th><th>value</th><th>default</th></tr></thead><tbody>${settingRows
      .map((r) => `<tr${r.changed ? ' class="changed"' : ''}>${r.cells.map((c) => `<td>${c}</td>`).join('')}</tr>`)
      .join('')}</tbody></table><p class="meta">Highlighted rows differ from the defaults.</p>`,
  );

  // Plots.
  const plots = opts.plots ?? [];
  if (plots.length) {
    parts.push('<h2>Plots</h2>');
    for (const p of plots) {
      if (PNG_DATA_URL.test(p.dataUrl)) parts.push(`<figure><img alt="${e(p.title)}" src="${p.dataUrl}"><figcaption>${e(p.title)}</figcaption></figure>`);
      else parts.push(`<p class="meta">Plot "${e(p.title)}" could not be embedded (not a PNG data URL).</p>`);
    }
  }

  // Losses.
  parts.push('<h2>Losses per epoch</h2>');
  if (!run.losses.length) parts.push('<p class="meta">No finished epochs.</p>');
  else {
    const keys = Array.from(new Set(run.losses.flatMap((l) => Object.keys(l.train))));
    const hasVal = run.losses.some((l) => l.val);
    const head = ['epoch', ...keys.map((k) => `${e(k)} (train)`), ...(hasVal ? keys.map((k) => `${e(k)} (val)`) : []), 'seconds'];
    const rows = run.losses.map((l) => [
      String(l.epoch),
      ...keys.map((k) => e(fmt(l.train[k], digits))),
      ...(hasVal ? keys.map((k) => e(fmt(l.val?.[k], digits))) : []),
      e(fmt(l.ms / 1000, 2)),
    ]);
    parts.push(table(head, rows, 'losses'));
  }

  // Evaluations.
  parts.push('<h2>Evaluation</h2>');
  if (!run.evaluations.length) parts.push('<p class="meta">No evaluation stored.</p>');
  for (const ev of run.evaluations) {
    const study = (ev.result as { outcome?: { table?: { columns: string[]; rows: Array<{ label: string; kind: string; mean: number[]; std: number[] }>; notes: string[] } | null } } | null)?.outcome?.table;
    if (ev.kind.startsWith('study:') && study) {
      // A study's table as the app shows it (measures x models), not thousands of flattened fold numbers.
      const cell = (kind: string, m: number, s: number) => (!Number.isFinite(m) ? 'n/a' : kind === 'uar' ? `${(100 * m).toFixed(1)}${s > 0 ? ` ± ${(100 * s).toFixed(1)}` : ''}` : `${m.toFixed(2)}${s > 0 ? ` ± ${s.toFixed(2)}` : ''}`);
      parts.push(`<h3>${e(ev.kind)} <span class="meta">(${date(ev.at)})</span></h3>`);
      parts.push(table(['', ...study.columns.map(e)], study.rows.map((r) => [e(r.label), ...r.mean.map((m, i) => e(cell(r.kind, m, r.std[i])))])));
      for (const n of study.notes) parts.push(`<p class="meta">${e(n)}</p>`);
      continue;
    }
    const rows: [string, string][] = [];
    flattenResult(ev.result, '', rows);
    parts.push(`<h3>${e(ev.kind)} <span class="meta">(${date(ev.at)})</span></h3>`);
    parts.push(table(['measure', 'value'], rows.map(([k, v]) => [e(k), e(v)])));
  }

  // Samples.
  if (run.samples.length) {
    parts.push('<h2>Generated samples</h2>');
    parts.push(table(['when', 'rows', 'epoch', 'seed', 'note'], run.samples.map((s) => [date(s.at), String(s.n), String(s.epoch), e(fmt(s.seed)), e(s.note)])));
  }

  parts.push(`<footer>EmoGAN Lab report, made ${e(when.toISOString())}${opts.appVersion ? ` by ${e(opts.appVersion)}` : ''}. Self-contained: no scripts, nothing loaded from elsewhere.</footer>`);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(run.title)} · EmoGAN Lab report</title>
<style>${CSS}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}

/** A file name for the report. */
export function reportFileName(run: Pick<RunRecord, 'title'>, when = new Date()): string {
  const slug = run.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'run';
  return `emogan-report-${slug}-${when.toISOString().slice(0, 10)}.html`;
}
