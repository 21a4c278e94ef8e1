import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ErrorCode,
  isRallyError,
  QuizQuestionDraft,
  QuizSettings,
  revealOf,
  type QuizDistribution,
  type QuizQuestion,
  type QuizQuestionInput,
  type QuizStandings,
} from '@rally/shared';
import { audienceView, newRun, next, presenterView, type QuizAction, type QuizEffect, type QuizRun, type QuizStep } from './phases.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const q = (input: QuizQuestionInput, id: string): QuizQuestion => ({ ...QuizQuestionDraft.parse(input), id });

const OPTIONS = ['Starter', 'Team', 'Business', 'Enterprise'];
const choice = q({ kind: 'choice', text: 'Which plans include SSO?', timeLimitSec: 20, options: OPTIONS, correct: [2, 3], explanation: 'SSO is a Business feature', points: 2 }, 'q1');
const tf = q({ kind: 'truefalse', text: 'Discounts above 20 % need approval', timeLimitSec: 10, correct: true }, 'q2');
const ordering = q({ kind: 'ordering', text: 'Order the sales stages', timeLimitSec: 30, items: ['Discover', 'Qualify', 'Propose', 'Close'] }, 'q3');

/** A quiz run driven by a fake clock: `at(ms)` moves time, `act` applies at the current time. */
function game(opts: { settings?: Partial<QuizSettings>; questions?: QuizQuestion[] } = {}) {
  const questions = opts.questions ?? [choice, tf, ordering];
  let run = newRun({ quizId: 'quiz_1', title: 'Pricing check', settings: QuizSettings.parse(opts.settings ?? {}), questions, orders: questions.map((x) => (x.kind === 'ordering' ? [2, 0, 3, 1] : null)) });
  let now = T0;
  const g = {
    get run() {
      return run;
    },
    get now() {
      return now;
    },
    at(ms: number) {
      now = T0 + ms;
      return g;
    },
    act(action: QuizAction): QuizEffect[] {
      const t = next(run, action, now);
      run = t.state;
      return t.effects;
    },
    refuse(action: QuizAction): string {
      const before = structuredClone(run);
      try {
        next(run, action, now);
      } catch (e) {
        expect(isRallyError(e) && e.code).toBe(ErrorCode.INVALID_STATE);
        expect(run).toEqual(before);
        return (e as Error).message;
      }
      throw new Error(`${action.type} was accepted in ${run.step.phase}`);
    },
    audience: () => audienceView(run),
    presenter: () => presenterView(run),
    phase: () => run.step.phase,
  };
  return g;
}

const published = (effects: QuizEffect[]) => effects.find((e) => e.kind === 'publishAudience');
const scheduled = (effects: QuizEffect[]) => effects.filter((e) => e.kind === 'schedule').map((e) => (e as { atMs: number }).atMs);
const join = (room: number, remote: number): QuizAction => ({ type: 'joined', joined: { room, remote, teams: [] } });

/** From the lobby to answering question 1 (no team talk): start at 0, open at 3 s. */
function answering(g: ReturnType<typeof game>, present = 4) {
  g.act(join(present, 0));
  g.at(0).act({ type: 'start' });
  g.at(3_000).act({ type: 'tick' });
  expect(g.phase()).toBe('answering');
  return g;
}

