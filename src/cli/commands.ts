/**
 * The lab CLI's commands over compute/ (no copied code): load CSVs the way the app does
 * (parseCsv -> suggestRoles -> buildDataset, with the user's overrides), run a protocol, and
 * return the markdown table and the results JSON. Backend set-up and process exit live in
 * labMain.ts so that the tests can call these directly.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsvText } from '../compute/data/parseCsv';
import { buildDataset, defaultClasses, suggestRoles, type ColumnRoles } from '../compute/data/columnRoles';
import type { Dataset } from '../compute/data/dataset';
import { fitStandardisation, standardiseDataset } from '../compute/data/standardise';
import { ganMetrics } from '../compute/eval/metrics';
import { trainFidNet } from '../compute/eval/fidNet';
import { fid, fidRealVsReal } from '../compute/eval/frechet';
import { crossValidation, summariseMetric, syntheticExtras, type FoldResult } from '../compute/studies/crossValidation';
import { alignCorpora, crossCorpus } from '../compute/studies/crossCorpus';
import { lowResource, lowResourceMarkdown, LOW_RESOURCE_DEFAULTS } from '../compute/studies/lowResource';
import { tableRow, tableToMarkdown, type ModelKind, type StudyControl, type StudyProgress } from '../compute/studies/common';
import type { TrainSettings } from '../compute/train/settings';
import { MODEL_KINDS } from '../compute/models/sizes';
import { checkLambdaRequest, DEFAULT_LAMBDAS, lambdaStudy } from '../compute/studies/lambdaStudy';
import { spreadAndSeparation, SPREAD_SEPARATION_NOTE } from '../compute/eval/spread';
import { listOption, numberListOption, numberOption, UsageError, type ParsedArgs } from './args';

export const USAGE = `EmoGAN Lab, headless

  lab evaluate --real REAL.csv --synthetic SYNTH.csv [--real-b HELDOUT.csv]
      Metric 1 (SVM on real, scored on synthetic), Metric 2 (SVM on synthetic, scored on real),
      FID (network trained on the real rows), real-vs-real FID, detector AUC, k-NN precision/recall.
  lab cv --data A.csv [--models m1,m2,m3,m4] [--folds 5|logo] [--only-folds 1,2] [--n-synth 6000]
      Leave-one-group-out cross-validation (groups merged into F folds), the paper's Table 2.
  lab cross --a A.csv --b B.csv [--models ...] [--normalise-b-with-a]
      Cross-corpus: GAN trained on A, evaluated against B (Table 3).
  lab lambda --data A.csv [--models m3,m4] [--lambdas 0,0.25,1,4] [--folds 5|logo] [--only-folds 1]
             [--n-synth 6000]
      The λ study (the paper's Section 6 proposal): cross-validation of each model at each weight λ
      of the mutual-information term; Metric 1/2, FID, intra-class spread, inter-class separation.
  lab lowres --a A.csv --b B.csv [--models ...] [--percents 10,25,50,80,100] [--n-synth 0,600,2000,6000]
             [--grid all|paper] [--repeats 1] [--clf-epochs 30]
      Low-resource: MLP on P % of A + N synthetic rows, tested on B (Fig. 6).

Also accepted: --protocol logo|cross|lowres with --csv A.csv [--csv-b B.csv] instead of a command.

Data options (each CSV): --label-col NAME  --group-col NAME|none  --classes a,b,c
  --features REGEX (feature columns whose name matches; default: the app's suggestion)
GAN options: --epochs E  --width-scale S (alias --width)  --batch-size B  --seed N
  --lambda L (M3, M4; M4 with 0 is M2)  --recon-loss sum|mean  --clip-norm X|none
Evaluation: --svm-folds 3  --fid-epochs 30  --no-detector  --no-knn
Run: --backend cpu|wasm (default wasm)  --out results.json  --quiet
`;

export interface CommandResult {
  markdown: string;
  json: Record<string, unknown>;
}

/** Reads and builds a dataset from a CSV file with the app's defaults and the CLI's overrides. */
export function loadDataset(file: string, args: ParsedArgs, opts: { noGroup?: boolean } = {}): Dataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const table = parseCsvText(text, path.basename(file));
  const roles: ColumnRoles = suggestRoles(table);
  const label = args.options.get('label-col');
  if (label) {
    roles.label = label;
    roles.keepClasses = defaultClasses(table, label);
  }
  const group = args.options.get('group-col');
  if (group) roles.group = group === 'none' ? null : group;
  if (opts.noGroup) roles.group = null;
  const classes = listOption(args, 'classes');
  if (classes) roles.keepClasses = classes;
  const pattern = args.options.get('features');
  const numeric = table.columns.filter((_, j) => table.kinds[j] === 'numeric');
  if (pattern) {
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch {
      throw new UsageError(`--features: "${pattern}" is not a regular expression`);
    }
    roles.features = numeric.filter((c) => re.test(c) && c !== roles.label && c !== roles.group);
  } else {
    roles.features = roles.features.filter((c) => c !== roles.label && c !== roles.group);
  }
  return buildDataset(table, roles).dataset;
}

