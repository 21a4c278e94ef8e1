import { describe, expect, it } from 'vitest';
import { QuizPhase, QuizPresenterPhase, type QuizMyResult, type Snapshot } from '@rally/shared';
import { EMPTY_QUIZ_PLAY, playerRun, quizPlayEventFromAck, quizPlayFromSnapshot, reduceQuizPlay } from './quizPlayState';

const lobby = (title: string) => QuizPhase.parse({ phase: 'lobby', quizId: 'q1', title, total: 3, joined: { room: 1, remote: 2, teams: [] } });
const result = (questionId: string, total: number, streak: number, rank: number | null = 1): QuizMyResult => ({
  runId: 'r1',
  questionId,
  answered: true,
  correct: true,
  points: 900,
  bonus: 0,
  total,
  streak,
  rank,
  players: 4,
  gapToAhead: null,
});

describe('quiz play state', () => {
  it('[UI50] keeps the highest version of a run; a late copy changes nothing', () => {
    let s = reduceQuizPlay(EMPTY_QUIZ_PLAY, { name: 'quiz:phaseChanged', payload: { runId: 'r1', version: 3, phase: lobby('New') } });
    const late = reduceQuizPlay(s, { name: 'quiz:phaseChanged', payload: { runId: 'r1', version: 2, phase: lobby('Old') } });
    expect(late).toBe(s);
    s = reduceQuizPlay(s, { name: 'quiz:phaseChanged', payload: { runId: 'r1', version: 4, phase: QuizPhase.parse({ phase: 'ended' }) } });
    expect(s.runs.r1!.phase.phase).toBe('ended');
  });

  it('[UI50] keeps runs apart: a late fact of an earlier run never replaces the run on stage', () => {
    let s = reduceQuizPlay(EMPTY_QUIZ_PLAY, { name: 'quiz:phaseChanged', payload: { runId: 'r2', version: 1, phase: lobby('Second') } });
    s = reduceQuizPlay(s, { name: 'quiz:phaseChanged', payload: { runId: 'r1', version: 9, phase: QuizPhase.parse({ phase: 'ended' }) } });
    expect(s.runs.r2!.phase.phase).toBe('lobby');
  });

  it('[UI50] an ack of a control and the fact race: the presenter phase with the higher version stays', () => {
    const ended = QuizPresenterPhase.parse({ phase: 'ended' });
    const open = QuizPresenterPhase.parse({ phase: 'lobby', quizId: 'q1', title: 'T', total: 1, joined: { room: 0, remote: 0, teams: [] } });
    const fromAck = quizPlayEventFromAck('quiz:control', { runId: 'r1', version: 5, phase: ended }, { runId: 'r1', action: 'end' });
    let s = reduceQuizPlay(EMPTY_QUIZ_PLAY, fromAck!);
    s = reduceQuizPlay(s, { name: 'quiz:presenterPhaseChanged', payload: { runId: 'r1', version: 4, phase: open } });
    expect(s.presenterRuns.r1!.phase.phase).toBe('ended');
  });

  it('[UI61] records my answer from the ack once: a question is answered once', () => {
    const a = quizPlayEventFromAck('quiz:answer', { runId: 'r1', questionId: 'qa', received: true }, { runId: 'r1', questionId: 'qa', answer: { kind: 'truefalse', value: true }, displayedForMs: 10 });
    let s = reduceQuizPlay(EMPTY_QUIZ_PLAY, a!);
    expect(playerRun(s, 'r1').answers.qa).toEqual({ kind: 'truefalse', value: true });
    const again = reduceQuizPlay(s, { name: 'quiz:answered', payload: { runId: 'r1', questionId: 'qa', answer: { kind: 'truefalse', value: false } } });
    expect(again).toBe(s);
  });

  it('[UI62] my results fill per question; an older result does not take the running score back', () => {
    let s = reduceQuizPlay(EMPTY_QUIZ_PLAY, { name: 'quiz:answerScored', payload: result('q2', 1800, 2) });
    s = reduceQuizPlay(s, { name: 'quiz:answerScored', payload: result('q1', 900, 1) });
    const me = playerRun(s, 'r1');
    expect(Object.keys(me.results).sort()).toEqual(['q1', 'q2']);
    expect(me.total).toBe(1800);
    expect(me.streak).toBe(2);
  });

  it('[UI68] a reconnect restores the run, my answers, score and streak from the snapshot', () => {
    const snap = {
      me: { role: 'attendee' },
      quiz: { phase: { runId: 'r1', version: 7, phase: lobby('T') }, me: { total: 1800, streak: 2, rank: 1, answers: { q1: { kind: 'type', text: 'x' } }, results: { q1: result('q1', 1800, 2) } } },
    } as unknown as Snapshot;
    const s = quizPlayFromSnapshot(snap);
    expect(s.runs.r1!.version).toBe(7);
    expect(s.presenterRuns).toEqual({});
    const me = playerRun(s, 'r1');
    expect([me.total, me.streak, me.answers.q1]).toEqual([1800, 2, { kind: 'type', text: 'x' }]);
    // A fact older than the snapshot changes nothing.
    expect(reduceQuizPlay(s, { name: 'quiz:phaseChanged', payload: { runId: 'r1', version: 6, phase: lobby('Old') } })).toBe(s);
  });

  it('[UI50] a snapshot without a quiz part holds no run', () => {
    expect(quizPlayFromSnapshot({ me: { role: 'attendee' } } as unknown as Snapshot)).toEqual(EMPTY_QUIZ_PLAY);
  });
});
