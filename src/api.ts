/**
 * The typed protocol between the UI and the compute worker. Plain data only: numbers,
 * strings, typed arrays (transferred). Tensors never cross this line.
 */
import type { BackendName, BackendReport } from './compute/backend';
import type { ParsedTable } from './compute/data/parseCsv';
import type { ColumnRoles, DatasetSummary } from './compute/data/columnRoles';
import type { Dataset } from './compute/data/dataset';
import type { TableErrorInfo } from './compute/data/tableError';
import type { TrainSettings, StepKey, StepOptimizerSettings } from './compute/train/settings';
import type { SessionInfo, TrainEvent } from './compute/train/trainingSession';
import type { EpochLosses } from './compute/train/trainer';
import type { RunEvaluation } from './compute/eval/evaluateRun';
import type { ResultTable, StudyProgress } from './compute/studies/common';
import type { LambdaMeasure } from './compute/studies/lambdaStudy';
import type { ModelKind } from './compute/models/sizes';
export type { ModelKind };
import type { LowResourceLine } from './compute/studies/lowResource';
import type { EmbedSource, JointSample } from './compute/embed/subsample';
import type { TsneFrame } from './compute/embed/tsne';

export type { BackendName, BackendReport, ParsedTable, ColumnRoles, DatasetSummary, Dataset, TableErrorInfo };
export type { EmbedSource, TsneFrame };

export type StudyKind = 'cross-validation' | 'cross-corpus' | 'low-resource' | 'lambda';

export interface StudyRequest {
  kind: StudyKind;
  models: ModelKind[];
  /** Applied to every model's paper defaults (epochs, width scale, batch size, seed). */
  overrides: Partial<TrainSettings>;
  nSynthetic: number;
  /** Cross-validation: 'logo' = one fold per group, or groups merged into this many folds. */
  folds: number | 'logo';
  /** Cross-validation: run only the first fold (a quick look). */
  firstFoldOnly: boolean;
  seed: number;
  /** λ study: the weights of the mutual-information term to sweep (models: M3, M4). */
  lambdas?: number[];
}

/** What every study shows: the paper-layout table, and for low-resource Fig. 6's lines. */
export interface StudyOutcome {
  kind: StudyKind;
  table: ResultTable | null;
  lines: { byN: LowResourceLine[]; byModel: LowResourceLine[]; chance: number } | null;
  /** λ study: each measure against λ, one line per model. */
  lambda?: { lambdas: number[]; measures: LambdaMeasure[] } | null;
  ms: number;
}
export type { ToyFrame, ToyLabOptions } from './compute/toy/toyLab';

export interface ToyUpdate {
  frame: import('./compute/toy/toyLab').ToyFrame;
  playing: boolean;
  /** Training steps (of both models) per second since the last update. */
  updatesPerSecond: number;
  backend: string;
}

/** The toy lab's worker. */
export interface ToyApi {
  start(opts: import('./compute/toy/toyLab').ToyLabOptions, onUpdate: (u: ToyUpdate) => void): Promise<void>;
  play(): void;
  pause(): void;
  step(n: number): void;
  /** Training steps per loop turn. */
  setSpeed(stepsPerTick: number): void;
  setLearningRate(lr: number): void;
}
export type TsnePoints = Omit<JointSample, 'features'>;

/** 'fast-tsne': our t-SNE (sparse P, Barnes-Hut or tensor gradient); 'tsne-js': the exact reference; 'umap': umap-js. */
export type EmbedMethod = 'fast-tsne' | 'tsne-js' | 'umap';

export interface TsneRunOptions {
  /** Most points embedded (a stratified subsample above it). */
  cap: number;
  perplexity: number;
  /** Gradient steps (t-SNE) or epochs (UMAP). */
  iterations: number;
  seed: number;
  /** Default 'fast-tsne'. */
  method?: EmbedMethod;
}

/** What the t-SNE worker measured about its own speed (sets the panel's default cap). */
export interface TsneProbe {
  /** 'webgpu' / 'webgl' when a hardware GPU backend passed its self-test, else 'plain TS'. */
  backend: string;
  /** How the fast t-SNE computes its gradient there, in words. */
  engine: string;
  /** Measured milliseconds per iteration at each probed size. */
  msPerIteration: { n: number; ms: number }[];
  /** Most points whose 1000 iterations are predicted to take at most 20 s. */
  suggestedCap: number;
}