function models(args: ParsedArgs): ModelKind[] {
  const m = listOption(args, 'models') ?? listOption(args, 'model') ?? ['m1'];
  for (const x of m) if (!MODEL_KINDS.includes(x as ModelKind)) throw new UsageError(`--models: unknown model "${x}" (use m1, m2, m3, m4)`);
  return m as ModelKind[];
}

/** --only-folds 1,3: 1-based fold numbers to run (a quick look), or undefined for all. */
function onlyFolds(args: ParsedArgs): number[] | undefined {
  const v = numberListOption(args, 'only-folds', []);
  if (v.length === 0) return undefined;
  for (const x of v) if (!(Number.isInteger(x) && x >= 1)) throw new UsageError(`--only-folds: fold numbers start at 1, got ${x}`);
  return v.map((x) => x - 1);
}

function overrides(args: ParsedArgs): Partial<TrainSettings> {
  const o: Partial<TrainSettings> = {};
  const pos = (v: number) => Number.isFinite(v) && v > 0;
  if (args.options.has('epochs')) o.epochs = numberOption(args, 'epochs', 0, (v) => Number.isInteger(v) && v > 0);
  const w = args.options.has('width-scale') ? 'width-scale' : args.options.has('width') ? 'width' : null;
  if (w) o.widthScale = numberOption(args, w, 1, pos);
  if (args.options.has('batch-size')) o.batchSize = numberOption(args, 'batch-size', 64, (v) => Number.isInteger(v) && v > 0);
  if (args.options.has('seed')) o.seed = numberOption(args, 'seed', 1, Number.isInteger);
  if (args.options.has('lambda')) o.lambda = numberOption(args, 'lambda', 1, (v) => v >= 0);
  const rl = args.options.get('recon-loss');
  if (rl !== undefined) {
    if (rl !== 'sum' && rl !== 'mean') throw new UsageError('--recon-loss: use sum or mean');
    o.reconLoss = rl;
  }
  const clip = args.options.get('clip-norm');
  if (clip !== undefined) o.clipNorm = clip === 'none' ? null : numberOption(args, 'clip-norm', 100, pos);
  return o;
}

function common(args: ParsedArgs) {
  const seed = numberOption(args, 'seed', 0, Number.isInteger);
  return {
    seed,
    overrides: overrides(args),
    svm: { folds: numberOption(args, 'svm-folds', 3, (v) => Number.isInteger(v) && v >= 2) },
    fidNet: { epochs: numberOption(args, 'fid-epochs', 30, (v) => Number.isInteger(v) && v > 0) },
    detector: !args.flags.has('no-detector'),
    knn: !args.flags.has('no-knn'),
  };
}

function need(args: ParsedArgs, ...keys: string[]): string {
  for (const k of keys) {
    const v = args.options.get(k);
    if (v) return v;
  }
  throw new UsageError(`missing --${keys[0]} FILE.csv`);
}

/** Which command the arguments name (a command word, or --protocol). */
export function commandOf(args: ParsedArgs): string {
  if (args.command) return args.command;
  const p = args.options.get('protocol');
  if (p === 'logo' || p === 'cv') return 'cv';
  if (p === 'cross') return 'cross';
  if (p === 'lowres') return 'lowres';
  if (p === 'lambda') return 'lambda';
  if (p) throw new UsageError(`--protocol: unknown protocol "${p}" (use logo, cross, lowres or lambda)`);
  throw new UsageError('no command given (evaluate, cv, lambda, cross or lowres)');
}

