/**
 * The vote's own cost, without sockets: the command pipeline's store and domain steps for N votes
 * (+10 % retries with the same ids), through a real SQLite file or a real redis-server, measured as
 * this process's CPU per vote (the Redis server's own CPU reported beside it). A storm in the bench
 * (B3) measures the whole server on a machine shared with other work, where a change of ~0.1 ms
 * per vote is inside the noise; this isolates the part the lean hot path changed (docs/PERFORMANCE.md).
 *
 *   npx tsx bench/vote-path.ts [--votes 5000] [--rounds 3] [--mode embedded|cluster|both] [--command vote|upvote|answer|reaction]
 *
 * `--command upvote`: question:upvote instead (up on one of four approved questions, retries
 * answered from the command's record). `--command answer`: quiz:answer to the open question of a
 * live run of ten true/false questions (every player answers the first once). `--command reaction`: reaction:send
 * (each attendee four reactions under four ids, with the retries; the stage budgets of the app: in
 * memory embedded, Redis in cluster mode; the burst sink and the engagement log are no-ops, in both
 * versions).
 *
 * It runs against the store API of the tree it is in: on a tree without the lean path (no
 * `hotParticipant`) it takes the pipeline's earlier steps (recalled command, vote, remembered
 * result); likewise for answers without `quizAnswerCommand` and reactions without `claimReaction`
 * (the pipeline's command window claimed before the reaction).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { DEFAULT_POLL_SETTINGS, Participant, Poll } from '@rally/shared';
import { createEvent } from '../server/src/domain/events.js';
import { castVote } from '../server/src/domain/polls/voting.js';
import { upvote } from '../server/src/domain/qa/voting.js';
import { createQuiz } from '../server/src/domain/quiz/authoring.js';
import { answer as answerQuiz, control, openRun, tickDueRuns } from '../server/src/domain/quiz/play.js';
import { sendReaction } from '../server/src/domain/stage/reactions.js';
import { createCommandWindow } from '../server/src/realtime/command-window.js';
import { createStageBudgets } from '../server/src/realtime/rate-limits.js';
import { QuizDraft } from '@rally/shared';
import { createSqliteStore } from '../server/src/store/sqlite-store.js';
import { createRedisStore } from '../server/src/store/redis-store.js';
import type { Store } from '../server/src/store/store.js';
import { startRedisServer } from '../server/test/helpers/redis-server.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const VOTES = Number(arg('votes', '5000'));
const ROUNDS = Number(arg('rounds', '3'));
const MODE = arg('mode', 'both');
const COMMAND = arg('command', 'vote');
/** Commands handled per event-loop turn, as a busy node reads them off its sockets. */
const PER_TURN = 100;

const noop = () => {};
const publish = new Proxy({}, { get: () => noop }) as never;