/** The t-SNE worker (its own thread, beside the compute worker). */
export interface TsneApi {
  probe(): Promise<TsneProbe>;
  run(
    sources: EmbedSource[],
    opts: TsneRunOptions,
    onPoints: (p: TsnePoints) => void,
    onFrame: (f: TsneFrame) => void,
  ): Promise<{ cancelled: boolean; iteration: number; kl: number; ms: number; engine: string }>;
  cancel(): void;
}

export type { TrainSettings, StepKey, StepOptimizerSettings, SessionInfo, TrainEvent, EpochLosses, RunEvaluation, StudyProgress };

export type TrainCommand = 'pause' | 'resume' | 'step' | 'stop';

/** Training events plus the notebook's word on each checkpoint. */
export type TrainWorkerEvent = TrainEvent | { type: 'saved'; epoch: number; error: string | null };

/** Synthetic rows in the input's units, labelled, with the names needed to write a CSV. */
export interface GeneratedRows {
  features: Float32Array;
  labels: Int32Array;
  n: number;
  d: number;
  featureNames: string[];
  classNames: string[];
  /** The same rows as a CSV file (header = feature names + label), made in the worker. */
  csv: Blob;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: TableErrorInfo };

export interface InitOptions {
  forced: BackendName | null;
  exclude: { name: BackendName; reason: string }[];
}

/** Things the worker tells the UI without being asked (e.g. the GPU device was lost). */
export type WorkerEvent = { type: 'device-lost'; backend: BackendName; message: string };

export interface ComputeApi {
  init(opts: InitOptions, onEvent: (e: WorkerEvent) => void): Promise<BackendReport>;
  /** Stream-parse a CSV/TSV file; `id` lets cancelParse stop it between chunks. */
  parseTable(id: string, file: File, onProgress: (fraction: number, rows: number) => void): Promise<Result<ParsedTable>>;
  cancelParse(id: string): void;
  /**
   * Build a dataset from table `id` under `roles`. The worker keeps each table it parsed; after
   * a worker restart it has none, answers `{ missing: true }`, and the UI sends its copy once.
   */
  buildDataset(id: string, roles: ColumnRoles, table?: ParsedTable): Promise<Result<{ dataset: Dataset; summary: DatasetSummary }> | { missing: true }>;
  dropTable(id: string): void;
  /**
   * Start a new run on `dataset` (the previous run, if any, is disposed). With `runId` (a run
   * record already in the notebook) the worker saves a checkpoint after every epoch.
   */
  trainStart(dataset: Dataset, settings: TrainSettings, onEvent: (e: TrainWorkerEvent) => void, runId: string | null): Promise<Result<SessionInfo>>;
  /** Reopen a stored run, paused at its latest checkpoint, on the same dataset. */
  trainOpen(runId: string, dataset: Dataset, onEvent: (e: TrainWorkerEvent) => void): Promise<Result<SessionInfo & { epoch: number }>>;
  /** Store a parsed table in the notebook (the worker holds it; no copy through the page). */
  persistTable(id: string, fileName: string, roles: ColumnRoles): Promise<Result<null>>;
  trainControl(cmd: TrainCommand): Promise<void>;
  /** Only while paused; used from the next mini-batch. */
  trainSetLearningRates(update: Partial<Record<StepKey, Partial<StepOptimizerSettings>>>): Promise<Result<TrainSettings>>;
  /** With `runId`, the rows are also kept in the notebook with that run. */
  generate(n: number, seed: number, runId: string | null): Promise<Result<GeneratedRows>>;
  /** The current run's codes of n rows (input units): Fig. 5's comparison of other models' samples. */
  encodeRows(features: Float32Array, n: number): Promise<Result<{ xy: Float32Array; codeDim: number }>>;
  /** Free space: every checkpoint except `keepRunId`'s latest. Returns how many were deleted. */
  deleteOldCheckpoints(keepRunId: string | null): Promise<number>;
  /** The paper's metrics for the current run: N fresh synthetic rows vs its set-1 / set-2. */
  evaluateRun(nSynthetic: number, seed: number, onProgress: (p: StudyProgress) => void): Promise<Result<RunEvaluation>>;
  /** A protocol of the paper on corpus A (and B for cross-corpus / low-resource). */
  runStudy(req: StudyRequest, a: Dataset, b: Dataset | null, onProgress: (p: StudyProgress) => void): Promise<Result<StudyOutcome>>;
  /** Cancel the evaluation or study in progress (between its stages). */
  cancelStudy(): void;
  memory(): { numTensors: number; numBytes: number; backend: string };
  /** Diagnostics: make the worker fail as a lost GPU or a crash would, to exercise recovery. */
  simulateCrash(): void;
}