export async function runCommand(args: ParsedArgs, ctl: StudyControl = {}, log: (line: string) => void = () => {}): Promise<CommandResult> {
  const cmd = commandOf(args);
  const c = common(args);
  switch (cmd) {
    case 'evaluate':
      return evaluate(args, c, ctl);
    case 'cv': {
      const ds = loadDataset(need(args, 'data', 'csv'), args);
      const f = args.options.get('folds') ?? '5';
      const folds = f === 'logo' ? 'logo' : numberOption(args, 'folds', 5, (v) => Number.isInteger(v) && v >= 2);
      const r = await crossValidation(ds, {
        ...c,
        ...ctl,
        models: models(args),
        folds,
        onlyFolds: onlyFolds(args),
        nSynthetic: numberOption(args, 'n-synth', 6000, (v) => Number.isInteger(v) && v > 0),
        onFold: (f) => log(foldLine(f)),
      });
      return { markdown: tableToMarkdown(r.table), json: { ...r } };
    }
    case 'lambda': {
      const ds = loadDataset(need(args, 'data', 'csv'), args);
      const f = args.options.get('folds') ?? '5';
      const folds = f === 'logo' ? 'logo' : numberOption(args, 'folds', 5, (v) => Number.isInteger(v) && v >= 2);
      const ms = listOption(args, 'models') || listOption(args, 'model') ? models(args) : (['m3', 'm4'] as ModelKind[]);
      const lambdas = numberListOption(args, 'lambdas', [...DEFAULT_LAMBDAS]);
      try {
        checkLambdaRequest(ms, lambdas);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const r = await lambdaStudy(ds, {
        ...c,
        ...ctl,
        models: ms,
        lambdas,
        folds,
        onlyFolds: onlyFolds(args),
        nSynthetic: numberOption(args, 'n-synth', 6000, (v) => Number.isInteger(v) && v > 0),
        onFold: (f) => log(foldLine(f)),
      });
      return { markdown: tableToMarkdown(r.table), json: { ...r } };
    }
    case 'cross': {
      const a = loadDataset(need(args, 'a', 'csv'), args);
      const b = loadDataset(need(args, 'b', 'csv-b'), args);
      const r = await crossCorpus(a, b, {
        ...c,
        ...ctl,
        models: models(args),
        nSynthetic: numberOption(args, 'n-synth', 6000, (v) => Number.isInteger(v) && v > 0),
        normalisation: args.flags.has('normalise-b-with-a') ? 'a' : 'own',
      });
      return { markdown: tableToMarkdown(r.table), json: { ...r } };
    }
    case 'lowres': {
      const a = loadDataset(need(args, 'a', 'csv'), args);
      const b = loadDataset(need(args, 'b', 'csv-b'), args);
      const grid = args.options.get('grid') ?? 'all';
      if (grid !== 'all' && grid !== 'paper') throw new UsageError('--grid: use all or paper');
      const r = await lowResource(a, b, {
        seed: c.seed,
        overrides: c.overrides,
        ...ctl,
        models: models(args),
        percents: numberListOption(args, 'percents', [...LOW_RESOURCE_DEFAULTS.percents]),
        nSynthetic: numberListOption(args, 'n-synth', [...LOW_RESOURCE_DEFAULTS.nSynthetic]),
        grid,
        repeats: numberOption(args, 'repeats', 1, (v) => Number.isInteger(v) && v >= 1),
        normalisation: args.flags.has('normalise-b-with-a') ? 'a' : 'own',
        classifier: { epochs: numberOption(args, 'clf-epochs', 30, (v) => Number.isInteger(v) && v > 0) },
      });
      return { markdown: lowResourceMarkdown(r), json: { ...r } };
    }
    default:
      throw new UsageError(`unknown command "${cmd}" (use evaluate, cv, lambda, cross or lowres)`);
  }
}

/** Metric 1/2 and FID of a synthetic CSV against a real CSV (both in raw units; z-scored with the real rows' statistics). */
async function evaluate(args: ParsedArgs, c: ReturnType<typeof common>, ctl: StudyControl): Promise<CommandResult> {
  const t0 = performance.now();
  const realRaw = loadDataset(need(args, 'real', 'csv'), args);
  const synthRaw = alignCorpora(realRaw, loadDataset(need(args, 'synthetic'), args, { noGroup: true }));
  const heldFile = args.options.get('real-b');
  const heldRaw = heldFile ? alignCorpora(realRaw, loadDataset(heldFile, args)) : undefined;
  const st = fitStandardisation(realRaw);
  const set1 = standardiseDataset(realRaw, st);
  const synthetic = standardiseDataset(synthRaw, st);
  const set2 = heldRaw ? standardiseDataset(heldRaw, st) : undefined;
  const report = (stage: string, fraction: number) => ctl.onProgress?.({ stage, fold: 0, folds: 0, model: null, fraction });
  report('Metric 1 and 2', 0);
  const m = await ganMetrics({ set1, set2, synthetic }, { ...c.svm, seed: c.seed, isCancelled: ctl.isCancelled });
  report('FID network', 0.7);
  const net = await trainFidNet(set1, { seed: c.seed, ...c.fidNet, isCancelled: ctl.isCancelled });
  const fidValue = fid(set1, synthetic, net);
  const fidRR = fidRealVsReal(set1, net, c.seed);
  const extras = syntheticExtras(c, set1.features, synthetic.features, set1.d, net.extract(set1.features), net.extract(synthetic.features), net.outputDim, c.seed);
  const spread = spreadAndSeparation(set1, synthetic, set1.classNames.length);
  report('done', 1);
  const col = (v: number) => [[v]];
  const rows = [
    tableRow('Metric 1, real set-1', 'uar', col(m.trtsSet1.uar)),
    tableRow('Metric 2, real set-1', 'uar', col(m.tstrSet1.uar)),
    ...(m.trtsSet2 && m.tstrSet2
      ? [tableRow('Metric 1, real set-2', 'uar', col(m.trtsSet2.uar)), tableRow('Metric 2, real set-2', 'uar', col(m.tstrSet2.uar))]
      : []),
    tableRow('FID', 'fid', col(fidValue)),
    ...(extras.detector ? [tableRow('Detector AUC (0.5 = indistinguishable)', 'fid', col(extras.detector.auc))] : []),
    ...(extras.knn ? [tableRow('k-NN precision', 'fid', col(extras.knn.precision)), tableRow('k-NN recall', 'fid', col(extras.knn.recall))] : []),
    tableRow('Intra-class spread (synthetic / real)', 'fid', col(spread.spreadRatio)),
    tableRow('Inter-class separation', 'fid', col(spread.separation)),
  ];
  const notes = [
    `chance ${(100 * m.trtsSet1.chance).toFixed(2)} %; FID real vs real (two halves of the real rows) ${fidRR.toFixed(2)}`,
    ...(m.baseline ? [`real -> real baseline (SVM fitted on set-1, scored on set-2): ${(100 * m.baseline.uar).toFixed(2)} %`] : []),
    `inter-class separation of the real rows: ${spread.separationReal.toFixed(2)}. ${SPREAD_SEPARATION_NOTE}`,
  ];
  const table = { title: `Evaluation (${synthRaw.name} vs ${realRaw.name})`, columns: ['synthetic'], rows, notes };
  return {
    markdown: tableToMarkdown(table),
    json: {
      protocol: 'evaluate',
      real: { name: realRaw.name, n: realRaw.n, d: realRaw.d, classNames: realRaw.classNames },
      synthetic: { name: synthRaw.name, n: synthRaw.n },
      metric1Set1: summariseMetric(m.trtsSet1),
      metric2Set1: summariseMetric(m.tstrSet1),
      metric1Set2: m.trtsSet2 ? summariseMetric(m.trtsSet2) : null,
      metric2Set2: m.tstrSet2 ? summariseMetric(m.tstrSet2) : null,
      baseline: m.baseline ? summariseMetric(m.baseline) : null,
      fid: fidValue,
      fidRealVsReal: fidRR,
      ...extras,
      spread,
      table,
      ms: performance.now() - t0,
    },
  };
}

/** One line per finished fold: baseline and each model's Metric 1/2 (set-1, set-2) and FID. */
export function foldLine(f: FoldResult): string {
  const pc = (m: { uar: number } | null) => (m ? (100 * m.uar).toFixed(1) : 'n/a');
  const models = f.models.map((m) =>
    m.diverged
      ? `${m.label} diverged`
      : `${m.label}: Metric 1 set-1/set-2 ${pc(m.metric1Set1)}/${pc(m.metric1Set2)}, Metric 2 ${pc(m.metric2Set1)}/${pc(m.metric2Set2)}, FID ${m.fid.toFixed(2)}, spread ${m.spread?.spreadRatio.toFixed(2) ?? 'n/a'}, separation ${m.spread?.separation.toFixed(2) ?? 'n/a'}`,
  );
  return `fold ${f.fold + 1} (held out: ${f.testGroups.join(', ') || `${f.testRows} rows`}): baseline ${pc(f.baseline)}; ${models.join('; ')}`;
}

/** A progress printer that writes a line when the stage changes or every 10 %. */
export function progressPrinter(write: (line: string) => void): (p: StudyProgress) => void {
  let last = '';
  let lastFrac = -1;
  return (p) => {
    const where = p.folds > 0 ? `[fold ${p.fold}/${p.folds}] ` : '';
    const line = `${where}${p.stage}`;
    if (line !== last || p.fraction - lastFrac >= 0.1 || p.fraction === 1) {
      write(`${(100 * p.fraction).toFixed(0).padStart(3)} % ${line}`);
      last = line;
      lastFrac = p.fraction;
    }
  };
}
