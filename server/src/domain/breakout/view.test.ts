import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BreakoutRound, BreakoutTemplate, roundView, type BreakoutFormat } from '@rally/shared';
import { numbered } from '../../store/breakout-store.js';
import { myBreakout } from './view.js';
import { OPENED_AT as OPENED, testRound } from './test-round.js';

// [BRK90] A teach-back's concepts go out with the rotation: each rotation's teacher gets their own
// concept in their private brief, nobody else gets any, and the audience's view carries none.

const teachBack = (concepts?: string[]): BreakoutFormat => ({
  kind: 'teachBack',
  roles: [
    { id: 'teacher', name: 'Teacher', scores: false, brief: 'Teach your concept.' },
    { id: 'learner', name: 'Learner', scores: true, brief: 'Rate the clarity.' },
  ],
  rotations: 3,
  rubric: [{ id: 'clarity', label: 'Clarity' }],
  ...(concepts ? { concepts } : {}),
});

// The room tests' round (test-round.ts), one room of three, with the format under test.
const round = (format: unknown) =>
  testRound({ id: 'r1', version: 1, title: 'Teach-back', format: format as BreakoutFormat, rooms: [{ id: 'a', name: 'A', topic: '', capacity: 3, facilitatorId: null }] });

const CONCEPTS = ['Multi-threading', 'Mutual action plan', 'Champion test'];
const members = ['ann', 'ben', 'cy'];
const assignments = numbered(new Map(members.map((p) => [p, 'a'])), 1);
const names = new Map(members.map((p) => [p, p.toUpperCase()]));
/** Each member's place `rotation` rotations (5 minutes each) after the opening. */
const placesAt = (r: BreakoutRound, rotation: number) => members.map((p) => myBreakout(r, assignments, names, p, OPENED + rotation * 300_000 + 1_000));

describe('[BRK90] teach-back concepts', () => {
  it("[BRK90] each rotation's teacher gets that rotation's concept in their brief; the learners get none", () => {
    const r = round(teachBack(CONCEPTS));
    for (let rotation = 0; rotation < 3; rotation++) {
      const places = placesAt(r, rotation);
      const teachers = places.filter((p) => p.role?.id === 'teacher');
      expect(teachers).toHaveLength(1);
      expect(teachers[0]!.role!.brief).toContain('Teach your concept.');
      expect(teachers[0]!.role!.brief).toContain(CONCEPTS[rotation]);
      for (const p of places.filter((x) => x.role?.id !== 'teacher')) {
        expect(p.role!.brief).toBe('Rate the clarity.');
        for (const c of CONCEPTS) expect(p.role!.brief).not.toContain(c);
      }
    }
    // With rotations = members, each member teaches once, each a different concept.
    const teacherOf = (rotation: number) => placesAt(r, rotation).findIndex((p) => p.role?.id === 'teacher');
    expect(new Set([0, 1, 2].map(teacherOf)).size).toBe(3);
  });

  it('[BRK90] fewer concepts than rotations repeat in order; any rotation count keeps one concept per teacher', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s.length > 0), { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 9 }), (concepts, rotation) => {
        const r = round({ ...teachBack(concepts), rotations: 10 });
        const places = members.map((p) => myBreakout(r, assignments, names, p, OPENED + rotation * 90_000 + 1_000));
        const teacher = places.find((p) => p.role?.id === 'teacher')!;
        expect(teacher.rotation).toBe(rotation);
        expect(teacher.role!.brief.endsWith(`Your concept: ${concepts[rotation % concepts.length]}`)).toBe(true);
      }),
    );
  });

  it('[BRK90] a round stored without concepts (and any other format) still hands out the plain briefs', () => {
    const r = round(teachBack());
    expect(r.format.kind === 'teachBack' && r.format.concepts).toBeUndefined();
    expect(placesAt(r, 0).map((p) => p.role!.brief).sort()).toEqual(['Rate the clarity.', 'Rate the clarity.', 'Teach your concept.']);
    const rolePlay = round({ ...teachBack(CONCEPTS), kind: 'rolePlay' });
    expect(placesAt(rolePlay, 0).some((p) => p.role!.brief.includes(CONCEPTS[0]!))).toBe(false);
  });

  it('[BRK90] the audience view of the round carries no concepts; staff (and templates) keep them', () => {
    const r = round(teachBack(CONCEPTS));
    expect(r.format.kind === 'teachBack' && r.format.concepts).toEqual(CONCEPTS);
    const view = roundView(r);
    for (const c of CONCEPTS) expect(JSON.stringify(view)).not.toContain(c);
    const { id, eventId, sessionId, status, openedAt, endsAt, closesAt, closedAt, broadcasts, version, rotation, ...draft } = r;
    const tpl = BreakoutTemplate.parse({ id: 't1', eventId, name: 'T', draft, createdAt: new Date(OPENED).toISOString() });
    expect(tpl.draft.format.kind === 'teachBack' && tpl.draft.format.concepts).toEqual(CONCEPTS);
  });

  it('[BRK90] concepts are validated: empty ones and more than the rotations limit are refused', () => {
    expect(BreakoutRound.safeParse({ ...round(teachBack()), format: teachBack(['']) }).success).toBe(false);
    expect(BreakoutRound.safeParse({ ...round(teachBack()), format: teachBack(Array.from({ length: 11 }, (_, i) => `c${i}`)) }).success).toBe(false);
    expect(BreakoutRound.safeParse({ ...round(teachBack()), format: teachBack(['x'.repeat(201)]) }).success).toBe(false);
  });
});
