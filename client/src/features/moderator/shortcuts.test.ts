import { describe, expect, it } from 'vitest';
import { PREFIX_MS, readShortcut, type KeyPress } from './shortcuts';

const SECTIONS = [
  { id: 'live', key: 'l' },
  { id: 'polls', key: 'p' },
  { id: 'qa', key: 'q' },
];
const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, code: '', altKey: false, ctrlKey: false, metaKey: false, ...extra });

describe('console shortcuts', () => {
  it('[UI11] "g" then a section letter goes to that section', () => {
    const g = readShortcut(press('g'), null, 1000, SECTIONS);
    expect(g).toEqual({ action: null, gAt: 1000 });
    expect(readShortcut(press('q'), g.gAt, 1200, SECTIONS)).toEqual({ action: { kind: 'section', id: 'qa' }, gAt: null });
  });

  it('[UI11] a letter alone, a letter too long after "g", or an unknown letter does nothing', () => {
    expect(readShortcut(press('q'), null, 1000, SECTIONS).action).toBeNull();
    expect(readShortcut(press('q'), 1000, 1000 + PREFIX_MS + 1, SECTIONS).action).toBeNull();
    expect(readShortcut(press('x'), 1000, 1100, SECTIONS)).toEqual({ action: null, gAt: null });
  });

  it('[UI11] Alt+digit goes to the nth section by the key code, whatever character the layout types', () => {
    expect(readShortcut(press('¡', { code: 'Digit2', altKey: true }), null, 0, SECTIONS).action).toEqual({ kind: 'section', id: 'polls' });
    expect(readShortcut(press('9', { code: 'Digit9', altKey: true }), null, 0, SECTIONS).action).toBeNull();
  });

  it('[UI11] "?" opens the list; Ctrl and Cmd combinations are the browser\'s', () => {
    expect(readShortcut(press('?'), null, 0, SECTIONS).action).toEqual({ kind: 'help' });
    expect(readShortcut(press('g', { ctrlKey: true }), null, 0, SECTIONS)).toEqual({ action: null, gAt: null });
    expect(readShortcut(press('1', { code: 'Digit1', metaKey: true, altKey: true }), null, 0, SECTIONS).action).toBeNull();
  });
});