async function once(store: Store, tag: string, around?: { start(): Promise<void>; end(): Promise<void> }, redisUrl?: string): Promise<number> {
  let offsetMs = 0;
  const clock = { now: () => Date.now() + offsetMs };
  const redis = redisUrl ? createClient({ url: redisUrl }) : undefined;
  if (redis) await redis.connect();
  const reacted = { n: 0 };
  const stage = { budgets: createStageBudgets(redis as never), reactions: { add: () => void reacted.n++ }, engagement: { append: async () => {} } };
  const window = createCommandWindow(redis as never);
  const deps = { store, clock, publish, stage, coalesceMs: 500 } as never;
  const event = await createEvent({ store, clock }, { name: `Vote path ${tag}`, teams: ['EMEA', 'NA'], agenda: [], settings: {} } as never);
  const people = Array.from({ length: VOTES }, (_, i) =>
    Participant.parse({ id: `vp_${tag}_${i}`, eventId: event.id, name: `Voter ${i}`, role: 'attendee', mode: i % 3 ? 'room' : 'remote', team: 'EMEA', banned: false, joinedAt: new Date().toISOString() }),
  );
  for (const p of people) await store.createParticipant(p);
  const poll = Poll.parse({
    id: `vp_poll_${tag}`,
    eventId: event.id,
    sessionId: null,
    order: 0,
    kind: 'single',
    question: 'Ship it?',
    options: [
      { id: 'o1', label: 'Yes' },
      { id: 'o2', label: 'No' },
      { id: 'o3', label: 'Later' },
    ],
    settings: { ...DEFAULT_POLL_SETTINGS, anonymous: false },
    state: 'draft',
    createdAt: new Date().toISOString(),
    openedAt: null,
    closesAt: null,
    closedAt: null,
    revealed: false,
    presentAtClose: null,
  });
  await store.createPoll(poll);
  await store.transitionPoll(poll.id, 'draft', 'live', { openedAt: new Date().toISOString() });
  // Each voter's connection read them once, as the socket's setup does.
  for (const p of people) await store.getParticipant(p.id);
  const questions = ['q1', 'q2', 'q3', 'q4'].map((q) => `vp_${tag}_${q}`);
  for (const id of questions) {
    await store.createQuestion({ id, eventId: event.id, sessionId: null, authorId: people[0]!.id, authorName: 'Voter 0', anonymous: false, origin: { kind: 'room' }, text: `Question ${id}?`, normalised: `question ${id}`, state: 'approved', flagged: false, reply: null, edited: false, createdAt: new Date().toISOString(), answeredAt: null, rev: 0 });
  }
  await store.durable();

  const lean = typeof (store as { hotParticipant?: unknown }).hotParticipant === 'function';
  const upvoteOnce = async (i: number) => {
    const p = people[i]!;
    const key = `cmd:${p.id}:question:upvote:cmd_${tag}_${i}`;
    if (lean) await (upvote as (...a: unknown[]) => Promise<unknown>)(deps, event.id, p.id, questions[i % 4]!, true, { key, ttlSeconds: 6 * 60 * 60 });
    else {
      const prior = await store.recalledCommand(key);
      if (prior === undefined) await store.rememberCommand(key, await upvote(deps, event.id, p.id, questions[i % 4]!, true), 6 * 60 * 60);
    }
    await store.durable();
  };
  // A live quiz run with its one question open to answers.
  let runId = '';
  if (COMMAND === 'answer') {
    // Ten questions, as a real run document carries them; the first is answered.
    const questions = Array.from({ length: 10 }, (_, q) => ({ kind: 'truefalse', text: `Statement ${q + 1}: Cloud ${q} ships this quarter.`, timeLimitSec: 240, correct: q % 2 === 0, explanation: `Announced at the keynote, item ${q + 1}.` }));
    const quiz = await createQuiz(deps, event.id, null, QuizDraft.parse({ title: 'Bench', questions }));
    runId = (await openRun(deps, event.id, quiz.id)).runId;
    await control(deps, event.id, runId, 'start');
    offsetMs += 3_000;
    await tickDueRuns(deps);
    await store.durable();
  }
  const leanAnswer = typeof (store as { quizAnswerCommand?: unknown }).quizAnswerCommand === 'function';
  const leanReaction = typeof (store as { claimReaction?: unknown }).claimReaction === 'function';
  const timing = { connectedAtMs: 0, rttMs: 0 };
  const answerOnce = async (i: number) => {
    const p = people[i]!;
    const id = `cmd_${tag}_${i}`;
    const input = { runId, questionId: questionIdOf(), answer: { kind: 'truefalse' as const, value: i % 2 === 0 }, displayedForMs: 800 };
    if (leanAnswer) await (answerQuiz as (...a: unknown[]) => Promise<unknown>)(deps, event.id, p.id, input, timing, id);
    else {
      const key = `cmd:${p.id}:quiz:answer:${id}`;
      const prior = await store.recalledCommand(key);
      if (prior === undefined) await store.rememberCommand(key, await answerQuiz(deps, event.id, p.id, input, timing), 6 * 60 * 60);
    }
    await store.durable();
  };
  const emojis = ['👏', '🔥', '🎉', '💡', '❤️'] as const;
  // Each attendee taps four times (a retry is a same-id repeat): all but the first decided on the cached sender.
  const reactOnce = async (i: number) => {
    const p = people[i % Math.ceil(VOTES / 4)]!;
    const id = `cmd_${tag}_${i}`;
    const emoji = emojis[i % emojis.length]!;
    if (leanReaction) await (sendReaction as (...a: unknown[]) => Promise<unknown>)(deps, event.id, p.id, emoji, id);
    else if (await window.claim(p.id, `reaction:send:${id}`)) await sendReaction(deps, event.id, p.id, emoji);
    await store.durable();
  };
  let quizQuestionId = '';
  const questionIdOf = () => quizQuestionId;
  if (COMMAND === 'answer') {
    const run = await store.getQuizRun(runId);
    quizQuestionId = (run!.run as { run: { questions: { id: string }[] } }).run.questions[0]!.id;
  }
  const vote = async (i: number) => {
    if (COMMAND === 'upvote') return upvoteOnce(i);
    if (COMMAND === 'answer') return answerOnce(i);
    if (COMMAND === 'reaction') return reactOnce(i);
    const p = people[i]!;
    const id = `cmd_${tag}_${i}`;
    const input = { kind: 'single' as const, optionId: `o${(i % 3) + 1}` };
    if (lean) await (castVote as (...a: unknown[]) => Promise<unknown>)(deps, event.id, p.id, poll.id, input, id);
    else {
      const key = `cmd:${p.id}:poll:vote:${id}`;
      const prior = await store.recalledCommand(key);
      if (prior === undefined) await store.rememberCommand(key, await castVote(deps, event.id, p.id, poll.id, input), 6 * 60 * 60);
    }
    await store.durable();
  };
  const order = [...people.keys(), ...people.keys()].filter((i, k) => k < VOTES || i % 10 === 0);
  await around?.start();
  const started = process.cpuUsage();
  for (let k = 0; k < order.length; k += PER_TURN) {
    await Promise.all(order.slice(k, k + PER_TURN).map(vote));
    await new Promise((r) => setImmediate(r));
  }
  const used = process.cpuUsage(started);
  await around?.end();
  const tally = await store.getTally(poll.id);
  const counted =
    COMMAND === 'upvote'
      ? Object.values((await store.questionVotes(event.id)).votes).reduce((a, b) => a + b, 0)
      : COMMAND === 'answer'
        ? await store.quizAnswersCount({ eventId: event.id, runId }, quizQuestionId)
        : COMMAND === 'reaction'
          ? reacted.n
          : (tally?.counters['voters:room'] ?? 0) + (tally?.counters['voters:remote'] ?? 0);
  await redis?.close();
  if (counted !== VOTES) throw new Error(`counted ${counted} of ${VOTES}`);
  return (used.user + used.system) / 1000 / order.length;
}

