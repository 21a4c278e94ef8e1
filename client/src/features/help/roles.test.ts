import { describe, expect, it } from 'vitest';
import { backPath, helpHref, helpRoleFor } from './roles';

describe('help links', () => {
  it('[UI38] each screen opens its role’s guide, decided by the address alone', () => {
    expect(helpRoleFor('/')).toBe('attendee');
    expect(helpRoleFor('/j/ABCDEF')).toBe('attendee');
    expect(helpRoleFor('/e/ABCDEF')).toBe('attendee');
    expect(helpRoleFor('/e/ABCDEF/presenter')).toBe('presenter');
    expect(helpRoleFor('/e/ABCDEF/moderator')).toBe('moderator');
    expect(helpRoleFor('/organiser')).toBe('organiser');
    expect(helpRoleFor('/help/moderator')).toBe('moderator');
    expect(helpRoleFor('/help/nobody')).toBe('attendee');
  });

  it('[UI38] the guide remembers where it was opened from, and only ever leads back into this site', () => {
    expect(helpHref('/e/ABCDEF/moderator')).toBe(`/help/moderator?from=${encodeURIComponent('/e/ABCDEF/moderator')}`);
    expect(helpHref('/help/attendee', '?from=%2Fe%2FX')).toBe('/help/attendee?from=%2Fe%2FX');
    expect(backPath('/e/ABCDEF')).toBe('/e/ABCDEF');
    expect(backPath('/j/ABCDEF?room=1234')).toBe('/j/ABCDEF?room=1234');
    for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', '/help/attendee']) expect(backPath(bad)).toBe('/');
  });
});
