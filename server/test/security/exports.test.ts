import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { DEFAULT_POLL_SETTINGS, QuizDraft, type BreakoutRound } from '@rally/shared';
import { TEST_ADMIN, connectClient, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

// [SEC38] [SEC39] Formula-bearing text, typed by attendees and staff into every field an export
// carries, comes out of every CSV neutralised and out of every XLSX as plain text.

let s: TestServer;
const open: TestClient[] = [];
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  for (const c of open) c.close();
  await s.close();
});

/** What spreadsheets run as a formula when a cell starts with it (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;
const evil = (what: string) => `=HYPERLINK("https://evil.example/${what}","${what}")`;

async function client(token: string) {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}

/** One event where every text a person can type holds a formula. */
async function hostileEvent() {
  const ev = await s.createEvent({ name: evil('event'), teams: ['+Team', 'NA'] });
  const mod = await client((await s.join({ code: ev.code, name: '@Moderator', key: keyOf(ev.links.moderator) })).token);
  const people: TestClient[] = [];
  for (const name of [evil('amy'), '+Bob', '-Cat', '@Dan']) people.push(await client((await s.join({ code: ev.code, name, team: '+Team', mode: 'remote' })).token));
  const [amy, bob, cat] = people as [TestClient, TestClient, TestClient, TestClient];

  // Polls: a named choice poll with formula options, and an open-text poll.
  const choice = await ok(mod.send('poll:create', { sessionId: null, draft: { kind: 'single', question: evil('poll'), options: ['=1+1', '-2'], settings: { ...DEFAULT_POLL_SETTINGS, anonymous: false } } }));
  const text = await ok(mod.send('poll:create', { sessionId: null, draft: { kind: 'open', question: '@open', settings: { ...DEFAULT_POLL_SETTINGS, anonymous: false } } }));
  for (const p of [choice, text]) await ok(mod.send('poll:launch', { pollId: p.id }));
  await ok(amy.send('poll:vote', { pollId: choice.id, vote: { kind: 'single', optionId: (choice as { options: { id: string }[] }).options[0]!.id } }));
  await ok(bob.send('poll:vote', { pollId: text.id, vote: { kind: 'open', text: evil('answer') } }));
  for (const p of [choice, text]) await ok(mod.send('poll:close', { pollId: p.id }));

  // Q&A: a question and a reply.
  const q = await ok(amy.send('question:submit', { text: evil('question'), anonymous: false }));
  await ok(mod.send('question:approve', { questionId: q.id }));
  await ok(mod.send('question:reply', { questionId: q.id, text: '-reply' }));

  // The survey: a formula prompt and answer.
  await ok(mod.send('survey:define', { survey: { title: '=Survey', anonymous: false, questions: [{ kind: 'text', prompt: '+Prompt', required: true }] } }));
  await ok(mod.send('survey:open', {}));
  await ok(cat.send('survey:submit', { answers: [{ questionId: 's1', value: evil('survey') }] }));

  // A quiz, played live once.
  const quiz = await ok(
    mod.send('quiz:create', { sessionId: null, draft: QuizDraft.parse({ title: '=Quiz', questions: [{ kind: 'choice', text: evil('quizq'), timeLimitSec: 5, options: ['=a', '+b'], correct: [0], topic: '@topic' }] }) }),
  );
  const { runId } = await ok(mod.send('quiz:open', { quizId: quiz.id }));
  await ok(mod.send('quiz:control', { runId, action: 'start' }));
  await amy.waitFor('quiz:phaseChanged', (p) => p.phase.phase === 'answering', 8000);
  await ok(amy.send('quiz:answer', { runId, questionId: quiz.questions[0]!.id, answer: { kind: 'choice', picks: [0] }, displayedForMs: 300 }));

  // A role-play breakout round: Amy sells, Bob buys, Cat observes and scores with a formula comment.
  const ids = await Promise.all(people.map(async (p) => p.snapshot.me.id));
  const round: BreakoutRound = await ok(
    mod.send('breakout:create', {
      sessionId: null,
      draft: {
        title: '=Round',
        durationSec: 900,
        audience: 'remote',
        strategy: { kind: 'manual' },
        format: {
          kind: 'rolePlay',
          roles: [
            { id: 'seller', name: '=Seller', scores: false, brief: '' },
            { id: 'buyer', name: '+Buyer', scores: false, brief: '' },
            { id: 'observer', name: '-Observer', scores: true, brief: '' },
          ],
          rotations: 1,
          rubric: [{ id: 'discovery', label: '@Discovery' }],
        },
        rooms: [{ id: 'room_a', name: evil('room'), topic: '', capacity: 3, facilitatorId: null }],
      },
    }),
  );
  for (const id of ids.slice(0, 3)) await ok(mod.send('breakout:move', { roundId: round.id, participantId: id, roomId: 'room_a' }));
  await ok(mod.send('breakout:open', { roundId: round.id }));
  await ok(cat.send('breakout:score', { roundId: round.id, rotation: 0, scores: { discovery: 4 }, comment: evil('comment') }));
  return { ev, quiz };
}

const get = async (path: string) => {
  const res = await fetch(s.url + path, { headers: { authorization: `Bearer ${TEST_ADMIN}` } });
  expect(res.status, path).toBe(200);
  return res;
};

/** Every quoted field of a CSV (text fields are always quoted, [QA24] [POLL25]), unescaped. */
const textFields = (csv: string) => [...csv.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replaceAll('""', '"'));

describe('exports', () => {
  let e: Awaited<ReturnType<typeof hostileEvent>>;
  beforeAll(async () => {
    e = await hostileEvent();
  }, 30_000);

  const csvs = () => [
    `/api/events/${e.ev.event.id}/questions.csv`,
    `/api/events/${e.ev.event.id}/polls/results.csv`,
    `/api/events/${e.ev.event.id}/engagement/log.csv`,
    `/api/events/${e.ev.event.id}/engagement/participants.csv`,
    `/api/events/${e.ev.event.id}/engagement/survey.csv`,
    `/api/events/${e.ev.event.id}/quizzes/${e.quiz.id}/export.csv`,
    `/api/events/${e.ev.event.id}/quizzes/${e.quiz.id}/results.csv`,
    `/api/events/${e.ev.event.id}/breakouts/scorecards.csv`,
  ];

  it('[SEC38] every CSV export neutralises formula-bearing text: no text field starts a formula, and the hostile text is there, defused', async () => {
    for (const path of csvs()) {
      const fields = textFields(await (await get(path)).text());
      expect(fields.filter((f) => FORMULA_START.test(f)), path).toEqual([]);
      // Not vacuous: each export carries at least one of the hostile texts, with its apostrophe.
      expect(fields.some((f) => /^'[=+\-@]/.test(f)), path).toBe(true);
    }
  });

  it('[SEC39] every XLSX export writes formula-bearing text as text, never as a formula', async () => {
    for (const path of [`/api/events/${e.ev.event.id}/engagement/participants.xlsx`, `/api/events/${e.ev.event.id}/quizzes/${e.quiz.id}/results.xlsx`]) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await (await get(path)).arrayBuffer());
      let hostile = 0;
      wb.eachSheet((ws) =>
        ws.eachRow((row) =>
          row.eachCell((cell) => {
            expect(cell.type, `${path} ${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
            if (typeof cell.value === 'string' && FORMULA_START.test(cell.value)) hostile++;
          }),
        ),
      );
      expect(hostile, path).toBeGreaterThan(0);
    }
  });
});