describe('lobby and get ready', () => {
  it('[QUIZ20] the lobby shows who has joined, per cohort and per team, to the audience and the presenter', () => {
    const g = game({ settings: { teamMode: 'teams' } });
    const effects = g.act({ type: 'joined', joined: { room: 5, remote: 3, teams: [{ team: 'EMEA', room: 5, remote: 0 }, { team: 'APAC', room: 0, remote: 3 }] } });
    expect(published(effects)).toBeDefined();
    expect(g.audience()).toEqual({ phase: 'lobby', quizId: 'quiz_1', title: 'Pricing check', total: 3, joined: { room: 5, remote: 3, teams: [{ team: 'EMEA', room: 5, remote: 0 }, { team: 'APAC', room: 0, remote: 3 }] } });
    expect(g.presenter()).toEqual(g.audience());
  });

  it('[QUIZ21] start opens a 3 s "get ready" with the number, total and multiplier and none of the question; a tick is scheduled', () => {
    const g = game();
    const effects = g.at(1_000).act({ type: 'start' });
    expect(effects.map((e) => e.kind)).toEqual(['persist', 'publishAudience', 'publishPresenter', 'schedule']);
    expect(scheduled(effects)).toEqual([T0 + 4_000]);
    expect(g.audience()).toEqual({ phase: 'getReady', questionIndex: 0, total: 3, points: 2, startsAt: iso(T0 + 4_000) });
    expect(JSON.stringify(g.audience())).not.toContain('SSO');
    // The presenter already has the question and its answer.
    expect(g.presenter()).toMatchObject({ phase: 'getReady', fullQuestion: { id: 'q1', correct: [2, 3] } });
  });

  it('[QUIZ21] a quiz without questions cannot start, and a started quiz cannot start again', () => {
    expect(game({ questions: [] }).refuse({ type: 'start' })).toMatch(/no questions/);
    const g = game();
    g.act({ type: 'start' });
    expect(g.refuse({ type: 'start' })).toMatch(/already started/);
  });

  it('[QUIZ21] an early tick changes nothing and says nothing', () => {
    const g = game();
    g.act({ type: 'start' });
    const before = g.run;
    expect(g.at(2_999).act({ type: 'tick' })).toEqual([]);
    expect(g.run).toBe(before);
  });
});

describe('team talk', () => {
  it('[QUIZ22] in team mode, "get ready" is followed by team talk showing the question, then answering', () => {
    const g = game({ settings: { teamMode: 'room-vs-remote', teamTalkSec: 5 } });
    g.act({ type: 'start' });
    const effects = g.at(3_000).act({ type: 'tick' });
    expect(scheduled(effects)).toEqual([T0 + 8_000]);
    expect(g.audience()).toMatchObject({ phase: 'teamTalk', questionIndex: 0, endsAt: iso(T0 + 8_000), question: { id: 'q1', text: 'Which plans include SSO?', options: OPTIONS } });
    expect(g.presenter()).toMatchObject({ phase: 'teamTalk', fullQuestion: { correct: [2, 3] } });
    g.at(8_000).act({ type: 'tick' });
    expect(g.audience()).toMatchObject({ phase: 'answering', opensAt: iso(T0 + 8_000), closesAt: iso(T0 + 28_000) });
  });

  it('[QUIZ22] the presenter may end team talk early; without team mode or talk time there is none', () => {
    const g = game({ settings: { teamMode: 'teams', teamTalkSec: 20 } });
    g.act({ type: 'start' });
    g.at(3_000).act({ type: 'tick' });
    g.at(5_000).act({ type: 'next' });
    expect(g.audience()).toMatchObject({ phase: 'answering', opensAt: iso(T0 + 5_000), closesAt: iso(T0 + 25_000) });

    for (const settings of [{ teamMode: 'off' as const, teamTalkSec: 20 }, { teamMode: 'teams' as const, teamTalkSec: 0 }]) {
      const h = game({ settings });
      h.act({ type: 'start' });
      h.at(3_000).act({ type: 'tick' });
      expect(h.phase()).toBe('answering');
    }
  });
});

