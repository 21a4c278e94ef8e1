import { describe, expect, it } from 'vitest';
import { codeProblem, normalizeCode } from './joinCode';

describe('join code input', () => {
  it('accepts what people type: lower case, spaces, dashes', () => {
    expect(normalizeCode(' 7kq-4mx ')).toBe('7KQ4MX');
    expect(codeProblem(normalizeCode('7kq 4mx'))).toBeNull();
  });

  it('[ID5] explains a wrong length or a character codes never contain', () => {
    expect(codeProblem('')).toMatch(/Enter the join code/);
    expect(codeProblem('7KQ4')).toMatch(/6 characters/);
    expect(codeProblem('7KQ40O')).toMatch(/“0”, “O”/);
  });
});
