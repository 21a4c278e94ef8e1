import { useId, useRef, useState } from 'react';

/** A read-only value with a Copy button; works without the async clipboard API (plain http on a LAN). */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');

  async function copy() {
    let ok = false;
    try {
      await navigator.clipboard.writeText(value);
      ok = true;
    } catch {
      const el = input.current;
      if (el) {
        el.focus();
        el.select();
        try {
          ok = document.execCommand('copy');
        } catch {
          ok = false;
        }
      }
    }
    setStatus(ok ? 'Copied' : 'Select the text and copy it');
    setTimeout(() => setStatus(''), 2500);
  }

  return (
    <div className="copy-field" data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} ref={input} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="btn" onClick={copy} aria-label={`Copy ${label}`}>
          Copy
        </button>
      </div>
      <span className="copy-status" aria-live="polite">
        {status}
      </span>
    </div>
  );
}