describe('answering', () => {
  it('[QUIZ23] answering shows the player question, when it opened and closes, and the answer count; the presenter also gets the key and live distribution', () => {
    const g = game();
    g.act(join(3, 2));
    g.act({ type: 'start' });
    const effects = g.at(3_000).act({ type: 'tick' });
    expect(scheduled(effects)).toEqual([T0 + 23_000]);
    const audience = g.audience();
    expect(audience).toEqual({
      phase: 'answering',
      questionIndex: 0,
      total: 3,
      question: { id: 'q1', kind: 'choice', text: 'Which plans include SSO?', imageUrl: null, timeLimitSec: 20, points: 2, options: OPTIONS, multiple: true },
      opensAt: iso(T0 + 3_000),
      closesAt: iso(T0 + 23_000),
      answered: 0,
      present: 5,
    });
    const dist: QuizDistribution = { answered: { room: 1, remote: 1 }, correct: { room: 1, remote: 0 }, options: [{ room: 0, remote: 0 }, { room: 0, remote: 1 }, { room: 1, remote: 0 }, { room: 1, remote: 0 }] };
    const counted = g.at(6_000).act({ type: 'answered', answered: 2, present: 5, distribution: dist });
    // [QUIZ32] Only the counts moved: for the stage screen, not every device.
    expect(published(counted)).toMatchObject({ phase: { phase: 'answering', answered: 2, present: 5 }, countsOnly: true });
    expect(JSON.stringify(g.audience())).not.toMatch(/"correct"|"distribution"/);
    expect(g.presenter()).toMatchObject({ phase: 'answering', answered: 2, distribution: dist, fullQuestion: { correct: [2, 3] } });
  });

  it('[QUIZ23] with the question on the stage only, devices get the answer buttons without text or image', () => {
    const g = answering(game({ settings: { questionOnDevices: false } }));
    expect(g.audience()).toMatchObject({ question: { text: null, imageUrl: null, options: OPTIONS } });
    expect(g.presenter()).toMatchObject({ question: { text: null }, fullQuestion: { text: 'Which plans include SSO?' } });
  });

  it('[QUIZ23] timed phases end when they were due, however late the timer fires', () => {
    const g = game();
    g.act({ type: 'start' });
    // The get-ready timer fires 1.5 s late: answering still opened at 3 s and closes 20 s later.
    g.at(4_500).act({ type: 'tick' });
    expect(g.audience()).toMatchObject({ phase: 'answering', opensAt: iso(T0 + 3_000), closesAt: iso(T0 + 23_000) });
    // A node that takes over long after the close catches up on everything at once.
    const h = game();
    h.act({ type: 'start' });
    const effects = h.at(60_000).act({ type: 'tick' });
    expect(h.audience()).toMatchObject({ phase: 'locked', reason: 'time' });
    expect(scheduled(effects)).toEqual([]);
  });
});

describe('locking', () => {
  it('[QUIZ24] the question locks when its time runs out', () => {
    const g = answering(game());
    g.at(22_999).act({ type: 'tick' });
    expect(g.phase()).toBe('answering');
    g.at(23_000).act({ type: 'tick' });
    expect(g.audience()).toMatchObject({ phase: 'locked', reason: 'time', answered: 0, present: 4 });
  });

  it('[QUIZ24] it locks early once everyone present has answered, counting who is present now', () => {
    const g = answering(game(), 4);
    g.at(5_000).act({ type: 'answered', answered: 3, present: 4 });
    expect(g.phase()).toBe('answering');
    // Someone left: the three who remain have all answered.
    const locked = g.at(6_000).act({ type: 'answered', answered: 3, present: 3 });
    expect(g.audience()).toMatchObject({ phase: 'locked', reason: 'everyone', answered: 3, present: 3 });
    // [QUIZ32] A lock is news for every device, though a count caused it.
    expect(published(locked)).not.toHaveProperty('countsOnly');
  });

  it('[QUIZ24] with no one present nothing locks early; the clock does', () => {
    const g = answering(game(), 0);
    g.at(5_000).act({ type: 'answered', answered: 0, present: 0 });
    expect(g.phase()).toBe('answering');
  });

  it('[QUIZ24] the presenter can lock now; counts arriving after the lock update it without reopening', () => {
    const g = answering(game());
    const effects = g.at(8_000).act({ type: 'lockNow' });
    expect(published(effects)).toMatchObject({ phase: { phase: 'locked', reason: 'presenter' } });
    g.at(8_010).act({ type: 'answered', answered: 2, present: 4 });
    expect(g.audience()).toMatchObject({ phase: 'locked', reason: 'presenter', answered: 2 });
  });
});

