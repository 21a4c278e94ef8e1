import {
  EMPTY_DISTRIBUTION,
  ErrorCode,
  playerQuestion,
  QUIZ_PHASE_LIMITS,
  QuizPhase,
  QuizPresenterPhase,
  RallyError,
  revealOf,
  type PlayerQuestion,
  type QuizDistribution,
  type QuizJoined,
  type QuizLockReason,
  type QuizQuestion,
  type QuizSettings,
  type QuizStandings,
} from '@rally/shared';

/*
 * [QUIZ20..QUIZ29] The live play of one quiz run as a pure state machine: next(state, action, nowMs)
 * returns the new state and the effects the caller carries out (store, publish, schedule a tick,
 * grade or discard a question's answers). No I/O and no clock of its own, so every node computes the
 * same transition from the same stored state, and tests drive it with a fake clock.
 */

/** The step of the run and what that step alone needs. Times are server epoch milliseconds. */
export type QuizStep =
  | { phase: 'lobby' }
  | { phase: 'getReady'; index: number; endsAtMs: number }
  | { phase: 'teamTalk'; index: number; endsAtMs: number }
  | { phase: 'answering'; index: number; opensAtMs: number; closesAtMs: number; answered: number; present: number; distribution: QuizDistribution }
  | { phase: 'locked'; index: number; reason: QuizLockReason; answered: number; present: number; distribution: QuizDistribution }
  | { phase: 'reveal'; index: number; distribution: QuizDistribution }
  | { phase: 'standings'; index: number }
  | { phase: 'podium' }
  | { phase: 'ended' };

/** One run of a quiz: plain JSON, stored whole after every change. */
export interface QuizRun {
  quizId: string;
  title: string;
  settings: QuizSettings;
  questions: QuizQuestion[];
  /** Per question, the shuffle ordering items get on devices (a permutation of item indexes); null for other kinds. */
  orders: (number[] | null)[];
  joined: QuizJoined;
  /** Players present as last reported (lobby or answers): where a question's present count starts. */
  present: number;
  standings: QuizStandings;
  step: QuizStep;
}

export type QuizAction =
  /** Presenter controls [QUIZ27]. */
  | { type: 'start' }
  | { type: 'next' }
  | { type: 'lockNow' }
  | { type: 'addTime' }
  | { type: 'skip' }
  | { type: 'end' }
  /** A timer fired (or anything else worth catching up at nowMs). */
  | { type: 'tick' }
  /** Answers so far to the open question, and how many players are present now. */
  | { type: 'answered'; answered: number; present: number; distribution?: QuizDistribution }
  /** Who is in the lobby. */
  | { type: 'joined'; joined: QuizJoined }
  /** Standings recomputed after grading. */
  | { type: 'standings'; standings: QuizStandings };

export type QuizEffect =
  /**
   * Store `state` (it changed), first: two nodes may compute the same transition (a timer firing on
   * both, a presenter racing the clock), so only the one whose store write wins should publish.
   */
  | { kind: 'persist' }
  /**
   * To attendees and the stage screen: the type admits only an audience view. `countsOnly`: only the
   * answered / present counts moved ([QUIZ32]), which the stage screen shows and devices do not.
   */
  | { kind: 'publishAudience'; phase: QuizPhase; countsOnly?: true }
  /** To presenters and moderators only. */
  | { kind: 'publishPresenter'; phase: QuizPresenterPhase }
  /** Call next(state, { type: 'tick' }, t) at or after atMs. An early or stale tick changes nothing. */
  | { kind: 'schedule'; atMs: number }
  /** [QUIZ25] Score this question's answers now (it is being revealed). */
  | { kind: 'grade'; questionIndex: number; questionId: string }
  /** [QUIZ27] A skipped question: its answers count for nothing. */
  | { kind: 'discard'; questionIndex: number; questionId: string };

export interface QuizTransition {
  state: QuizRun;
  effects: QuizEffect[];
}

export interface NewRun {
  quizId: string;
  title: string;
  settings: QuizSettings;
  questions: QuizQuestion[];
  orders?: (number[] | null)[];
}

