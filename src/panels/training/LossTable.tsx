/** Per-epoch losses, train and validation, with a sparkline per loss (the Plotly curves are #5). */
import type { EpochLosses } from '../../api';
import { Sparkline } from './Sparkline';

export const LOSS_NAME: Record<string, string> = {
  recon: 'reconstruction (step 1, per element)',
  d1: 'D1 (step 2)',
  enc_adv: 'encoder vs D1 (step 3)',
  d2: 'D2 (step 4)',
  gen: 'generator vs D2 (step 5)',
  aux: 'AUX cross-entropy (infoGAN)',
};

const f = (v: number | undefined) => (v === undefined ? '' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));

export function LossTable({ history, lossKeys }: { history: EpochLosses[]; lossKeys: string[] }) {
  const keys = lossKeys.length ? lossKeys : Object.keys(history[0].train);
  const last = history[history.length - 1];
  return (
    <table className="losses" data-testid="loss-table">
      <thead>
        <tr>
          <th>loss (epoch {last.epoch})</th>
          <th className="num">train</th>
          <th className="num">validation</th>
          <th>per epoch</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr key={k} data-loss={k}>
            <td>{LOSS_NAME[k] ?? k}</td>
            <td className="num">{f(last.train[k])}</td>
            <td className="num">{f(last.val?.[k])}</td>
            <td>
              <Sparkline train={history.map((h) => h.train[k])} val={history.map((h) => h.val?.[k] ?? null)} />
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={4} className="small muted">
            {history.length} epoch{history.length === 1 ? '' : 's'}, last took {(last.ms / 1000).toFixed(1)} s. Solid: train; dashed: validation.
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