describe('reveal, standings, podium', () => {
  const standings: QuizStandings = {
    players: Array.from({ length: 12 }, (_, i) => ({ rank: i + 1, participantId: `p${i}`, name: `Player ${i}`, team: i % 2 ? 'EMEA' : 'APAC', score: 5000 - i * 100 })),
    teams: [{ rank: 1, team: 'APAC', score: 900 }, { rank: 2, team: 'EMEA', score: 850 }],
  };

  it('[QUIZ25] next from locked reveals the correct answer, the explanation and the room / remote split, and grades the question', () => {
    const g = answering(game());
    const dist: QuizDistribution = { answered: { room: 3, remote: 1 }, correct: { room: 2, remote: 1 }, options: [{ room: 1, remote: 0 }, { room: 0, remote: 0 }, { room: 2, remote: 1 }, { room: 2, remote: 1 }] };
    g.at(9_000).act({ type: 'answered', answered: 4, present: 4, distribution: dist });
    expect(g.phase()).toBe('locked');
    const effects = g.at(12_000).act({ type: 'next' });
    expect(effects).toContainEqual({ kind: 'grade', questionIndex: 0, questionId: 'q1' });
    expect(g.audience()).toMatchObject({ phase: 'reveal', questionIndex: 0, reveal: { kind: 'choice', correct: [2, 3] }, explanation: 'SSO is a Business feature', distribution: dist });
  });

  it('[QUIZ25] an ordering reveal names the ids devices hold, in the correct order', () => {
    const g = answering(game({ questions: [ordering] }));
    g.act({ type: 'lockNow' });
    g.act({ type: 'next' });
    const view = g.audience();
    if (view.phase !== 'reveal' || view.question.kind !== 'ordering' || view.reveal.kind !== 'ordering') throw new Error('not an ordering reveal');
    const labels = view.reveal.order.map((id) => view.question.kind === 'ordering' && view.question.items.find((it) => it.id === id)!.label);
    expect(labels).toEqual(['Discover', 'Qualify', 'Propose', 'Close']);
    expect(view.reveal).toEqual(revealOf(ordering));
  });

  it('[QUIZ26] standings show the top 10 and the teams; next goes to the next question; after the last, the podium shows the top 3; then ended', () => {
    const g = answering(game({ questions: [choice, tf] }));
    g.act({ type: 'lockNow' });
    g.act({ type: 'next' });
    g.act({ type: 'standings', standings });
    g.at(15_000).act({ type: 'next' });
    const board = g.audience();
    expect(board).toMatchObject({ phase: 'standings', questionIndex: 0, total: 2, teams: standings.teams });
    expect(board.phase === 'standings' && board.players.map((p) => p.participantId)).toEqual(standings.players.slice(0, 10).map((p) => p.participantId));

    const effects = g.at(20_000).act({ type: 'next' });
    expect(g.audience()).toEqual({ phase: 'getReady', questionIndex: 1, total: 2, points: 1, startsAt: iso(T0 + 23_000) });
    expect(scheduled(effects)).toEqual([T0 + 23_000]);

    g.at(23_000).act({ type: 'tick' });
    g.act({ type: 'lockNow' });
    g.act({ type: 'next' });
    expect(g.audience()).toMatchObject({ phase: 'reveal', questionIndex: 1, reveal: { kind: 'truefalse', correct: true }, explanation: null });
    g.act({ type: 'next' });
    g.act({ type: 'next' });
    const podium = g.audience();
    expect(podium).toMatchObject({ phase: 'podium', total: 2, teams: standings.teams });
    expect(podium.phase === 'podium' && podium.players.map((p) => p.rank)).toEqual([1, 2, 3]);
    g.act({ type: 'next' });
    expect(g.audience()).toEqual({ phase: 'ended' });
  });

  it('[QUIZ26] new standings are published when on screen, and stored quietly otherwise', () => {
    const g = answering(game());
    const quiet = g.act({ type: 'standings', standings });
    expect(quiet.map((e) => e.kind)).toEqual(['persist']);
    g.act({ type: 'lockNow' });
    g.act({ type: 'next' });
    g.act({ type: 'next' });
    const loud = g.act({ type: 'standings', standings: { players: standings.players.slice(0, 2), teams: [] } });
    expect(published(loud)).toMatchObject({ phase: { phase: 'standings', teams: [] } });
  });
});