async function redisCpuMs(url: string): Promise<number> {
  const c = createClient({ url });
  await c.connect();
  const info = await c.info('cpu');
  await c.close();
  const get = (k: string) => Number(new RegExp(`(?:^|\n)${k}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return (get('used_cpu_user') + get('used_cpu_sys')) * 1000;
}

async function main() {
  if (MODE !== 'cluster') {
    const results: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const dir = mkdtempSync(join(tmpdir(), 'rally-vote-path-'));
      const store = createSqliteStore(join(dir, 'rally.db'));
      results.push(await once(store, `e${r}`));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`embedded: ${results.map((x) => x.toFixed(4)).join(' ')} ms of CPU per ${COMMAND} command (min ${Math.min(...results).toFixed(4)})`);
  }
  if (MODE !== 'embedded') {
    const redis = await startRedisServer();
    const results: number[] = [];
    const server: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const store = await createRedisStore(redis.url, { keyPrefix: `vp${r}:` });
      let before = 0;
      const around = {
        start: async () => void (before = await redisCpuMs(redis.url)),
        end: async () => void server.push(((await redisCpuMs(redis.url)) - before) / (VOTES * 1.1)),
      };
      results.push(await once(store, `c${r}`, around, redis.url));
      await store.close();
    }
    await redis.stop();
    console.log(`cluster: node ${results.map((x) => x.toFixed(4)).join(' ')} ms of CPU per ${COMMAND} command (min ${Math.min(...results).toFixed(4)}); redis-server ${server.map((x) => x.toFixed(4)).join(' ')} ms`);
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
