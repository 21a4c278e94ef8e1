import { describe, expect, it } from 'vitest';
import { ErrorCode, JoinRequest } from '@rally/shared';
import { ApiError } from '../../lib/api';
import { codeProblem } from '../../lib/joinCode';
import { fatalMessage, joinErrorMessage, keyJoinErrorMessage, linkProblem, lookupErrorMessage, looksLikeValidation } from './messages';

const CODE = 'QQQQQQ';
const GOOD_KEY = 'Oee3o8Opc9pPoJ9Y_SX9DA';
const err = (code: ErrorCode, message: string) => new ApiError(code, message, 400);

/** What the server says when its schema refuses a join (server/src/http/validate.ts). */
function zodMessage(body: unknown): string {
  const r = JoinRequest.safeParse(body);
  if (r.success) throw new Error('expected the schema to refuse the body');
  const issue = r.error.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}

/** [UI1] One sentence, what is wrong then what to do, in words a person uses. */
function expectPlainSentence(message: string) {
  expect(message).toMatch(/^[A-Z“]/);
  expect(message).toMatch(/[.!?]$/);
  // Exactly one sentence: no sentence end before the last character.
  expect(message.slice(0, -1)).not.toMatch(/[.!?](\s|$)/);
  expect(message, 'says what to do').toMatch(/: /);
  expect(looksLikeValidation(message)).toBe(false);
}

describe('messages on the way into an event', () => {
  it('[UI1] a schema’s wording is recognised and never passed on', () => {
    const raw = zodMessage({ code: CODE, name: 'Mo', key: 'abc' });
    expect(looksLikeValidation(raw)).toBe(true);
    expect(looksLikeValidation('Key: Too small: expected string to have >=10 characters.')).toBe(true);
    // The server's human sentences are not mistaken for validation text.
    expect(looksLikeValidation('unknown team "Mars"; pick one of: EMEA, APAC')).toBe(false);
    expect(looksLikeValidation('too many wrong room codes from this network, try again in 40 seconds')).toBe(false);

    for (const e of [err('BAD_REQUEST', raw), err('INTERNAL', 'something went wrong on our side; nothing was changed'), null]) {
      const shown = [joinErrorMessage(e, CODE), keyJoinErrorMessage(e, CODE, 'moderator'), lookupErrorMessage(e, CODE)];
      for (const m of shown) {
        expect(m).not.toContain(raw);
        expectPlainSentence(m);
      }
    }
  });

  it('[UI2] an organiser link cut short or mangled is named before anything is sent', () => {
    expect(linkProblem(CODE, GOOD_KEY, 'moderator')).toBeNull();
    for (const key of [null, 'abc', 'x'.repeat(101)]) {
      const m = linkProblem(CODE, key, 'moderator')!;
      expectPlainSentence(m);
      expect(m).toMatch(/moderator link is incomplete/);
      expect(m).toMatch(/whole link/);
    }
    const broken = linkProblem('AB', GOOD_KEY, 'stage screen')!;
    expectPlainSentence(broken);
    expect(broken).toMatch(/stage screen link is broken/);
    // Whatever the server would still refuse about the link reads the same way.
    expect(keyJoinErrorMessage(err('BAD_REQUEST', zodMessage({ code: CODE, name: 'Mo', key: 'abc' })), CODE, 'moderator')).toBe(linkProblem(CODE, 'abc', 'moderator'));
  });

  it('[UI3] a key the event does not accept sends the person to the organiser, once', () => {
    for (const e of [err('FORBIDDEN', 'this link is not valid any more, ask the organiser for the current one'), err('UNAUTHORIZED', 'this link was replaced by the organiser, ask for the new one')]) {
      const m = keyJoinErrorMessage(e, CODE, 'presenter');
      expectPlainSentence(m);
      expect(m).toMatch(/presenter link does not work/);
      expect(m.match(/organiser/g)).toHaveLength(1);
      expect(m).not.toContain(e.message);
    }
  });

  it('[UI4] a wrong code is named, with where to find the right one', () => {
    for (const m of [lookupErrorMessage(err('NOT_FOUND', `no event has the code ${CODE}`), CODE), joinErrorMessage(err('NOT_FOUND', 'x'), CODE)]) {
      expectPlainSentence(m);
      expect(m).toContain(`“${CODE}”`);
      expect(m).toMatch(/stage screen/);
    }
    const viaLink = keyJoinErrorMessage(err('NOT_FOUND', 'x'), CODE, 'moderator');
    expectPlainSentence(viaLink);
    expect(viaLink).toMatch(/whole link/);
    for (const code of ['7KQ4', '7KQ40O', 'ABCDEFGHIJ']) {
      const m = codeProblem(code)!;
      expectPlainSentence(m);
      expect(m).toContain(`“${code}”`);
      expect(m).toMatch(/stage screen/);
    }
  });

  it('[UI1] a sentence written for the person who sent the request is passed on, as a sentence', () => {
    const m = joinErrorMessage(err('RATE_LIMITED', 'too many joins from this network, try again in 30 seconds'), CODE);
    expect(m).toBe('Too many joins from this network, try again in 30 seconds.');
    expectPlainSentence(lookupErrorMessage(new ApiError('UNAVAILABLE', "Can't reach Rally: check your connection and try again.", 0), CODE));
  });

  it('[UI5] a screen that ends says so in one sentence of its own', () => {
    const banned = fatalMessage({ kind: 'ended', reason: 'banned', message: 'a moderator removed you from this event' }, 'attendee');
    expect(banned).toEqual({ ended: expect.stringMatching(/removed you/) });
    expect(fatalMessage({ kind: 'refused', error: { code: 'BANNED', message: 'a moderator removed you from this event' } }, 'attendee')).toEqual(banned);
    const rotated = fatalMessage({ kind: 'ended', reason: 'keys-rotated', message: 'the organiser replaced this link; ask for the new one' }, 'moderator');
    expect(rotated).toEqual({ notice: expect.stringMatching(/replaced this moderator link/) });
    const expired = fatalMessage({ kind: 'refused', error: { code: 'UNAUTHORIZED', message: 'token expired' } }, 'stage');
    expect(expired).toEqual({ notice: expect.stringMatching(/expired: open your stage screen link/) });
    expect(fatalMessage({ kind: 'refused', error: { code: 'UNAUTHORIZED', message: 'token expired' } }, 'attendee')).toEqual({ notice: expect.stringMatching(/expired: join again/) });
    for (const m of [banned, rotated, expired]) expectPlainSentence(Object.values(m)[0] as string);
  });
});