describe('presenter controls', () => {
  it('[QUIZ27] +10 s moves the close and schedules the new one; never more than 240 s left', () => {
    const g = answering(game());
    const effects = g.at(10_000).act({ type: 'addTime' });
    expect(g.audience()).toMatchObject({ phase: 'answering', closesAt: iso(T0 + 33_000) });
    expect(scheduled(effects)).toEqual([T0 + 33_000]);
    // The old timer firing at 23 s changes nothing.
    expect(g.at(23_000).act({ type: 'tick' })).toEqual([]);
    // At 23 s, 23 more presses leave exactly 240 s; one more would leave 250 s.
    for (let i = 0; i < 23; i++) g.act({ type: 'addTime' });
    expect(g.audience()).toMatchObject({ closesAt: iso(T0 + 263_000) });
    expect(g.refuse({ type: 'addTime' })).toMatch(/240 s/);
  });

  it('[QUIZ27] skip drops a question not yet revealed: its answers are discarded and play moves to the next question', () => {
    const g = answering(game());
    const effects = g.at(5_000).act({ type: 'skip' });
    expect(effects).toContainEqual({ kind: 'discard', questionIndex: 0, questionId: 'q1' });
    expect(effects.some((e) => e.kind === 'grade')).toBe(false);
    expect(g.audience()).toMatchObject({ phase: 'getReady', questionIndex: 1, startsAt: iso(T0 + 8_000) });
    // Skipped before it opened: there is nothing to discard.
    const before = g.act({ type: 'skip' });
    expect(before.some((e) => e.kind === 'discard')).toBe(false);
    expect(g.audience()).toMatchObject({ phase: 'getReady', questionIndex: 2 });
    // Skipping the last question leads to the podium.
    g.act({ type: 'skip' });
    expect(g.phase()).toBe('podium');
  });

  it('[QUIZ27] end goes to the podium now, dropping an unrevealed question; from the lobby or the podium it ends', () => {
    const g = answering(game());
    const effects = g.act({ type: 'end' });
    expect(effects).toContainEqual({ kind: 'discard', questionIndex: 0, questionId: 'q1' });
    expect(g.phase()).toBe('podium');
    g.act({ type: 'end' });
    expect(g.phase()).toBe('ended');
    const h = game();
    h.act({ type: 'end' });
    expect(h.phase()).toBe('ended');
  });

  it('[QUIZ27] a control that does not fit the phase is refused with INVALID_STATE and a reason, changing nothing', () => {
    const refused: Record<QuizStep['phase'], QuizAction['type'][]> = {
      lobby: ['next', 'lockNow', 'addTime', 'skip', 'answered'],
      getReady: ['start', 'next', 'lockNow', 'addTime', 'answered'],
      teamTalk: ['start', 'lockNow', 'addTime', 'answered'],
      answering: ['start', 'next'],
      locked: ['start', 'lockNow', 'addTime'],
      reveal: ['start', 'lockNow', 'addTime', 'skip', 'answered'],
      standings: ['start', 'lockNow', 'addTime', 'skip', 'answered'],
      podium: ['start', 'lockNow', 'addTime', 'skip', 'answered'],
      ended: ['start', 'next', 'lockNow', 'addTime', 'skip', 'end', 'answered', 'joined', 'standings'],
    };
    // Team mode with 10 s of talk: get ready from 0 to 3 s, talk to 13 s, answering to 33 s.
    const start: QuizAction = { type: 'start' };
    const toPhase: Record<QuizStep['phase'], [number, QuizAction][]> = {
      lobby: [],
      getReady: [[0, start]],
      teamTalk: [[0, start], [3_000, { type: 'tick' }]],
      answering: [[0, start], [13_000, { type: 'tick' }]],
      locked: [[0, start], [33_000, { type: 'tick' }]],
      reveal: [[0, start], [33_000, { type: 'next' }]],
      standings: [[0, start], [33_000, { type: 'next' }], [34_000, { type: 'next' }]],
      podium: [[0, start], [1_000, { type: 'end' }]],
      ended: [[0, { type: 'end' }]],
    };
    const full: Record<QuizAction['type'], QuizAction> = {
      start: { type: 'start' },
      next: { type: 'next' },
      lockNow: { type: 'lockNow' },
      addTime: { type: 'addTime' },
      skip: { type: 'skip' },
      end: { type: 'end' },
      tick: { type: 'tick' },
      answered: { type: 'answered', answered: 1, present: 3 },
      joined: join(1, 1),
      standings: { type: 'standings', standings: { players: [], teams: [] } },
    };
    for (const [phase, actions] of Object.entries(refused) as [QuizStep['phase'], QuizAction['type'][]][]) {
      const g = game({ settings: { teamMode: 'teams', teamTalkSec: 10 } });
      for (const [ms, a] of toPhase[phase]) g.at(ms).act(a);
      expect(g.phase()).toBe(phase);
      for (const a of actions) expect(g.refuse(full[a]), `${a} in ${phase}`).not.toBe('');
    }
  });
});