export function newRun(r: NewRun): QuizRun {
  return {
    quizId: r.quizId,
    title: r.title,
    settings: r.settings,
    questions: r.questions,
    orders: r.questions.map((_, i) => r.orders?.[i] ?? null),
    joined: { room: 0, remote: 0, teams: [] },
    present: 0,
    standings: { players: [], teams: [] },
    step: { phase: 'lobby' },
  };
}

const invalid = (reason: string) => new RallyError(ErrorCode.INVALID_STATE, reason);

/**
 * [QUIZ20] One transition. Due timers are caught up first, from the times they were due (not from
 * nowMs), so a late timer or a node that took over changes nothing about the schedule, and an action
 * never acts on a phase whose time has already run out. Throws INVALID_STATE, changing nothing,
 * when the action does not fit the phase.
 */
export function next(state: QuizRun, action: QuizAction, nowMs: number): QuizTransition {
  const caught = catchUp(state, nowMs);
  const acted = apply(caught, action, nowMs);
  if (acted === state) return { state, effects: [] };
  return { state: acted, effects: effectsOf(state, acted, extraEffects(caught, acted, action)) };
}

/** [QUIZ21] [QUIZ22] [QUIZ23] [QUIZ24] Timed steps: get ready → team talk → answering → locked. */
function catchUp(state: QuizRun, nowMs: number): QuizRun {
  let s = state;
  for (;;) {
    const step = s.step;
    if ((step.phase === 'getReady' || step.phase === 'teamTalk') && step.endsAtMs <= nowMs) {
      s = step.phase === 'getReady' && hasTeamTalk(s) ? withStep(s, { phase: 'teamTalk', index: step.index, endsAtMs: step.endsAtMs + s.settings.teamTalkSec * 1000 }) : open(s, step.index, step.endsAtMs);
    } else if (step.phase === 'answering' && step.closesAtMs <= nowMs) {
      s = lock(s, 'time');
    } else return s;
  }
}

function apply(s: QuizRun, action: QuizAction, nowMs: number): QuizRun {
  const step = s.step;
  switch (action.type) {
    case 'tick':
      return s;
    case 'start':
      if (step.phase !== 'lobby') throw invalid('the quiz has already started');
      if (s.questions.length === 0) throw invalid('this quiz has no questions');
      return getReady(s, 0, nowMs);
    case 'next':
      return advance(s, nowMs);
    case 'lockNow':
      if (step.phase !== 'answering') throw invalid('no question is open');
      return lock(s, 'presenter');
    case 'addTime': {
      if (step.phase !== 'answering') throw invalid('no question is open');
      const closesAtMs = step.closesAtMs + QUIZ_PHASE_LIMITS.addTimeMs;
      if (closesAtMs - nowMs > QUIZ_PHASE_LIMITS.maxRemainingMs) throw invalid(`at most ${QUIZ_PHASE_LIMITS.maxRemainingMs / 1000} s can be left on the clock`);
      return withStep(s, { ...step, closesAtMs });
    }
    case 'skip':
      if (step.phase === 'getReady' || step.phase === 'teamTalk' || step.phase === 'answering' || step.phase === 'locked') return afterQuestion(s, step.index, nowMs);
      throw invalid(step.phase === 'reveal' || step.phase === 'standings' ? 'this question has been revealed; use next' : 'no question to skip');
    case 'end':
      if (step.phase === 'ended') throw invalid('the quiz has ended');
      return withStep(s, step.phase === 'lobby' || step.phase === 'podium' ? { phase: 'ended' } : { phase: 'podium' });
    case 'answered': {
      if (step.phase !== 'answering' && step.phase !== 'locked') throw invalid('no question is open');
      const counted = { ...withStep(s, { ...step, answered: action.answered, present: action.present, distribution: action.distribution ?? step.distribution }), present: action.present };
      // [QUIZ24] Everyone present has answered: no one is left to wait for.
      return step.phase === 'answering' && action.present > 0 && action.answered >= action.present ? lock(counted, 'everyone') : counted;
    }
    case 'joined':
      if (step.phase === 'ended') throw invalid('the quiz has ended');
      return { ...s, joined: action.joined, present: action.joined.room + action.joined.remote };
    case 'standings':
      if (step.phase === 'ended') throw invalid('the quiz has ended');
      return { ...s, standings: action.standings };
  }
}

