import { describe, expect, it } from 'vitest';
import { Id } from '@rally/shared';
import { newId } from './ids.js';

describe('ids', () => {
  it('[ID9] ids are valid protocol ids, unique, and sort in the order they were made, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    for (const id of ids.slice(0, 50)) expect(Id.safeParse(id).success).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