describe('late join', () => {
  it('[QUIZ28] a device joining late gets the current phase from the stored run: the open question until it closes, never a reopened one', () => {
    const g = answering(game());
    g.at(10_000);
    const stored = JSON.parse(JSON.stringify(g.run)) as QuizRun;
    expect(audienceView(stored)).toEqual(g.audience());
    expect(audienceView(stored)).toMatchObject({ phase: 'answering', question: { id: 'q1' }, closesAt: iso(T0 + 23_000) });
    g.at(23_000).act({ type: 'tick' });
    expect(audienceView(JSON.parse(JSON.stringify(g.run)) as QuizRun)).toMatchObject({ phase: 'locked' });
  });
});

// ---- properties ----------------------------------------------------------------------------------

/** Questions whose answers are findable markers: SECRET<i> (accepted answers) and WHY<i> (explanations). */
const markedQuestion = (i: number, kind: 'choice' | 'truefalse' | 'type' | 'number', limit: number): QuizQuestion => {
  const base = { text: `Question ${i}`, timeLimitSec: limit, explanation: `WHY${i}` };
  switch (kind) {
    case 'choice':
      return q({ ...base, kind, options: ['a', 'b', 'c'], correct: [1] }, `q${i}`);
    case 'truefalse':
      return q({ ...base, kind, correct: false }, `q${i}`);
    case 'type':
      return q({ ...base, kind, accepted: [`SECRET${i}`] }, `q${i}`);
    case 'number':
      return q({ ...base, kind, min: 0, max: 1000, correct: 777, tolerance: 5 }, `q${i}`);
  }
};

const arbQuiz = fc.record({
  questions: fc.array(fc.record({ kind: fc.constantFrom('choice' as const, 'truefalse' as const, 'type' as const, 'number' as const), limit: fc.integer({ min: 5, max: 30 }) }), { minLength: 1, maxLength: 4 }),
  settings: fc.record({ questionOnDevices: fc.boolean(), teamMode: fc.constantFrom('off' as const, 'teams' as const, 'room-vs-remote' as const), teamTalkSec: fc.integer({ min: 0, max: 8 }) }),
});