/** [QUIZ25] [QUIZ26] The presenter's "next", phase by phase. */
function advance(s: QuizRun, nowMs: number): QuizRun {
  const step = s.step;
  switch (step.phase) {
    case 'lobby':
      throw invalid('start the quiz first');
    case 'getReady':
      throw invalid('the question is about to start');
    case 'teamTalk':
      // [QUIZ22] The presenter may cut team talk short.
      return open(s, step.index, nowMs);
    case 'answering':
      throw invalid('the question is still open; lock it first');
    case 'locked':
      return withStep(s, { phase: 'reveal', index: step.index, distribution: step.distribution });
    case 'reveal':
      return withStep(s, { phase: 'standings', index: step.index });
    case 'standings':
      return afterQuestion(s, step.index, nowMs);
    case 'podium':
      return withStep(s, { phase: 'ended' });
    case 'ended':
      throw invalid('the quiz has ended');
  }
}

const withStep = (s: QuizRun, step: QuizStep): QuizRun => ({ ...s, step });
const hasTeamTalk = (s: QuizRun) => s.settings.teamMode !== 'off' && s.settings.teamTalkSec > 0;
const getReady = (s: QuizRun, index: number, nowMs: number) => withStep(s, { phase: 'getReady', index, endsAtMs: nowMs + QUIZ_PHASE_LIMITS.getReadyMs });

/** [QUIZ23] Answering opens; the present count carries over from the lobby or the last question. */
function open(s: QuizRun, index: number, atMs: number): QuizRun {
  const q = s.questions[index]!;
  return withStep(s, { phase: 'answering', index, opensAtMs: atMs, closesAtMs: atMs + q.timeLimitSec * 1000, answered: 0, present: s.present, distribution: emptyDistribution(q) });
}

function lock(s: QuizRun, reason: QuizLockReason): QuizRun {
  const step = s.step;
  if (step.phase !== 'answering') return s;
  return withStep(s, { phase: 'locked', index: step.index, reason, answered: step.answered, present: step.present, distribution: step.distribution });
}

/** [QUIZ26] After a question: the next one's "get ready", or the podium after the last. */
const afterQuestion = (s: QuizRun, index: number, nowMs: number): QuizRun => (index + 1 < s.questions.length ? getReady(s, index + 1, nowMs) : withStep(s, { phase: 'podium' }));

function emptyDistribution(q: QuizQuestion): QuizDistribution {
  const options = q.kind === 'choice' ? q.options.length : q.kind === 'truefalse' ? 2 : 0;
  return { ...EMPTY_DISTRIBUTION, options: Array.from({ length: options }, () => ({ room: 0, remote: 0 })) };
}

/** Grading and discarding follow from what the action did to the question in hand. */
function extraEffects(before: QuizRun, after: QuizRun, action: QuizAction): QuizEffect[] {
  const b = before.step;
  const a = after.step;
  const id = (i: number) => before.questions[i]!.id;
  if (b.phase === 'locked' && a.phase === 'reveal') return [{ kind: 'grade', questionIndex: b.index, questionId: id(b.index) }];
  // [QUIZ27] Skipped or ended before its reveal: answers given to it (if it opened) count for nothing.
  if ((action.type === 'skip' || action.type === 'end') && (b.phase === 'answering' || b.phase === 'locked')) return [{ kind: 'discard', questionIndex: b.index, questionId: id(b.index) }];
  return [];
}

/** [QUIZ32] Two views of one phase that differ at most in the answered and present counts. */
function sameButCounts(a: QuizPhase, b: QuizPhase): boolean {
  if (a.phase !== b.phase || (a.phase !== 'answering' && a.phase !== 'locked')) return false;
  const strip = (v: QuizPhase) => JSON.stringify({ ...v, answered: 0, present: 0 });
  return strip(a) === strip(b);
}

