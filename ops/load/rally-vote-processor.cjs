'use strict';
/*
 * Artillery processor for ops/load/rally-vote.yml [OPS92]. Builds each command's payload the way
 * docs/PROTOCOL.md describes it: a fresh command id per command (8–64 of A–Z a–z 0–9 _ -; a UUID
 * works), a vote that fits the live poll's kind. CommonJS on purpose: artillery require()s it.
 */
const { randomUUID } = require('node:crypto');

/** The five reactions of `reaction:send` (REACTIONS). */
const REACTIONS = ['👏', '🔥', '🎉', '💡', '❤️'];
const WORDS = ['momentum', 'pipeline', 'customers', 'focus', 'growth'];
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

/** A VoteInput for this poll: its kind repeated, an option it has, a value in its range. */
function voteFor(poll) {
  switch (poll.kind) {
    case 'single':
      return { kind: 'single', optionId: pick(poll.options).id };
    case 'multiple':
      return { kind: 'multiple', optionIds: [pick(poll.options).id] };
    case 'rating':
      return { kind: 'rating', value: 1 + Math.floor(Math.random() * poll.scale) };
    case 'nps':
      return { kind: 'nps', value: Math.floor(Math.random() * 11) };
    case 'wordcloud':
      return { kind: 'wordcloud', text: pick(WORDS) };
    default:
      return { kind: 'open', text: `Load test answer ${randomUUID().slice(0, 8)}` };
  }
}

/** The live poll launched last, from the snapshot's `polls` (PollView[]), or undefined. */
function livePoll(views) {
  const live = (Array.isArray(views) ? views : []).map((v) => v.poll).filter((p) => p && p.state === 'live');
  live.sort((a, b) => String(a.openedAt).localeCompare(String(b.openedAt)));
  return live[live.length - 1];
}

function prepareSnapshot(context, _events, done) {
  context.vars.snapshotPayload = { id: randomUUID() };
  return done();
}

function prepareVote(context, _events, done) {
  const poll = livePoll(context.vars.polls);
  if (!poll) return done(new Error('no live poll in the snapshot: launch one before the run (docs/OPERATIONS.md, "Load-testing your deployment")'));
  context.vars.votePayload = { id: randomUUID(), pollId: poll.id, vote: voteFor(poll) };
  return done();
}

function prepareReaction(context, _events, done) {
  context.vars.reactionPayload = { id: randomUUID(), emoji: pick(REACTIONS) };
  return done();
}

function prepareQuestion(context, _events, done) {
  // A suffix keeps two virtual users sharing a token from asking a duplicate (CONFLICT).
  context.vars.questionPayload = { id: randomUUID(), text: `Load test question ${randomUUID().slice(0, 8)}: will the slides be shared?`, anonymous: false };
  return done();
}

module.exports = { prepareSnapshot, prepareVote, prepareReaction, prepareQuestion, voteFor, livePoll };