const arbAction: fc.Arbitrary<QuizAction> = fc.oneof(
  fc.constantFrom<QuizAction>({ type: 'start' }, { type: 'next' }, { type: 'lockNow' }, { type: 'addTime' }, { type: 'skip' }, { type: 'end' }, { type: 'tick' }, { type: 'tick' }, { type: 'next' }),
  fc.integer({ min: 0, max: 5 }).chain((present) => fc.integer({ min: 0, max: present }).map((answered): QuizAction => ({ type: 'answered', answered, present }))),
  fc.tuple(fc.nat(4), fc.nat(4)).map(([room, remote]) => join(room, remote)),
);

const ORDER = ['getReady', 'teamTalk', 'answering', 'locked', 'reveal', 'standings'] as const;
/** A step's place in play: lobby first, then each question's phases in order, then podium and ended. */
function rank(step: QuizStep): number {
  if (step.phase === 'lobby') return -1;
  if (step.phase === 'podium') return 1e6;
  if (step.phase === 'ended') return 1e6 + 1;
  return step.index * 10 + ORDER.indexOf(step.phase);
}

describe('properties', () => {
  it('[QUIZ29] whatever the controls, answers and ticks, phases only move forward and the audience never sees an answer before its reveal', () => {
    fc.assert(
      fc.property(arbQuiz, fc.array(fc.tuple(arbAction, fc.integer({ min: 0, max: 12_000 })), { maxLength: 60 }), (quiz, script) => {
        const questions = quiz.questions.map((x, i) => markedQuestion(i, x.kind, x.limit));
        let run = newRun({ quizId: 'quiz_p', title: 'Property', settings: QuizSettings.parse(quiz.settings), questions });
        let now = T0;
        for (const [action, dt] of script) {
          now += dt;
          let effects: QuizEffect[];
          const before = run;
          try {
            ({ state: run, effects } = next(run, action, now));
          } catch (e) {
            // A refusal is INVALID_STATE and changes nothing.
            expect(isRallyError(e) && e.code).toBe(ErrorCode.INVALID_STATE);
            continue;
          }
          const b = before.step;
          const a = run.step;
          expect(rank(a)).toBeGreaterThanOrEqual(rank(b));
          // A reveal comes only from the same question locked, by the presenter's next; the lock may be
          // one the clock made on the way (the timers caught up at `now`, as a tick would have).
          if (a.phase === 'reveal' && b.phase !== 'reveal') {
            expect(action.type).toBe('next');
            expect(next(before, { type: 'tick' }, now).state.step).toMatchObject({ phase: 'locked', index: a.index });
          }
          const view = audienceView(run);
          const json = JSON.stringify(view);
          for (let i = 0; i < questions.length; i++) {
            const revealing = a.phase === 'reveal' && a.index === i;
            if (!revealing) expect(json).not.toMatch(new RegExp(`SECRET${i}"|WHY${i}"`));
          }
          if (a.phase !== 'reveal') expect(json).not.toMatch(/"correct"|"accepted"|"tolerance"|"explanation"|"fullQuestion"|"distribution"/);
          // The number question's correct value, anywhere (not the milliseconds of a time).
          if (a.phase !== 'reveal') expect(json).not.toMatch(/(?<![.\d])777(?!\d)/);
          // Whatever is published to the audience is the audience view; a timer is scheduled for the step's end.
          for (const e of effects) if (e.kind === 'publishAudience') expect(e.phase).toEqual(view);
          for (const e of effects) if (e.kind === 'schedule') expect(e.atMs).toBeGreaterThan(now);
        }
      }),
      { numRuns: 300 },
    );
    // 300 runs take about a second alone; the machine is shared.
  }, 30_000);
});