function effectsOf(before: QuizRun, after: QuizRun, extra: QuizEffect[]): QuizEffect[] {
  const effects: QuizEffect[] = [{ kind: 'persist' }, ...extra];
  const audience = audienceView(after);
  // Lobby head counts and standings behind another phase change nothing anyone sees.
  const was = audienceView(before);
  if (JSON.stringify(audience) !== JSON.stringify(was) || before.step.phase !== after.step.phase) {
    effects.push(before.step.phase === after.step.phase && sameButCounts(audience, was) ? { kind: 'publishAudience', phase: audience, countsOnly: true } : { kind: 'publishAudience', phase: audience });
  }
  const presenter = presenterView(after);
  if (JSON.stringify(presenter) !== JSON.stringify(presenterView(before)) || before.step.phase !== after.step.phase) effects.push({ kind: 'publishPresenter', phase: presenter });
  const due = dueAt(after.step);
  if (due !== null && due !== dueAt(before.step)) effects.push({ kind: 'schedule', atMs: due });
  return effects;
}

/** When the current step ends by itself, if it does. */
export function dueAt(step: QuizStep): number | null {
  if (step.phase === 'getReady' || step.phase === 'teamTalk') return step.endsAtMs;
  if (step.phase === 'answering') return step.closesAtMs;
  return null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function shownQuestion(s: QuizRun, index: number, showText: boolean): PlayerQuestion {
  return playerQuestion(s.questions[index]!, { showText, order: s.orders[index] ?? undefined });
}

/**
 * The phase without presenter-only data, unbranded: every view starts from it. `showText` false leaves
 * the question's text and image out (devices with `questionOnDevices: false`).
 */
function publicShape(s: QuizRun, showText = s.settings.questionOnDevices) {
  const shown = (run: QuizRun, index: number) => shownQuestion(run, index, showText);
  const step = s.step;
  const total = s.questions.length;
  switch (step.phase) {
    case 'lobby':
      return { phase: 'lobby', quizId: s.quizId, title: s.title, total, joined: s.joined } as const;
    case 'getReady':
      return { phase: 'getReady', questionIndex: step.index, total, points: s.questions[step.index]!.points, startsAt: iso(step.endsAtMs) } as const;
    case 'teamTalk':
      return { phase: 'teamTalk', questionIndex: step.index, total, question: shown(s, step.index), endsAt: iso(step.endsAtMs) } as const;
    case 'answering':
      return { phase: 'answering', questionIndex: step.index, total, question: shown(s, step.index), opensAt: iso(step.opensAtMs), closesAt: iso(step.closesAtMs), answered: step.answered, present: step.present } as const;
    case 'locked':
      return { phase: 'locked', questionIndex: step.index, total, question: shown(s, step.index), reason: step.reason, answered: step.answered, present: step.present } as const;
    case 'reveal': {
      const q = s.questions[step.index]!;
      return { phase: 'reveal', questionIndex: step.index, total, question: shown(s, step.index), reveal: revealOf(q), explanation: q.explanation, distribution: step.distribution } as const;
    }
    case 'standings':
      return { phase: 'standings', questionIndex: step.index, total, players: s.standings.players.slice(0, QUIZ_PHASE_LIMITS.standingsTop), teams: s.standings.teams } as const;
    case 'podium':
      return { phase: 'podium', total, players: s.standings.players.slice(0, QUIZ_PHASE_LIMITS.podiumTop), teams: s.standings.teams } as const;
    case 'ended':
      return { phase: 'ended' } as const;
  }
}

/**
 * [QUIZ20] [QUIZ28] What attendees and the stage screen see, from the stored run alone: a device
 * that joins or reconnects late gets exactly this. The schema drops anything it does not list.
 */
export function audienceView(s: QuizRun): QuizPhase {
  return QuizPhase.parse(publicShape(s));
}

/**
 * [QUIZ2] The stage screen's view: the audience's, always with the question's text and image (with
 * `questionOnDevices: false` the projector and the stream are where the question is read).
 */
export function screenView(s: QuizRun): QuizPhase {
  return QuizPhase.parse(publicShape(s, true));
}

/** [QUIZ20] What presenters and moderators see: the audience's phase, the answer key and the live distribution. */
export function presenterView(s: QuizRun): QuizPresenterPhase {
  const base = publicShape(s);
  const step = s.step;
  switch (step.phase) {
    case 'getReady':
    case 'teamTalk':
    case 'reveal':
      return QuizPresenterPhase.parse({ ...base, fullQuestion: s.questions[step.index] });
    case 'answering':
    case 'locked':
      return QuizPresenterPhase.parse({ ...base, fullQuestion: s.questions[step.index], distribution: step.distribution });
    default:
      return QuizPresenterPhase.parse(base);
  }
}
