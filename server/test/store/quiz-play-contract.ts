import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mode, QuizAnswerValue } from '@rally/shared';
import type { QuizAnswerRecord, QuizPlayStore, QuizRunRef } from '../../src/store/quiz-play-store.js';

// The rules cited as [QZSTOREn] are in docs/SPEC.md (Store: quizzes).

let seq = 0;
const newRun = (): QuizRunRef => ({ eventId: `ev_qz_${++seq}`, runId: `run_${seq}` });

function answer(overrides: Partial<QuizAnswerRecord> = {}): QuizAnswerRecord {
  const points = overrides.points ?? 0;
  return {
    value: { kind: 'truefalse', value: true },
    points,
    correct: points > 0,
    bonus: 0,
    responseMs: 1234,
    at: new Date(Date.UTC(2026, 0, 20, 9) + ++seq * 1000).toISOString(),
    team: null,
    mode: 'room',
    ...overrides,
  };
}

/** Runs the quiz-play store contract against one adapter; `make` gives a fresh, empty store per test. */
export function quizPlayContract(name: string, make: () => Promise<{ store: QuizPlayStore; cleanup: () => Promise<void> }>) {
  describe(`QuizPlayStore contract: ${name}`, () => {
    let store: QuizPlayStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(() => cleanup());

    /** Records and insists it was applied (test set-up). */
    const play = async (run: QuizRunRef, questionId: string, participantId: string, a: Partial<QuizAnswerRecord>, streakAfter = 0) => {
      const out = await store.recordQuizAnswer(run, questionId, participantId, { streakAfter, answer: answer(a) });
      expect(out.applied).toBe(true);
      return out;
    };

    it('[QZSTORE1] one answer per player per question per run: a second one changes nothing and returns the first, with the current total and streak', async () => {
      const run = newRun();
      const first = answer({ points: 900, value: { kind: 'choice', picks: [2, 0] }, team: 'red', mode: 'remote' });
      const out = await store.recordQuizAnswer(run, 'q1', 'pt_a', { streakAfter: 1, answer: first });
      expect(out).toEqual({ applied: true, answer: first, total: 900, streak: 1, answered: 1 });

      const again = await store.recordQuizAnswer(run, 'q1', 'pt_a', { streakAfter: 7, answer: answer({ points: 50, value: { kind: 'choice', picks: [1] }, team: 'red', mode: 'room' }) });
      expect(again).toEqual({ applied: false, answer: first, total: 900, streak: 1, answered: 1 });
      expect(await store.getQuizPlayer(run, 'pt_a')).toEqual({ total: 900, streak: 1, answers: { q1: first } });
      const stats = await store.quizQuestionStats(run, 'q1');
      expect(stats.answered).toBe(1);
      expect(stats.room).toEqual({ answered: 0, correct: 0 });
      expect(stats.tally.room).toEqual({});
      expect(stats.teams).toEqual([{ team: 'red', points: 900, answered: 1, present: 0, score: 900 }]);
    });

    it('[QZSTORE1] 20 concurrent identical answers (tabs, retries, nodes) are applied exactly once', async () => {
      const run = newRun();
      const a = answer({ points: 750, team: 'blue', mode: 'remote' });
      const outs = await Promise.all(Array.from({ length: 20 }, () => store.recordQuizAnswer(run, 'q1', 'pt_a', { streakAfter: 1, answer: a })));
      expect(outs.filter((o) => o.applied)).toHaveLength(1);
      for (const o of outs) expect(o.answer).toEqual(a);
      for (const o of outs.filter((x) => !x.applied)) expect(o).toMatchObject({ total: 750, streak: 1 });
      expect(await store.getQuizPlayer(run, 'pt_a')).toEqual({ total: 750, streak: 1, answers: { q1: a } });
      expect(await store.quizAnswersCount(run, 'q1')).toBe(1);
      expect(await store.quizPlayerCount(run)).toBe(1);
      expect((await store.quizQuestionStats(run, 'q1')).teams).toEqual([{ team: 'blue', points: 750, answered: 1, present: 0, score: 750 }]);
    });

    it('[QZSTORE1] 20 concurrent different answers to one question: one is kept and every caller is told which', async () => {
      const run = newRun();
      const outs = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.recordQuizAnswer(run, 'q1', 'pt_a', { streakAfter: i % 2, answer: answer({ points: i * 10, value: { kind: 'number', value: i } }) })),
      );
      const winner = outs.find((o) => o.applied)!;
      expect(outs.filter((o) => o.applied)).toHaveLength(1);
      for (const o of outs) expect(o.answer).toEqual(winner.answer);
      expect(await store.getQuizPlayer(run, 'pt_a')).toEqual({ total: winner.answer.points, streak: winner.streak, answers: { q1: winner.answer } });
    });

    it('[QZSTORE2] the total adds each answer’s points and the streak is the one given with the answer, in the same step', async () => {
      const run = newRun();
      expect(await play(run, 'q1', 'pt_a', { points: 1000 }, 1)).toMatchObject({ total: 1000, streak: 1 });
      expect(await play(run, 'q2', 'pt_a', { points: 1100, bonus: 100 }, 2)).toMatchObject({ total: 2100, streak: 2 });
      expect(await play(run, 'q3', 'pt_a', { points: 0 }, 0)).toMatchObject({ total: 2100, streak: 0 });
      const p = await store.getQuizPlayer(run, 'pt_a');
      expect(p.total).toBe(2100);
      expect(p.streak).toBe(0);
      expect(Object.keys(p.answers).sort()).toEqual(['q1', 'q2', 'q3']);
      expect(await store.quizRankOf(run, 'pt_a')).toEqual({ rank: 1, total: 2100, streak: 0, ahead: null });
    });

    it('[QZSTORE3] ranks: higher totals first; equal totals by who reached the total first; ahead is the player just above; top-n in pages', async () => {
      const run = newRun();
      await play(run, 'q1', 'pt_a', { points: 800 });
      await play(run, 'q1', 'pt_b', { points: 800 });
      await play(run, 'q1', 'pt_c', { points: 0 });
      await play(run, 'q1', 'pt_d', { points: 500 });
      expect((await store.quizTop(run, 10)).map((e) => e.participantId)).toEqual(['pt_a', 'pt_b', 'pt_d', 'pt_c']);
      expect(await store.quizRankOf(run, 'pt_a')).toMatchObject({ rank: 1, total: 800, ahead: null });
      expect(await store.quizRankOf(run, 'pt_b')).toMatchObject({ rank: 2, total: 800, ahead: { participantId: 'pt_a', total: 800 } });
      expect(await store.quizRankOf(run, 'pt_d')).toMatchObject({ rank: 3, total: 500, ahead: { participantId: 'pt_b', total: 800 } });
      expect(await store.quizRankOf(run, 'pt_c')).toMatchObject({ rank: 4, total: 0, ahead: { participantId: 'pt_d', total: 500 } });

      // B reaches 1,000 before A does; D scores nothing and keeps the place its 500 earned; E enters with 0, behind C.
      await play(run, 'q2', 'pt_b', { points: 200 });
      await play(run, 'q2', 'pt_a', { points: 200 });
      await play(run, 'q2', 'pt_e', { points: 0 });
      await play(run, 'q2', 'pt_d', { points: 0 });
      await play(run, 'q2', 'pt_c', { points: 0 });
      const top = await store.quizTop(run, 10);
      expect(top).toEqual([
        { participantId: 'pt_b', total: 1000, rank: 1 },
        { participantId: 'pt_a', total: 1000, rank: 2 },
        { participantId: 'pt_d', total: 500, rank: 3 },
        { participantId: 'pt_c', total: 0, rank: 4 },
        { participantId: 'pt_e', total: 0, rank: 5 },
      ]);
      expect(await store.quizTop(run, 2)).toEqual(top.slice(0, 2));
      expect(await store.quizTop(run, 2, 2)).toEqual(top.slice(2, 4));
      expect(await store.quizTop(run, 10, 4)).toEqual(top.slice(4));
      expect(await store.quizTop(run, 10, 5)).toEqual([]);
      expect(await store.quizTop(run, 0)).toEqual([]);
      expect(await store.quizPlayerCount(run)).toBe(5);
      for (const e of top) expect(await store.quizRankOf(run, e.participantId)).toMatchObject({ rank: e.rank, total: e.total, ahead: e.rank === 1 ? null : { participantId: top[e.rank - 2]!.participantId, total: top[e.rank - 2]!.total } });
      expect(await store.quizRankOf(run, 'pt_never')).toBeNull();
      expect(await store.quizTop(newRun(), 3)).toEqual([]);
      expect(await store.quizPlayerCount(newRun())).toBe(0);
    });

    it('[QZSTORE3] 60 players answering concurrently: ranks are 1..n, agree with top-n and order by total', async () => {
      const run = newRun();
      const n = 60;
      const points = (i: number) => (i * 37) % 11 * 100;
      await Promise.all(Array.from({ length: n }, (_, i) => play(run, 'q1', `pt_${i}`, { points: points(i) })));
      await Promise.all(Array.from({ length: n }, (_, i) => play(run, 'q2', `pt_${i}`, { points: points(i + 3) })));
      const top = await store.quizTop(run, n + 10);
      expect(top).toHaveLength(n);
      // Walked in pages, the ranking is the same.
      const pages = [];
      for (let offset = 0; offset < n; offset += 7) pages.push(...(await store.quizTop(run, 7, offset)));
      expect(pages).toEqual(top);
      expect(top.map((e) => e.rank)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      for (let i = 1; i < n; i++) expect(top[i]!.total).toBeLessThanOrEqual(top[i - 1]!.total);
      const ranks = await Promise.all(top.map((e) => store.quizRankOf(run, e.participantId)));
      ranks.forEach((r, i) => {
        expect(r!.rank).toBe(i + 1);
        expect(r!.total).toBe(points(Number(top[i]!.participantId.slice(3))) + points(Number(top[i]!.participantId.slice(3)) + 3));
        expect(r!.ahead).toEqual(i === 0 ? null : { participantId: top[i - 1]!.participantId, total: top[i - 1]!.total });
      });
    });

    it('[QZSTORE26] a reveal page: the ranking as top gives it, each with the player\u2019s streak and their answer to the question (null when none), page by page', async () => {
      const run = newRun();
      const a1 = answer({ points: 800, mode: 'remote', team: 'red' });
      await play(run, 'q1', 'pt_a', a1, 1);
      await play(run, 'q1', 'pt_b', { points: 800 }, 1);
      await play(run, 'q1', 'pt_c', { points: 0 }, 0);
      // D answered q1 only; E enters on q2; A and B answer q2 too.
      await play(run, 'q1', 'pt_d', { points: 500 }, 1);
      const a2 = answer({ points: 300, value: { kind: 'choice', picks: [1] } });
      await play(run, 'q2', 'pt_a', a2, 2);
      await play(run, 'q2', 'pt_e', { points: 900 }, 1);
      await play(run, 'q2', 'pt_b', { points: 0 }, 0);
      const top = await store.quizTop(run, 10);
      const players = await Promise.all(top.map((e) => store.getQuizPlayer(run, e.participantId)));
      for (const q of ['q1', 'q2']) {
        const page = await store.quizQuestionResults(run, q, 10);
        // Exactly what top and each player's own state say.
        expect(page).toEqual(top.map((e, i) => ({ ...e, streak: players[i]!.streak, answer: players[i]!.answers[q] ?? null })));
        // Walked in pages of 2, the same.
        const pages = [];
        for (let offset = 0; offset < top.length; offset += 2) pages.push(...(await store.quizQuestionResults(run, q, 2, offset)));
        expect(pages).toEqual(page);
      }
      const q2 = await store.quizQuestionResults(run, 'q2', 10);
      expect(q2.find((e) => e.participantId === 'pt_a')).toEqual({ participantId: 'pt_a', total: 1100, rank: 1, streak: 2, answer: a2 });
      expect(q2.find((e) => e.participantId === 'pt_d')).toMatchObject({ total: 500, streak: 1, answer: null });
      expect((await store.quizQuestionResults(run, 'q1', 10)).find((e) => e.participantId === 'pt_a')!.answer).toEqual(a1);
      expect(await store.quizQuestionResults(run, 'q1', 10, 5)).toEqual([]);
      expect(await store.quizQuestionResults(run, 'q1', 0)).toEqual([]);
      expect(await store.quizQuestionResults(run, 'q_never', 10)).toEqual(top.map((e, i) => ({ ...e, streak: players[i]!.streak, answer: null })));
      expect(await store.quizQuestionResults(newRun(), 'q1', 10)).toEqual([]);
    });

    it('[PERF26] [QZSTORE26] a reveal walked page by page is the ranking read at once, ties included; a ranking change between two pages is in the next page', async () => {
      const run = newRun();
      // Ties on total are ordered by who reached it first: the walk must neither skip nor repeat one.
      const points = [500, 800, 500, 0, 800, 500, 300, 500, 800, 100, 500];
      for (const [i, p] of points.entries()) await play(run, 'q1', `pt_${String(i).padStart(2, '0')}`, { points: p }, p > 0 ? 1 : 0);
      const whole = await store.quizQuestionResults(run, 'q1', 100);
      expect(whole).toHaveLength(points.length);
      for (const size of [1, 2, 3, 4]) {
        const pages = [];
        for (let offset = 0; offset < points.length; offset += size) pages.push(...(await store.quizQuestionResults(run, 'q1', size, offset)));
        expect(pages).toEqual(whole);
      }
      // Half-way through a walk, a player climbs from the last place to the first: the next page is
      // read from the ranking as it is now (what an offset into it gives), not continued from before.
      const first = await store.quizQuestionResults(run, 'q1', 4, 0);
      const lastOne = whole[whole.length - 1]!.participantId;
      await play(run, 'q2', lastOne, { points: 5000 }, 1);
      const now = await store.quizQuestionResults(run, 'q1', 100);
      expect(now[0]!.participantId).toBe(lastOne);
      expect(await store.quizQuestionResults(run, 'q1', 4, 4)).toEqual(now.slice(4, 8));
      expect(first).toEqual(whole.slice(0, 4));
      // A walk that jumps ahead reads from the offset, whatever the walk before it.
      expect(await store.quizQuestionResults(run, 'q1', 2, 9)).toEqual(now.slice(9, 11));
      expect(await store.quizQuestionResults(run, 'q1', 2, 3)).toEqual(now.slice(3, 5));
    });

    it('[QZSTORE26] after a discard, a reveal page of the earlier question shows each player as the discard left them', async () => {
      const run = newRun();
      await play(run, 'q1', 'pt_a', { points: 600 }, 1);
      await play(run, 'q1', 'pt_b', { points: 400 }, 1);
      await play(run, 'q2', 'pt_b', { points: 900 }, 2);
      await play(run, 'q2', 'pt_c', { points: 100 }, 1);
      await store.discardQuizQuestion(run, 'q2');
      const page = await store.quizQuestionResults(run, 'q1', 10);
      expect(page.map((e) => [e.participantId, e.total, e.rank, e.streak, e.answer?.points])).toEqual([
        ['pt_a', 600, 1, 1, 600],
        ['pt_b', 400, 2, 1, 400],
      ]);
      expect(await store.quizQuestionResults(run, 'q2', 10)).toEqual(page.map((e) => ({ ...e, answer: null })));
    });

    it('[QZSTORE27] each record step returns the question\u2019s answer count right after it: 1..n in some order for n concurrent answers, unchanged by a repeat, 0 once discarded', async () => {
      const run = newRun();
      const n = 30;
      const outs = await Promise.all(Array.from({ length: n }, (_, i) => store.recordQuizAnswer(run, 'q1', `pt_${i}`, { streakAfter: 0, answer: answer({ points: i, mode: i % 2 ? 'room' : 'remote' }) })));
      // Each step counted itself and those before it: every count from 1 to n once, the last one n.
      expect(outs.map((o) => o.answered).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(await store.quizAnswersCount(run, 'q1')).toBe(n);
      const again = await store.recordQuizAnswer(run, 'q1', 'pt_0', { streakAfter: 0, answer: answer({ points: 5 }) });
      expect(again).toMatchObject({ applied: false, answered: n });
      expect((await store.recordQuizAnswer(run, 'q2', 'pt_0', { streakAfter: 0, answer: answer() })).answered).toBe(1);
      await store.discardQuizQuestion(run, 'q2');
      expect(await store.recordQuizAnswer(run, 'q2', 'pt_1', { streakAfter: 0, answer: answer() })).toMatchObject({ applied: false, discarded: true, answered: 0 });
    });

    it('[QZSTORE4] answers counted per question and per cohort, answered and correct', async () => {
      const run = newRun();
      await play(run, 'q1', 'pt_1', { points: 900, mode: 'room' });
      await play(run, 'q1', 'pt_2', { points: 600, mode: 'room' });
      await play(run, 'q1', 'pt_3', { points: 0, mode: 'room' });
      await play(run, 'q1', 'pt_4', { points: 0, mode: 'remote' });
      await play(run, 'q1', 'pt_5', { points: 0, correct: true, mode: 'remote' }); // a ×0 question: right, no points
      await play(run, 'q2', 'pt_1', { points: 0, mode: 'room' });
      expect(await store.quizAnswersCount(run, 'q1')).toBe(5);
      expect(await store.quizAnswersCount(run, 'q2')).toBe(1);
      expect(await store.quizAnswersCount(run, 'q3')).toBe(0);
      const stats = await store.quizQuestionStats(run, 'q1');
      expect(stats.answered).toBe(5);
      expect(stats.room).toEqual({ answered: 3, correct: 2 });
      expect(stats.remote).toEqual({ answered: 2, correct: 1 });
      expect(await store.quizQuestionStats(run, 'q3')).toEqual({ answered: 0, room: { answered: 0, correct: 0 }, remote: { answered: 0, correct: 0 }, tally: { room: {}, remote: {} }, teams: [] });
    });

    it('[QZSTORE5] the reveal tally counts each choice pick and each true-false value per cohort; other kinds are not tallied', async () => {
      const run = newRun();
      const choice = (picks: number[], mode: Mode) => ({ value: { kind: 'choice', picks } as QuizAnswerValue, mode });
      await play(run, 'q1', 'pt_1', choice([0], 'room'));
      await play(run, 'q1', 'pt_2', choice([0, 2], 'room'));
      await play(run, 'q1', 'pt_3', choice([2], 'remote'));
      await play(run, 'q1', 'pt_4', choice([3, 2, 0], 'remote'));
      expect((await store.quizQuestionStats(run, 'q1')).tally).toEqual({ room: { 'opt:0': 2, 'opt:2': 1 }, remote: { 'opt:0': 1, 'opt:2': 2, 'opt:3': 1 } });

      const tf = (value: boolean, mode: Mode) => ({ value: { kind: 'truefalse', value } as QuizAnswerValue, mode });
      await play(run, 'q2', 'pt_1', tf(true, 'room'));
      await play(run, 'q2', 'pt_2', tf(false, 'room'));
      await play(run, 'q2', 'pt_3', tf(false, 'room'));
      await play(run, 'q2', 'pt_4', tf(true, 'remote'));
      expect((await store.quizQuestionStats(run, 'q2')).tally).toEqual({ room: { true: 1, false: 2 }, remote: { true: 1 } });

      await play(run, 'q3', 'pt_1', { value: { kind: 'type', text: 'Salesforce' } });
      await play(run, 'q3', 'pt_2', { value: { kind: 'ordering', order: [2, 0, 1] }, mode: 'remote' });
      const q3 = await store.quizQuestionStats(run, 'q3');
      expect(q3.tally).toEqual({ room: {}, remote: {} });
      expect(q3.answered).toBe(2);
    });

    it('[QZSTORE6] team scores are per capita over the members present at open (or who answered, if more); standings sum them over the questions', async () => {
      const run = newRun();
      // q1: red has 4 present, two score 1000: 2000 / 4. Blue has 2 present, one scores 1000: 1000 / 2. Equal.
      expect(await store.setQuizPresentAtOpen(run, 'q1', { red: 4, blue: 2, green: 3 })).toEqual({ red: 4, blue: 2, green: 3 });
      // The first record wins: a second node's later count changes nothing.
      expect(await store.setQuizPresentAtOpen(run, 'q1', { red: 9 })).toEqual({ red: 4, blue: 2, green: 3 });
      expect(await store.getQuizPresentAtOpen(run, 'q1')).toEqual({ red: 4, blue: 2, green: 3 });
      expect(await store.getQuizPresentAtOpen(run, 'q2')).toBeNull();
      await play(run, 'q1', 'pt_r1', { points: 1000, team: 'red' });
      await play(run, 'q1', 'pt_r2', { points: 1000, team: 'red', mode: 'remote' });
      await play(run, 'q1', 'pt_r3', { points: 0, team: 'red' });
      await play(run, 'q1', 'pt_b1', { points: 1000, team: 'blue' });
      await play(run, 'q1', 'pt_x', { points: 1000, team: null });
      expect((await store.quizQuestionStats(run, 'q1')).teams).toEqual([
        { team: 'blue', points: 1000, answered: 1, present: 2, score: 500 },
        { team: 'green', points: 0, answered: 0, present: 3, score: 0 },
        { team: 'red', points: 2000, answered: 3, present: 4, score: 500 },
      ]);

      // q2: one blue was recorded present, but two blue members answered (one joined after the open).
      await store.setQuizPresentAtOpen(run, 'q2', { red: 4, blue: 1 });
      await play(run, 'q2', 'pt_b1', { points: 800, team: 'blue' });
      await play(run, 'q2', 'pt_b2', { points: 400, team: 'blue' });
      await play(run, 'q2', 'pt_r1', { points: 800, team: 'red' });
      await play(run, 'q2', 'pt_g1', { points: 300, team: 'green' });
      expect((await store.quizQuestionStats(run, 'q2')).teams).toEqual([
        { team: 'blue', points: 1200, answered: 2, present: 1, score: 600 },
        { team: 'green', points: 300, answered: 1, present: 0, score: 300 },
        { team: 'red', points: 800, answered: 1, present: 4, score: 200 },
      ]);
      expect(await store.quizTeamStandings(run)).toEqual([
        { team: 'blue', score: 1100 },
        { team: 'red', score: 700 },
        { team: 'green', score: 300 },
      ]);
      expect(await store.quizTeamStandings(newRun())).toEqual([]);
    });

    it('[QZSTORE6] concurrent answers of a team leave exact sums', async () => {
      const run = newRun();
      await store.setQuizPresentAtOpen(run, 'q1', { room: 30, remote: 10 });
      await Promise.all(Array.from({ length: 40 }, (_, i) => play(run, 'q1', `pt_${i}`, { points: 100 + i, team: i < 30 ? 'room' : 'remote', mode: i < 30 ? 'room' : 'remote' })));
      const sum = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => 100 + from + k).reduce((s, x) => s + x, 0);
      expect((await store.quizQuestionStats(run, 'q1')).teams).toEqual([
        { team: 'remote', points: sum(30, 40), answered: 10, present: 10, score: sum(30, 40) / 10 },
        { team: 'room', points: sum(0, 30), answered: 30, present: 30, score: sum(0, 30) / 30 },
      ]);
    });

    it('[QZSTORE7] a player’s state reads back for resume: total, streak and every answer as recorded; zeros for a player who never answered', async () => {
      const run = newRun();
      const a1 = answer({ points: 1000, value: { kind: 'ordering', order: [1, 0, 2] }, team: 'Sales "EMEA" <b>', mode: 'remote' });
      const a2 = answer({ points: 0, value: { kind: 'type', text: 'Ünïcode – “quotes” 🎉' }, correct: false, responseMs: 0 });
      const a3 = answer({ points: 1570, bonus: 100, value: { kind: 'number', value: -12.5 }, correct: true });
      await store.recordQuizAnswer(run, 'q1', 'pt_a', { streakAfter: 1, answer: a1 });
      await store.recordQuizAnswer(run, 'q2', 'pt_a', { streakAfter: 0, answer: a2 });
      await store.recordQuizAnswer(run, 'q3', 'pt_a', { streakAfter: 1, answer: a3 });
      expect(await store.getQuizPlayer(run, 'pt_a')).toEqual({ total: 2570, streak: 1, answers: { q1: a1, q2: a2, q3: a3 } });
      expect(await store.getQuizPlayer(run, 'pt_b')).toEqual({ total: 0, streak: 0, answers: {} });
    });

    it('[QZSTORE8] runs are independent; deleting a run forgets all of it and nothing of other runs', async () => {
      const run = newRun();
      const other = { eventId: run.eventId, runId: `${run.runId}_again` };
      const otherEvent = { eventId: `${run.eventId}_x`, runId: run.runId };
      for (const r of [run, other, otherEvent]) {
        await store.setQuizPresentAtOpen(r, 'q1', { red: 2 });
        await play(r, 'q1', 'pt_a', { points: 500, team: 'red', value: { kind: 'choice', picks: [1] } });
      }
      await play(run, 'q2', 'pt_b', { points: 700, team: 'red' });
      expect(await store.quizPlayerCount(run)).toBe(2);
      expect(await store.quizPlayerCount(other)).toBe(1);

      await store.deleteQuizRun(run);
      expect(await store.quizPlayerCount(run)).toBe(0);
      expect(await store.quizTop(run, 5)).toEqual([]);
      expect(await store.quizRankOf(run, 'pt_a')).toBeNull();
      expect(await store.getQuizPlayer(run, 'pt_a')).toEqual({ total: 0, streak: 0, answers: {} });
      expect(await store.quizAnswersCount(run, 'q1')).toBe(0);
      expect(await store.getQuizPresentAtOpen(run, 'q1')).toBeNull();
      expect(await store.quizTeamStandings(run)).toEqual([]);
      for (const r of [other, otherEvent]) {
        expect(await store.quizRankOf(r, 'pt_a')).toEqual({ rank: 1, total: 500, streak: 0, ahead: null });
        expect((await store.quizQuestionStats(r, 'q1')).tally.room).toEqual({ 'opt:1': 1 });
        expect(await store.quizTeamStandings(r)).toEqual([{ team: 'red', score: 250 }]);
      }
      // The run can be played again from nothing.
      expect(await play(run, 'q1', 'pt_a', { points: 10 })).toMatchObject({ total: 10 });
    });

    it('[QZSTORE9] a malformed record (points not a whole number ≥ 0, a bad streak, an empty team name, bad presence) is refused and changes nothing', async () => {
      const run = newRun();
      const bad: { streakAfter: number; answer: QuizAnswerRecord }[] = [
        { streakAfter: 0, answer: answer({ points: -5 }) },
        { streakAfter: 0, answer: answer({ points: 10.5 }) },
        { streakAfter: 0, answer: answer({ points: Number.NaN }) },
        { streakAfter: -1, answer: answer({ points: 10 }) },
        { streakAfter: 1.5, answer: answer({ points: 10 }) },
        { streakAfter: 0, answer: answer({ points: 10, team: '' }) },
        { streakAfter: 0, answer: answer({ points: 10, mode: 'moon' as Mode }) },
      ];
      for (const input of bad) await expect(store.recordQuizAnswer(run, 'q1', 'pt_a', input)).rejects.toThrow();
      await expect(store.setQuizPresentAtOpen(run, 'q1', { red: -1 })).rejects.toThrow();
      await expect(store.setQuizPresentAtOpen(run, 'q1', { red: 1.5 })).rejects.toThrow();
      expect(await store.getQuizPlayer(run, 'pt_a')).toEqual({ total: 0, streak: 0, answers: {} });
      expect(await store.quizAnswersCount(run, 'q1')).toBe(0);
      expect(await store.getQuizPresentAtOpen(run, 'q1')).toBeNull();
    });
    /** Everything a reader sees of a run's play: ranking, players, per-question stats and standings. */
    const view = async (run: QuizRunRef, players: string[], questions: string[]) => ({
      top: await store.quizTop(run, 100),
      count: await store.quizPlayerCount(run),
      ranks: await Promise.all(players.map((p) => store.quizRankOf(run, p))),
      players: await Promise.all(players.map((p) => store.getQuizPlayer(run, p))),
      stats: await Promise.all(questions.map((q) => store.quizQuestionStats(run, q))),
      answered: await Promise.all(questions.map((q) => store.quizAnswersCount(run, q))),
      presence: await Promise.all(questions.map((q) => store.getQuizPresentAtOpen(run, q))),
      standings: await store.quizTeamStandings(run),
    });

    it('[QZSTORE23] discarding a question takes back every answer to it: totals, streaks, ranks (tie-break included), counters and team sums are as if it never happened', async () => {
      const run = newRun();
      const people = ['pt_a', 'pt_b', 'pt_c', 'pt_d'];
      await store.setQuizPresentAtOpen(run, 'q1', { red: 2, blue: 1 });
      await play(run, 'q1', 'pt_a', { points: 800, team: 'red' }, 1);
      await play(run, 'q1', 'pt_b', { points: 800, team: 'blue', mode: 'remote' }, 1);
      await play(run, 'q1', 'pt_c', { points: 0, correct: false, team: 'red' }, 0);
      const before = await view(run, people, ['q1', 'q2']);
      expect(before.top.map((e) => e.participantId)).toEqual(['pt_a', 'pt_b', 'pt_c']);

      // q2: B reaches 1,000 first and passes A; D enters the ranking with it alone; C scores nothing.
      await store.setQuizPresentAtOpen(run, 'q2', { red: 3, blue: 1 });
      await play(run, 'q2', 'pt_b', { points: 200, team: 'blue', value: { kind: 'choice', picks: [1] } }, 2);
      await play(run, 'q2', 'pt_a', { points: 200, team: 'red', value: { kind: 'choice', picks: [1] } }, 2);
      await play(run, 'q2', 'pt_d', { points: 500, team: 'red', mode: 'remote' }, 1);
      await play(run, 'q2', 'pt_c', { points: 0, correct: false, team: 'red' }, 0);
      expect((await store.quizTop(run, 10)).map((e) => e.participantId)).toEqual(['pt_b', 'pt_a', 'pt_d', 'pt_c']);

      await store.discardQuizQuestion(run, 'q2');
      const after = await view(run, people, ['q1', 'q2']);
      expect(after).toEqual(before);
      expect(after.ranks[3]).toBeNull();
      expect(after.answered[1]).toBe(0);
      expect(after.players[0]).toMatchObject({ total: 800, streak: 1 });

      // A second discard changes nothing; the question takes no more answers.
      await store.discardQuizQuestion(run, 'q2');
      expect(await view(run, people, ['q1', 'q2'])).toEqual(before);
      const late = await store.recordQuizAnswer(run, 'q2', 'pt_e', { streakAfter: 1, answer: answer({ points: 900, team: 'red' }) });
      expect(late).toMatchObject({ applied: false, discarded: true, total: 0, streak: 0 });
      const lateA = await store.recordQuizAnswer(run, 'q2', 'pt_a', { streakAfter: 2, answer: answer({ points: 900 }) });
      expect(lateA).toMatchObject({ applied: false, discarded: true, total: 800, streak: 1 });
      expect(await view(run, people, ['q1', 'q2'])).toEqual(before);
      expect(await store.quizRankOf(run, 'pt_e')).toBeNull();

      // Play goes on from the restored state: B now reaches 1,000 first again and ranks ahead of A.
      await play(run, 'q3', 'pt_b', { points: 200 }, 2);
      await play(run, 'q3', 'pt_a', { points: 200 }, 2);
      expect(await store.quizTop(run, 10)).toEqual([
        { participantId: 'pt_b', total: 1000, rank: 1 },
        { participantId: 'pt_a', total: 1000, rank: 2 },
        { participantId: 'pt_c', total: 0, rank: 3 },
      ]);
      // Deleting the run also forgets the discard: the run can be played afresh.
      await store.deleteQuizRun(run);
      expect(await store.recordQuizAnswer(run, 'q2', 'pt_a', { streakAfter: 1, answer: answer({ points: 900 }) })).toMatchObject({ applied: true, total: 900 });
    });

    it('[QZSTORE23] a discard racing 30 answers: each answer is either taken back or refused, none survives', async () => {
      const run = newRun();
      await play(run, 'q1', 'pt_base', { points: 700 }, 1);
      const before = await view(run, ['pt_base'], ['q1']);
      const players = Array.from({ length: 30 }, (_, i) => `pt_${i}`);
      const answers = players.map((p, i) => store.recordQuizAnswer(run, 'q2', p, { streakAfter: 1, answer: answer({ points: 100 + i, team: i % 2 ? 'red' : 'blue' }) }));
      const base = store.recordQuizAnswer(run, 'q2', 'pt_base', { streakAfter: 2, answer: answer({ points: 500 }) });
      await Promise.all([...answers.slice(0, 15), store.discardQuizQuestion(run, 'q2'), ...answers.slice(15), base]);
      await store.discardQuizQuestion(run, 'q2');
      expect(await view(run, ['pt_base'], ['q1'])).toEqual(before);
      expect(await store.quizPlayerCount(run)).toBe(1);
      expect(await store.quizAnswersCount(run, 'q2')).toBe(0);
      for (const p of players) expect(await store.getQuizPlayer(run, p)).toEqual({ total: 0, streak: 0, answers: {} });
    });

    it('[QZSTORE20] a run document reads back exactly at version 1 and becomes its event\'s current run; a taken id is CONFLICT', async () => {
      const { eventId, runId } = newRun();
      const doc = { step: { phase: 'lobby' }, ratio: 0.1 + 0.2, list: [1, 2, 3], nested: { a: null } };
      expect(await store.currentQuizRun(eventId)).toBeNull();
      expect(await store.getQuizRun(runId)).toBeNull();
      const created = await store.createQuizRun(eventId, runId, doc, null);
      expect(created).toEqual({ eventId, runId, kind: 'live', run: doc, version: 1, dueAtMs: null });
      expect(await store.getQuizRun(runId)).toEqual(created);
      expect(await store.currentQuizRun(eventId)).toEqual(created);
      await expect(store.createQuizRun(eventId, runId, { other: true }, null)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await store.getQuizRun(runId))!.run).toEqual(doc);

      // A later run of the same event is the current one; another event's runs are not.
      const later = `${runId}_later`;
      await store.createQuizRun(eventId, later, { n: 2 }, null);
      expect((await store.currentQuizRun(eventId))!.runId).toBe(later);
      await store.createQuizRun(`${eventId}_other`, `${runId}_other`, { n: 3 }, null);
      expect((await store.currentQuizRun(eventId))!.runId).toBe(later);
    });

    it('[QZSTORE21] saving is a compare-and-set on the version: of two writers of one version exactly one wins, and a stale or unknown save changes nothing', async () => {
      const { eventId, runId } = newRun();
      await store.createQuizRun(eventId, runId, { n: 0 }, null);
      const saved = await store.saveQuizRun(runId, { n: 1 }, 1, 5000);
      expect(saved).toEqual({ eventId, runId, kind: 'live', run: { n: 1 }, version: 2, dueAtMs: 5000 });
      expect(await store.saveQuizRun(runId, { n: 99 }, 1, null)).toBeNull();
      expect(await store.saveQuizRun('run_unknown', { n: 1 }, 1, null)).toBeNull();
      expect(await store.getQuizRun(runId)).toEqual(saved);

      const racers = await Promise.all(Array.from({ length: 10 }, (_, i) => store.saveQuizRun(runId, { n: 10 + i }, 2, null)));
      const winners = racers.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(await store.getQuizRun(runId)).toEqual({ eventId, runId, kind: 'live', run: winners[0]!.run, version: 3, dueAtMs: null });
    });

    it('[QZSTORE22] due runs: those whose due time has come, soonest first, up to the limit; a save moves or clears the due time', async () => {
      const a = newRun();
      const b = newRun();
      const c = newRun();
      const base = 4_000_000_000_000 + seq * 1_000_000;
      await store.createQuizRun(a.eventId, a.runId, {}, base + 300);
      await store.createQuizRun(b.eventId, b.runId, {}, base + 100);
      await store.createQuizRun(c.eventId, c.runId, {}, null);
      const mine = (ids: string[]) => ids.filter((id) => [a.runId, b.runId, c.runId].includes(id));
      expect(mine(await store.dueQuizRuns(base + 50, 1000))).toEqual([]);
      expect(mine(await store.dueQuizRuns(base + 100, 1000))).toEqual([b.runId]);
      expect(mine(await store.dueQuizRuns(base + 400, 1000))).toEqual([b.runId, a.runId]);
      await store.saveQuizRun(b.runId, {}, 1, null);
      await store.saveQuizRun(a.runId, {}, 1, base + 900);
      expect(mine(await store.dueQuizRuns(base + 400, 1000))).toEqual([]);
      expect(mine(await store.dueQuizRuns(base + 900, 1000))).toEqual([a.runId]);
    });
    it('[QZSTORE24] a send time is recorded once per question and player: the first record wins, also among 20 at once, and reads back', async () => {
      const run = newRun();
      expect(await store.getQuizSentAt(run, 'q1', 'p1')).toBeNull();
      const times = Array.from({ length: 20 }, (_, i) => 1_000_000 + i);
      const got = await Promise.all(times.map((t) => store.quizSentAt(run, 'q1', 'p1', t)));
      const first = got[0]!;
      expect(times).toContain(first);
      expect(got.every((t) => t === first)).toBe(true);
      expect(await store.getQuizSentAt(run, 'q1', 'p1')).toBe(first);
      expect(await store.quizSentAt(run, 'q1', 'p1', first + 5000)).toBe(first);

      // Per question, per player, per run; nothing of team presence or standings.
      expect(await store.quizSentAt(run, 'q2', 'p1', 2_000_000)).toBe(2_000_000);
      expect(await store.quizSentAt(run, 'q1', 'p2', 3_000_000)).toBe(3_000_000);
      const other = newRun();
      expect(await store.getQuizSentAt(other, 'q1', 'p1')).toBeNull();
      expect(await store.getQuizPresentAtOpen(run, 'q1')).toBeNull();
      expect(await store.quizTeamStandings(run)).toEqual([]);
      await expect(store.quizSentAt(run, 'q3', 'p1', 1.5)).rejects.toThrow();
      expect(await store.getQuizSentAt(run, 'q3', 'p1')).toBeNull();

      // [QZSTORE8] Deleting the run forgets its send times, and only its own.
      await store.quizSentAt(other, 'q1', 'p1', 4_000_000);
      await store.deleteQuizRun(run);
      expect(await store.getQuizSentAt(run, 'q1', 'p1')).toBeNull();
      expect(await store.getQuizSentAt(other, 'q1', 'p1')).toBe(4_000_000);
    });

    it('[QZSTORE25] a run is created live (by default) or reinforcement and reads back so; only live runs are ever the event\'s current run', async () => {
      const { eventId, runId } = newRun();
      const live = await store.createQuizRun(eventId, runId, { n: 1 }, null);
      expect(live.kind).toBe('live');
      const rf = await store.createQuizRun(eventId, `${runId}_rf`, { n: 2 }, null, 'reinforcement');
      expect(rf).toEqual({ eventId, runId: `${runId}_rf`, kind: 'reinforcement', run: { n: 2 }, version: 1, dueAtMs: null });
      expect(await store.getQuizRun(`${runId}_rf`)).toEqual(rf);
      // Created after the live run, the reinforcement does not take its place.
      expect(await store.currentQuizRun(eventId)).toEqual(live);
      // A save keeps the kind.
      expect((await store.saveQuizRun(`${runId}_rf`, { n: 3 }, 1, null))!.kind).toBe('reinforcement');
      expect((await store.getQuizRun(`${runId}_rf`))!.kind).toBe('reinforcement');
      // A later live run is current; an event with only a reinforcement run has none.
      await store.createQuizRun(eventId, `${runId}_2`, { n: 4 }, null, 'live');
      expect((await store.currentQuizRun(eventId))!.runId).toBe(`${runId}_2`);
      const lonely = newRun();
      await store.createQuizRun(lonely.eventId, lonely.runId, {}, null, 'reinforcement');
      expect(await store.currentQuizRun(lonely.eventId)).toBeNull();
      await expect(store.createQuizRun(lonely.eventId, `${lonely.runId}_x`, {}, null, 'bogus' as 'live')).rejects.toThrow();
      expect(await store.getQuizRun(`${lonely.runId}_x`)).toBeNull();
    });
  });
}
