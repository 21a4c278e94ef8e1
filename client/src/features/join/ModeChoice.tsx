import { useId } from 'react';
import type { Mode } from '@rally/shared';

const OPTIONS: { value: Mode; label: string; hint: string }[] = [
  { value: 'room', label: 'In the room', hint: 'I am at the venue' },
  { value: 'remote', label: 'Remote', hint: 'I am watching from elsewhere' },
];

/** Room or remote, as two large radio cards (a native radio group: arrow keys work). */
export function ModeChoice({ value, onChange, error, legend = 'Where are you?' }: { value: Mode | null; onChange: (m: Mode) => void; error?: string | undefined; legend?: string }) {
  const name = useId();
  return (
    <fieldset className="field mode-choice" aria-describedby={error ? `${name}-err` : undefined} data-testid="mode-choice">
      <legend>{legend}</legend>
      <div className="choice-grid">
        {OPTIONS.map((o) => (
          <label key={o.value} className={`choice ${value === o.value ? 'selected' : ''}`}>
            <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} data-testid={`mode-${o.value}`} />
            <span className="choice-label">{o.label}</span>
            <span className="choice-hint">{o.hint}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${name}-err`} className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
