import { useEffect, useRef } from 'react';
import type { ConsoleSection } from './sections';

/**
 * [UI11] The list of console shortcuts, in a modal <dialog>: the browser traps focus in it, Escape
 * closes it, and focus returns to where it was.
 */
export function ShortcutHelp({ open, onClose, sections }: { open: boolean; onClose: () => void; sections: readonly ConsoleSection[] }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog ref={ref} className="console-help" aria-labelledby="console-help-h" onClose={onClose} data-testid="shortcut-help">
      <h2 id="console-help-h">Keyboard shortcuts</h2>
      <p className="muted small">Shortcuts do nothing while you type in a field.</p>
      <table className="console-help-table">
        <thead>
          <tr>
            <th scope="col">Go to</th>
            <th scope="col">Keys</th>
          </tr>
        </thead>
        <tbody>
          {sections.map((s, i) => (
            <tr key={s.id}>
              <th scope="row">{s.label}</th>
              <td>
                <kbd>g</kbd> then <kbd>{s.key}</kbd>, or <kbd>Alt</kbd>+<kbd>{i + 1}</kbd>
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">This list</th>
            <td>
              <kbd>?</kbd>
            </td>
          </tr>
        </tbody>
      </table>
      <form method="dialog" className="row end">
        <button type="submit" className="btn btn-primary" data-testid="shortcut-help-close">
          Close
        </button>
      </form>
    </dialog>
  );
}
