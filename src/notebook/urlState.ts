/**
 * The current TrainSettings as a URL hash, and back. Readable and versioned:
 *
 *   #v=1&model=m2&seed=3&epochs=20&batchSize=64&widthScale=1&step1.lr=0.001&step1.momentum=0.9&...
 *
 * Every setting is written (not only those that differ from the defaults), so a link keeps
 * meaning the same thing when defaults change. Reading never throws: a hash that is not ours, is
 * from a newer version, or holds a bad value gives { settings: null, reason }. The link holds
 * the settings only; the data set is NOT included (URL_STATE_NOTE says so to the user).
 */
import { defaultsFor, STEP_KEYS, validateSettings, type ModelKind, type TrainSettings } from '../compute/train/settings';
import { MODEL_KINDS } from '../compute/models/sizes';

export const URL_STATE_VERSION = 1;

export const URL_STATE_NOTE =
  'This link holds the training settings only. The data set is not included: whoever opens it loads the same table (and column choices) themselves.';

export type HashResult =
  | { settings: TrainSettings; reason: null; /** Settings the link did not give, taken from the model's defaults. */ defaulted: string[] }
  | { settings: null; reason: string; defaulted: [] };

type Scalar = 'int' | 'number' | 'posnum';
const NUMERIC: Record<string, Scalar> = {
  seed: 'int',
  epochs: 'int',
  batchSize: 'int',
  widthScale: 'number',
  priorRadius: 'number',
  priorStd: 'number',
  lambda: 'number',
  d2Ratio: 'int',
  validationFraction: 'number',
};
const ENUMS: Record<string, readonly string[]> = { reconLoss: ['sum', 'mean'], d2RatioMode: ['epoch', 'batch'] };
const MODELS: readonly ModelKind[] = MODEL_KINDS;

/** Every key a v1 hash may hold, in the order written. */
const KEYS: string[] = [
  'v',
  'model',
  'seed',
  'epochs',
  'batchSize',
  'widthScale',
  ...STEP_KEYS.flatMap((k) => [`${k}.lr`, `${k}.momentum`]),
  'priorRadius',
  'priorStd',
  'lambda',
  'reconLoss',
  'clipNorm',
  'd2Ratio',
  'd2RatioMode',
  'validationFraction',
];

/** '#v=1&model=...' for the settings (numbers written exactly: String(n) round-trips). */
export function settingsToHash(s: TrainSettings): string {
  const p = new URLSearchParams();
  p.set('v', String(URL_STATE_VERSION));
  p.set('model', s.model);
  for (const k of Object.keys(NUMERIC)) p.set(k, String(s[k as keyof TrainSettings]));
  for (const k of STEP_KEYS) {
    p.set(`${k}.lr`, String(s[k].lr));
    p.set(`${k}.momentum`, String(s[k].momentum));
  }
  p.set('reconLoss', s.reconLoss);
  p.set('clipNorm', s.clipNorm === null ? 'off' : String(s.clipNorm));
  p.set('d2RatioMode', s.d2RatioMode);
  // Fixed order for stable, diffable links.
  const ordered = new URLSearchParams();
  for (const k of KEYS) if (p.has(k)) ordered.set(k, p.get(k)!);
  return `#${ordered.toString()}`;
}

function fail(reason: string): HashResult {
  return { settings: null, reason, defaulted: [] };
}

function parseNumber(raw: string): number | null {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw.trim())) return null;
  const v = Number(raw);
  return Number.isFinite(v) ? v : null;
}

/** Settings from a hash ('#v=1&...' or 'v=1&...'); never throws. */
export function settingsFromHash(hash: string | null | undefined): HashResult {
  try {
    if (typeof hash !== 'string') return fail('no settings in the link');
    const h = hash.startsWith('#') ? hash.slice(1) : hash;
    if (!h.trim()) return fail('no settings in the link');
    if (h.length > 4000) return fail('the link is too long to be a settings link');
    const p = new URLSearchParams(h);
    const seen = new Set<string>();
    for (const k of p.keys()) {
      if (seen.has(k)) return fail(`"${k}" appears twice in the link`);
      seen.add(k);
    }
    const v = p.get('v');
    if (v === null) return fail('this link holds no settings version (v=...); it was not made by this app');
    if (v !== String(URL_STATE_VERSION)) {
      const n = parseNumber(v);
      return fail(n !== null && n > URL_STATE_VERSION ? `the link was made by a newer version of the app (settings version ${v})` : `unknown settings version "${v}"`);
    }
    const unknown = [...seen].filter((k) => !KEYS.includes(k));
    if (unknown.length) return fail(`unknown setting${unknown.length > 1 ? 's' : ''} in the link: ${unknown.slice(0, 5).join(', ')}`);
    const model = p.get('model');
    if (!model || !MODELS.includes(model as ModelKind)) return fail(`the link names no valid model (got "${model ?? ''}"; expected m1, m2, m3 or m4)`);
    const s = defaultsFor(model as ModelKind);
    const defaulted: string[] = [];
    const num = (key: string, kind: Scalar): number | string => {
      const raw = p.get(key);
      if (raw === null) return 'missing';
      const n = parseNumber(raw);
      if (n === null) return `"${key}" is not a number ("${raw.slice(0, 40)}")`;
      if (kind === 'int' && !Number.isInteger(n)) return `"${key}" must be a whole number (got ${raw})`;
      return n;
    };
    for (const [key, kind] of Object.entries(NUMERIC)) {
      const r = num(key, kind);
      if (r === 'missing') defaulted.push(key);
      else if (typeof r === 'string') return fail(r);
      else (s as unknown as Record<string, number>)[key] = r;
    }
    for (const k of STEP_KEYS) {
      for (const f of ['lr', 'momentum'] as const) {
        const key = `${k}.${f}`;
        const r = num(key, 'number');
        if (r === 'missing') defaulted.push(key);
        else if (typeof r === 'string') return fail(r);
        else s[k] = { ...s[k], [f]: r };
      }
    }
    for (const [key, allowed] of Object.entries(ENUMS)) {
      const raw = p.get(key);
      if (raw === null) defaulted.push(key);
      else if (!allowed.includes(raw)) return fail(`"${key}" must be one of ${allowed.join(', ')} (got "${raw.slice(0, 40)}")`);
      else (s as unknown as Record<string, string>)[key] = raw;
    }
    const clip = p.get('clipNorm');
    if (clip === null) defaulted.push('clipNorm');
    else if (clip === 'off') s.clipNorm = null;
    else {
      const c = parseNumber(clip);
      if (c === null) return fail(`"clipNorm" must be a number or "off" (got "${clip.slice(0, 40)}")`);
      s.clipNorm = c;
    }
    const errs = validateSettings(s);
    if (errs.length) return fail(`the link's settings are not valid: ${errs.join('; ')}`);
    return { settings: s, reason: null, defaulted };
  } catch (e) {
    return fail(`the link could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
}
