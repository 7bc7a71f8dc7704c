/** One numeric setting with its paper value (or "ours") beside it. */
import { useEffect, useState } from 'react';

export function NumberField(props: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  paper: string;
  /** Differs from the paper's value: marked so the user knows the run is not the paper's. */
  deviates?: boolean;
  step?: number;
  min?: number;
  testId?: string;
  disabled?: boolean;
}) {
  const [text, setText] = useState(String(props.value));
  useEffect(() => setText(String(props.value)), [props.value]);
  const commit = () => {
    const v = Number(text);
    if (Number.isFinite(v) && (props.min === undefined || v >= props.min)) props.onChange(v);
    else setText(String(props.value));
  };
  return (
    <label className="setting">
      <span>
        {props.label} {props.deviates && <span className="deviates" title="differs from the paper">not the paper's</span>}
      </span>
      <input
        type="number"
        value={text}
        step={props.step ?? 'any'}
        min={props.min}
        data-testid={props.testId}
        disabled={props.disabled}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      <span className="paper-value">{props.paper}</span>
    </label>
  );
}
