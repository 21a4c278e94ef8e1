/**
 * [UI11] The console's keyboard shortcuts, as a pure reading of one key press: "g" then a section's
 * letter, Alt+1..9 for the nth section, "?" for the list. Modifier keys other than Alt (and Shift
 * for "?") leave the key to the browser; the caller has already skipped keys typed into fields.
 */

export interface ShortcutTarget {
  id: string;
  /** The letter after "g". */
  key: string;
}

export type ShortcutAction = { kind: 'section'; id: string } | { kind: 'help' } | null;

export interface KeyPress {
  key: string;
  /** KeyboardEvent.code: Alt+digit types other characters on some layouts (macOS), the code does not change. */
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** How long "g" waits for its letter. */
export const PREFIX_MS = 1500;

/**
 * `gAt` is when "g" was pressed (null: not pending); returns the action, and the new `gAt`.
 */
export function readShortcut(
  e: KeyPress,
  gAt: number | null,
  now: number,
  sections: readonly ShortcutTarget[],
): { action: ShortcutAction; gAt: number | null } {
  if (e.ctrlKey || e.metaKey) return { action: null, gAt: null };
  if (e.altKey) {
    const digit = /^Digit([1-9])$/.exec(e.code);
    const target = digit ? sections[Number(digit[1]) - 1] : undefined;
    return { action: target ? { kind: 'section', id: target.id } : null, gAt: null };
  }
  if (e.key === '?') return { action: { kind: 'help' }, gAt: null };
  const key = e.key.toLowerCase();
  if (gAt !== null && now - gAt <= PREFIX_MS) {
    const target = sections.find((s) => s.key === key);
    if (target) return { action: { kind: 'section', id: target.id }, gAt: null };
  }
  return { action: null, gAt: key === 'g' ? now : null };
}
