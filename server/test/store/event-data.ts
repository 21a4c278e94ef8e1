import type { BreakoutRound, Participant, Poll } from '@rally/shared';
import type { EventRecord, Store } from '../../src/store/store.js';

/**
 * Writes one event with data in every part of the store (polls and votes, Q&A, stage, chat,
 * presence, command results, engagement, survey, quizzes and a played run, the attendee list,
 * breakout rounds, rooms, help and templates), every id derived from `tag`, so two events filled
 * with different tags share nothing. The retention tests delete and anonymise what it writes.
 */
export async function fillEvent(store: Store, tag: string, code: string, opts: { endsAt?: string } = {}): Promise<{ event: EventRecord; people: Participant[] }> {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 20, 9, 0, s)).toISOString();
  const endsAt = opts.endsAt ?? '2026-01-20T17:00:00.000Z';
  const event: EventRecord = {
    id: `ev_${tag}`,
    code,
    name: `Kickoff ${tag}`,
    teams: ['North', 'South'],
    agenda: [{ id: 'opening', title: 'Opening', kind: 'keynote', startsAt: '2026-01-20T09:00:00.000Z', endsAt, speakers: [] }],
    liveSessionId: null,
    settings: { allowAnonymousQuestions: true, moderation: 'pre' },
    createdAt: at(0),
    keys: { presenter: `pres-${tag}`, moderator: `mod-${tag}`, stage: `stage-${tag}` },
    keyGeneration: 0,
  };
  await store.createEvent(event);
  await store.setLive(event.id, 'opening', at(1));
  const people: Participant[] = [1, 2, 3].map((n) => ({
    id: `pt_${tag}_${n}`,
    eventId: event.id,
    name: `Person ${n} of ${tag}`,
    role: n === 3 ? 'moderator' : 'attendee',
    mode: n === 2 ? 'remote' : 'room',
    team: n === 2 ? 'South' : 'North',
    banned: false,
    joinedAt: at(n),
    ...(n === 1 ? { email: `person1.${tag}@example.com` } : {}),
  }));
  for (const p of people) await store.createParticipant(p);
  const [a, b, mod] = people as [Participant, Participant, Participant];
  await store.presenceAdd(event.id, a.id, `sock_${tag}_a`, 'node_1');
  await store.presenceAdd(event.id, mod.id, `sock_${tag}_m`, 'node_1');
  await store.rememberCommand(`cmd:${a.id}:poll:vote:c_${tag}`, { ok: true }, 600);

  // Polls: an open-text poll with an answer, and a closed one with final results.
  const poll = (n: number, kind: 'single' | 'text'): Poll =>
    ({
      id: `poll_${tag}_${n}`,
      eventId: event.id,
      sessionId: 'opening',
      order: 0,
      kind,
      question: `Poll ${n}?`,
      ...(kind === 'single' ? { options: [{ id: 'o1', label: 'Yes' }, { id: 'o2', label: 'No' }] } : {}),
      settings: { anonymous: false, resultsVisibility: 'live', allowChange: true, durationSec: null },
      state: 'draft',
      createdAt: at(10 + n),
      openedAt: null,
      closesAt: null,
      closedAt: null,
      revealed: false,
      presentAtClose: null,
    }) as Poll;
  for (const [n, kind] of [[1, 'single'], [2, 'text']] as const) {
    await store.createPoll(poll(n, kind));
    await store.transitionPoll(`poll_${tag}_${n}`, 'draft', 'live', { openedAt: at(20), closesAt: '2026-01-20T09:30:00.000Z' });
  }
  const vote = { kind: 'single' as const, optionId: 'o1' };
  await store.castVote({ pollId: `poll_${tag}_1`, participantId: a.id, cohort: 'room', vote, counters: ['opt:o1:room', 'voters:room'], fingerprint: 'o1', at: at(21), answerId: null, allowChange: true, answer: null });
  await store.transitionPoll(`poll_${tag}_1`, 'live', 'closed', { closedAt: at(22) });
  await store.putFinalResults(`poll_${tag}_1`, { pollId: `poll_${tag}_1` } as never);
  const text = { kind: 'text' as const, text: 'Faster laptops' };
  await store.castVote({ pollId: `poll_${tag}_2`, participantId: b.id, cohort: 'remote', vote: text as never, counters: ['voters:remote'], fingerprint: 't', at: at(23), answerId: `ans_${tag}`, allowChange: true, answer: { id: `ans_${tag}`, text: 'Faster laptops', flagged: false } });

  // Q&A.
  const question = {
    id: `q_${tag}`,
    eventId: event.id,
    sessionId: 'opening',
    authorId: a.id,
    authorName: a.name,
    anonymous: false,
    origin: { kind: 'remote' as const },
    text: 'When is lunch?',
    normalised: 'when is lunch?',
    state: 'approved' as const,
    flagged: false,
    reply: null,
    edited: false,
    createdAt: at(30),
    answeredAt: null,
    rev: 0,
  };
  await store.createQuestion(question);
  await store.toggleUpvote(question.id, b.id, true);
  await store.setHighlighted(event.id, question.id);
  await store.setAskerBan(event.id, b.id, true);

  // Stage and chat.
  await store.addAnnouncement(event.id, { id: `an_${tag}`, text: 'Coffee', audience: 'all', at: at(31) });
  await store.addNote(event.id, { id: `note_${tag}`, text: 'Slow down', from: 'Mo', at: at(32), readAt: null, readBy: null });
  await store.postChat(event.id, { id: `msg_${tag}`, authorId: a.id, authorName: a.name, authorRole: 'attendee', mode: 'room', text: 'Hello', censored: false, at: at(33) }, { slowModeExempt: false, nowMs: Date.parse(at(33)) });
  await store.setChatSlowMode(event.id, 5);
  await store.setChatBan(event.id, b.id, true);

  // Engagement and the survey.
  await store.appendEngagement(`batch_${tag}`, [{ eventId: event.id, participantId: a.id, mode: 'room', team: 'North', sessionId: 'opening', kind: 'voted', at: at(34) }]);
  await store.patchEngagementConfig(event.id, { weights: '{}' });
  await store.pseudonymiseEngagement(event.id, mod.id, `tomb_${tag}`);
  await store.putLeaderboard(event.id, '[]', { field: 'weights', value: '{}' });
  await store.putSurvey({ eventId: event.id, title: 'Day 1', anonymous: false, questions: [{ id: 's1', kind: 'rating', prompt: 'How was it?', required: true }], state: 'draft', createdAt: at(35), openedAt: null, closedAt: null } as never);
  await store.transitionSurvey(event.id, 'draft', 'open', { openedAt: at(36) } as never);
  await store.submitSurvey(event.id, { participantId: a.id, cohort: 'room', answers: [{ questionId: 's1', value: 4 }], fingerprint: '4', at: at(37) } as never);

  // Quizzes and a played run.
  await store.createQuiz({
    id: `quiz_${tag}`,
    eventId: event.id,
    sessionId: 'opening',
    title: 'Product',
    settings: { questionOnDevices: true, teamMode: 'off', teamTalkSec: 0 },
    questions: [{ id: `qq_${tag}`, kind: 'truefalse', text: 'True?', imageUrl: null, timeLimitSec: 20, points: 1, topic: null, explanation: null, correct: true }],
    state: 'draft',
    version: 1,
    createdAt: at(38),
    updatedAt: at(38),
  } as never);
  const run = { eventId: event.id, runId: `run_${tag}` };
  await store.createQuizRun(event.id, run.runId, { n: 1 }, Date.parse(at(50)));
  await store.setQuizPresentAtOpen(run, `qq_${tag}`, { North: 1 });
  await store.quizSentAt(run, `qq_${tag}`, a.id, Date.parse(at(39)));
  await store.recordQuizAnswer(run, `qq_${tag}`, a.id, { streakAfter: 1, answer: { value: { kind: 'truefalse', value: true }, points: 1, correct: true, bonus: 0, responseMs: 900, at: at(40), team: 'North', mode: 'room' } as never });
  await store.discardQuizQuestion(run, `qq2_${tag}`);

  // The attendee list and breakouts.
  await store.putRoster(event.id, [{ email: `ana.${tag}@example.com`, name: `Ana of ${tag}`, team: 'North' } as never]);
  const round: BreakoutRound = {
    id: `rnd_${tag}`,
    eventId: event.id,
    sessionId: null,
    title: 'Deal clinic',
    durationSec: 600,
    audience: 'remote',
    strategy: { kind: 'random' },
    format: { kind: 'open' },
    rooms: [{ id: 'a', name: 'Alpha', topic: '', capacity: 3, facilitatorId: null }],
    status: 'draft',
    openedAt: null,
    endsAt: null,
    closesAt: null,
    closedAt: null,
    broadcasts: [],
    version: 0,
  } as BreakoutRound;
  await store.createRound(round);
  await store.replaceRound({ ...round, status: 'open', openedAt: at(41), endsAt: at(100), version: 1 });
  await store.setAssignments(round.id, new Map([[a.id, 'a']]));
  await store.place(round.id, b.id, 'a', 3);
  // A moderator moved out of every room.
  await store.place(round.id, mod.id, null, 3, 'move');
  await store.addHelp({ id: `help_${tag}`, roundId: round.id, roomId: 'a', participantId: a.id, name: a.name, at: at(42), takenBy: null } as never);
  await store.saveTemplate({ id: `tpl_${tag}`, eventId: event.id, name: 'Usual', rooms: [] } as never);
  await store.addRoomChat(round.id, 'a', { id: `rmsg_${tag}`, authorId: a.id, authorName: a.name, authorRole: 'attendee', mode: 'remote', text: 'Hi room', censored: false, at: at(43) });
  await store.setTakeaway({ roundId: round.id, roomId: 'a', roomName: 'Alpha', text: 'Ask more', byId: a.id, byName: a.name, at: at(44) });
  await store.addScorecard({ roundId: round.id, roomId: 'a', rotation: 0, scorerId: a.id, subjectId: b.id, scores: { close: 3 }, comment: 'Good', at: at(45) } as never);
  await store.setInVideo(round.id, 'a', a.id, true);
  await store.durable();
  return { event, people };
}
