/**
 * Fig. 4 in one call: stratified subsample of real + synthetic sources into one table, then
 * one t-SNE of that table (never one fit per source). What the worker exposes to the panel.
 */
import { jointSubsample, type EmbedSource, type JointSample, type JointSubsampleOptions } from './subsample';
import { runTsne, type RunTsneControl, type TsneOptions, type TsneResult } from './tsne';

export type JointTsneOptions = TsneOptions & JointSubsampleOptions;

export interface JointTsneResult {
  /** Who each layout point is (source, class, row); `features` dropped to keep messages small. */
  points: Omit<JointSample, 'features'>;
  tsne: TsneResult;
}

export async function jointTsne(
  sources: readonly EmbedSource[],
  opts: JointTsneOptions = {},
  control: RunTsneControl = {},
): Promise<JointTsneResult> {
  const sample = jointSubsample(sources, opts);
  const tsne = await runTsne(sample.features, sample.n, sample.d, opts, control);
  const { features: _features, ...points } = sample;
  void _features;
  return { points, tsne };
}
