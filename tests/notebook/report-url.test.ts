import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderMarkdown, renderRunReport, reportFileName } from '../../src/notebook/report';
import { settingsFromHash, settingsToHash, URL_STATE_NOTE } from '../../src/notebook/urlState';
import { createRunRecord } from '../../src/notebook/store';
import { defaultsFor } from '../../src/compute/train/settings';

// A 1x1 PNG.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function run() {
  const r = createRunRecord({
    settings: { ...defaultsFor('m3'), seed: 7, epochs: 3 },
    dataset: { name: 'emodb <demo>.csv', fingerprint: '0123456789abcdef', datasetId: null, n: 339, d: 382, classNames: ['angry', 'happy', 'neutral', 'sad'] },
    backend: 'webgl',
    title: 'M3 "baseline" <script>alert(1)</script>',
    tags: ['demo', '<b>'],
    notes: '# Result\nLooks **fine**, see `fid`.\n\n- one\n- two <img src=x onerror=alert(1)>\n\n```\n<script src="evil.js"></script>\n```',
    now: Date.UTC(2026, 0, 2),
  });
  r.losses = [1, 2, 3].map((epoch) => ({ epoch, train: { recon: 1 / epoch, d1: 0.69, gen: NaN }, val: epoch === 3 ? null : { recon: 1.1 / epoch, d1: 0.7, gen: 1 }, ms: 1234 }));
  r.evaluations = [{ id: 'e1', at: Date.UTC(2026, 0, 3), kind: 'evaluateRun', result: { metric1: { uar: 0.61, chance: 0.25 }, fid: 12.5, perClass: [0.5, 0.6, 0.7, 0.8], note: '<i>x</i>' } }];
  r.samples = [{ id: 's1', at: Date.UTC(2026, 0, 3), n: 6000, epoch: 3, seed: 1, note: 'for FID' }];
  return r;
}

describe('HTML report', () => {
  it('is self-contained: no http(s) URL, no script, no external reference; content escaped', () => {
    const html = renderRunReport(run(), { plots: [{ title: 'Losses', dataUrl: PNG }, { title: 'Remote', dataUrl: 'https://example.com/x.png' }], generatedAt: new Date(Date.UTC(2026, 0, 4)) });
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/@import|url\(/i);
    // Only data: image sources.
    for (const m of html.matchAll(/\ssrc="([^"]*)"/g)) expect(m[1].startsWith('data:image/png;base64,')).toBe(true);
    expect(html).toContain(PNG);
    expect(html).toContain('Plot "Remote" could not be embedded');
    expect(html).toContain('default-src &#39;none&#39;'.replace(/&#39;/g, "'"));
    // Escaped user text.
    expect(html).toContain('M3 &quot;baseline&quot; &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script src=&quot;evil.js&quot;&gt;&lt;/script&gt;');
    expect(html).toContain('<strong>fine</strong>');
    // Tables: settings (changed epochs highlighted), losses, evaluation, samples.
    expect(html).toMatch(/<tr class="changed"><td>epochs<\/td><td>3<\/td><td>15<\/td><\/tr>/);
    expect(html).toContain('<td>step1.lr</td>');
    expect(html).toContain('recon (val)');
    expect(html).toContain('<td>0.3333</td>');
    expect(html).toContain('<td>metric1.uar</td><td>0.6100</td>');
    expect(html).toContain('<td>perClass</td><td>0.5000, 0.6000, 0.7000, 0.8000</td>');
    expect(html).toContain('for FID');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(reportFileName(run(), new Date(Date.UTC(2026, 0, 4)))).toBe('emogan-report-m3-baseline-script-alert-1-script-2026-01-04.html');
  });

  it('renders minimal markdown safely for any input', () => {
    expect(renderMarkdown('## Head\ntext *it*')).toBe('<h4>Head</h4>\n<p>text <em>it</em></p>');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const h = renderMarkdown(s);
        expect(h).not.toMatch(/<(?!\/?(p|ul|li|h[3-6]|pre|code|strong|em)>)/);
      }),
    );
  });
});

describe('settings in the URL hash', () => {
  it('round-trips every model\'s settings exactly', () => {
    for (const m of ['m1', 'm2', 'm3'] as const) {
      const s = { ...defaultsFor(m), seed: 12345, epochs: 7, widthScale: 0.25, clipNorm: m === 'm3' ? null : 1e-7 + 3, step2: { lr: 0.1 + 0.2, momentum: 0.5 } };
      const h = settingsToHash(s);
      expect(h.startsWith('#v=1&model=')).toBe(true);
      const r = settingsFromHash(h);
      expect(r.reason).toBeNull();
      expect(r.settings).toEqual(s);
      expect(r.defaulted).toEqual([]);
      expect(settingsFromHash(h.slice(1)).settings).toEqual(s);
    }
    expect(URL_STATE_NOTE).toMatch(/data set is not included/);
  });

  it('missing settings take the model defaults and are listed', () => {
    const r = settingsFromHash('#v=1&model=m2&seed=9');
    expect(r.settings).toEqual({ ...defaultsFor('m2'), seed: 9 });
    expect(r.defaulted).toContain('epochs');
  });

  it('garbage gives null and a reason, never a throw', () => {
    const cases: [string | null | undefined, RegExp][] = [
      ['', /no settings/],
      [null, /no settings/],
      ['#hello', /no settings version/],
      ['#v=2&model=m1', /newer version/],
      ['#v=abc&model=m1', /unknown settings version/],
      ['#v=1&model=m9', /no valid model/],
      ['#v=1&model=m1&epochs=1.5', /whole number/],
      ['#v=1&model=m1&epochs=0', /epochs must be an integer >= 1/],
      ['#v=1&model=m1&step1.lr=-1', /step1 learning rate/],
      ['#v=1&model=m1&step1.lr=1e999', /not a number/],
      ['#v=1&model=m1&seed=0x10', /not a number/],
      ['#v=1&model=m1&reconLoss=median', /reconLoss/],
      ['#v=1&model=m1&clipNorm=big', /clipNorm/],
      ['#v=1&model=m1&evil=1', /unknown setting/],
      ['#v=1&v=1&model=m1', /twice/],
      ['#%E0%A4%A', /./],
      ['#' + 'a'.repeat(5000), /too long/],
    ];
    for (const [h, why] of cases) {
      const r = settingsFromHash(h);
      expect(r.settings, String(h)).toBeNull();
      expect(r.reason, String(h)).toMatch(why);
    }
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = settingsFromHash(s);
        expect(r.settings === null ? typeof r.reason : 'ok').toMatch(/string|ok/);
      }),
    );
  });
});
