import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ENGAGEMENT_SETTINGS, nextParityAlert, type EngagementEntry, type Mode, type Participant } from '@rally/shared';
import { createLog } from '../../log.js';
import { drafts, pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import type { DomainDeps, WithStage } from '../ports.js';
import { updateSelf, correct } from '../participants.js';
import { socketOpened } from '../presence.js';
import { castVote } from '../polls/voting.js';
import { createPoll } from '../polls/authoring.js';
import { launchPoll } from '../polls/lifecycle.js';
import { setLiveSession } from '../stage/agenda.js';
import { judgeParity } from './dashboard.js';
import { liveView } from './live.js';
import { createEngagementService, type EngagementService } from './service.js';

/*
 * [ENG22] [ENG23] [ENG24] Parity on time-weighted presence, driven through the real domain
 * (joins, room-code switches, votes) on a real store, with the engagement recorder and the fold
 * on an injected clock. The alert decision is the ticker's: judgeParity + nextParityAlert.
 */

const MINUTE = 60_000;
const THRESHOLD = DEFAULT_ENGAGEMENT_SETTINGS.parityThreshold;

interface Scene {
  kit: PollKit;
  engagement: EngagementService;
  deps: WithStage<DomainDeps> & { engagement: EngagementService };
}

let scene: Scene | undefined;
afterEach(async () => {
  await scene?.engagement.close();
  await scene?.kit.close();
  scene = undefined;
});

async function setScene(): Promise<Scene> {
  const kit = await pollKit();
  // Session look-ups are not cached: the fake clock does not move between entries of one step.
  const engagement = createEngagementService({ store: kit.store, clock: kit.clock, log: createLog('silent'), sessionCacheMs: 0 });
  // One log for attendance (the stage's port) and interactions, as createApp wires it.
  const deps = { ...kit.deps, engagement, stage: { ...kit.deps.stage, engagement } };
  await setLiveSession(deps, kit.event.id, 'keynote');
  const made: Scene = { kit, engagement, deps };
  scene = made;
  return made;
}

/** An attendee opening their first socket: joined and sessionEntered, in their cohort. */
async function arrive(s: Scene, mode: Mode, name: string): Promise<Participant> {
  const p = await s.kit.person({ mode, name, online: false });
  await socketOpened(s.deps, p, `sock_${p.id}`, 'kit-node');
  return p;
}

/** [STAGE13] Entering the room code shown on the stage screen now. */
const enterRoomCode = (s: Scene, p: Participant) =>
  updateSelf(s.deps, s.kit.event.id, p.id, { mode: 'room', roomCode: s.deps.stage.roomCodes.current(s.kit.event.id).code });

async function launch(s: Scene) {
  // Named: these scenes judge parity while the poll runs, and an anonymous poll's votes reach the
  // log only once it closed ([SEC22]).
  const poll = await createPoll(s.deps, s.kit.event.id, 'keynote', drafts.single({ anonymous: false }));
  return launchPoll(s.deps, s.kit.event.id, poll.id);
}

const vote = (s: Scene, p: Participant, pollId: string) => castVote(s.deps, s.kit.event.id, p.id, pollId, { kind: 'single', optionId: 'o1' });

/** Everything recorded so far in the store: interactions take their live session first, then buffer. */
async function settle(s: Scene) {
  await new Promise((r) => setImmediate(r));
  await s.engagement.recorder.flush();
}

/** The dashboard's view as of the fake clock's now, and the alert the ticker would decide from a calm state. */
async function judged(s: Scene) {
  await settle(s);
  const view = await liveView({ store: s.kit.store, clock: s.kit.clock, follower: s.engagement.follower }, s.kit.event.id);
  const j = judgeParity(view.state, view.liveSessionId, s.kit.clock.now());
  return { view, j, alerts: nextParityAlert(false, j.parity, THRESHOLD, j.judgeable) };
}

async function log(s: Scene): Promise<EngagementEntry[]> {
  await settle(s);
  return (await s.kit.store.readEngagement(s.kit.event.id, null, 1000)).entries;
}

describe('parity on time-weighted presence', () => {
  it('[ENG22] [ENG23] [ENG9] the reported scene does not alert: two remote attendees who took part in everything and one who entered the room code after a minute', async () => {
    const s = await setScene();
    const room = [await arrive(s, 'room', 'Rita'), await arrive(s, 'room', 'Ray'), await arrive(s, 'room', 'Rosa')];
    const remote = [await arrive(s, 'remote', 'Remy'), await arrive(s, 'remote', 'Rue')];
    const late = await arrive(s, 'remote', 'Lou');
    s.kit.clock.advance(MINUTE);
    await enterRoomCode(s, late);
    const poll = await launch(s);
    s.kit.clock.advance(MINUTE);
    for (const p of [...room, ...remote, late]) await vote(s, p, poll.id);
    s.kit.clock.advance(58 * MINUTE);

    const { view, j, alerts } = await judged(s);
    const f = j.figures;
    // The head counts that made the old figure 2 / 3 = 67 %: Lou had entries in both cohorts.
    expect(f.present).toEqual({ room: 4, remote: 3 });
    expect(f.interacted).toEqual({ room: 4, remote: 2 });
    // Lou was remote for 1 minute of 60: 1/60 remote, 59/60 room (2 decimals).
    expect(f.weighted.present.remote).toBeCloseTo(2 + 1 / 60, 2);
    expect(f.weighted.present.room).toBeCloseTo(3 + 59 / 60, 2);
    expect(f.weighted.interacted).toEqual({ room: f.weighted.present.room, remote: 2 });
    // Every room attendee and every remote attendee took part; only Lou's remote minute did not.
    expect(f.participation.room).toBe(1);
    expect(f.participation.remote).toBeGreaterThan(0.99);
    expect(j.parity!).toBeGreaterThanOrEqual(THRESHOLD);
    expect(alerts).toBe(false);
    expect(view.dashboard.parity.value).toBe(j.parity);
  });

  it('[ENG22] [ENG23] [ENG9] with enough remote attendees to judge, a switch to the room still moves the time, not the remote cohort\'s figure', async () => {
    const s = await setScene();
    const room = [await arrive(s, 'room', 'Rita'), await arrive(s, 'room', 'Ray'), await arrive(s, 'room', 'Rosa')];
    const remote = [await arrive(s, 'remote', 'Remy'), await arrive(s, 'remote', 'Rue'), await arrive(s, 'remote', 'Ravi')];
    const late = await arrive(s, 'remote', 'Lou');
    s.kit.clock.advance(MINUTE);
    await enterRoomCode(s, late);
    const poll = await launch(s);
    for (const p of [...room, ...remote, late]) await vote(s, p, poll.id);
    s.kit.clock.advance(59 * MINUTE);

    const { j, alerts } = await judged(s);
    expect(j.judgeable).toBe(true);
    expect(j.figures.weighted.present.remote).toBeCloseTo(3 + 1 / 60, 2);
    expect(j.parity!).toBeGreaterThan(0.99);
    expect(alerts).toBe(false);
  });

  it('[ENG23] [ENG9] a remote cohort that does not take part still alerts, also when one of them moves to the room late and votes there', async () => {
    const s = await setScene();
    const room = [await arrive(s, 'room', 'Rita'), await arrive(s, 'room', 'Ray'), await arrive(s, 'room', 'Rosa')];
    const remote = [await arrive(s, 'remote', 'Remy'), await arrive(s, 'remote', 'Rue'), await arrive(s, 'remote', 'Ravi'), await arrive(s, 'remote', 'Rex')];
    const poll = await launch(s);
    for (const p of room) await vote(s, p, poll.id);
    await vote(s, remote[0]!, poll.id);
    s.kit.clock.advance(50 * MINUTE);
    // Rex sat it out remotely for 50 minutes, then came into the room and voted there.
    await enterRoomCode(s, remote[3]!);
    const second = await launch(s);
    await vote(s, remote[3]!, second.id);
    s.kit.clock.advance(10 * MINUTE);

    const { j, alerts } = await judged(s);
    expect(j.judgeable).toBe(true);
    // Remote: Remy took part; Rue and Ravi did not, nor did Rex for his 50 remote minutes of 60.
    expect(j.figures.weighted.present.remote).toBeCloseTo(3 + 50 / 60, 2);
    expect(j.figures.weighted.interacted.remote).toBe(1);
    expect(j.parity!).toBeLessThan(0.3);
    expect(alerts).toBe(true);
  });

  it('[ENG23] taking part counts in the cohort the attendee was in when they acted', async () => {
    const s = await setScene();
    const mover = await arrive(s, 'remote', 'Mo');
    const poll = await launch(s);
    await vote(s, mover, poll.id);
    s.kit.clock.advance(30 * MINUTE);
    await enterRoomCode(s, mover);
    s.kit.clock.advance(30 * MINUTE);

    const f = (await judged(s)).j.figures;
    expect(f.weighted.present).toEqual({ room: 0.5, remote: 0.5 });
    // The vote was remote: half an attendee took part remotely, none in the room.
    expect(f.weighted.interacted).toEqual({ room: 0, remote: 0.5 });
    expect(f.participation).toMatchObject({ room: 0, remote: 1 });
  });

  it('[ENG24] entering the room code appends modeChanged with the new cohort, the old one, team, live session and time; staying put appends nothing', async () => {
    const s = await setScene();
    const lou = await arrive(s, 'remote', 'Lou');
    s.kit.clock.advance(MINUTE);
    const switchedAt = new Date(s.kit.clock.now()).toISOString();
    await enterRoomCode(s, lou);
    // Asking for the mode one already has, and a team change, are not switches.
    await updateSelf(s.deps, s.kit.event.id, lou.id, { mode: 'room', team: 'NA' });
    const entries = (await log(s)).filter((e) => e.kind === 'modeChanged');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ participantId: lou.id, mode: 'room', ref: 'remote', team: 'EMEA', sessionId: 'keynote', at: switchedAt });
  });

  it('[ENG24] [ENG22] a moderator\'s correction is logged too; switching someone offline opens no presence', async () => {
    const s = await setScene();
    const here = await arrive(s, 'room', 'Ada');
    const away = await s.kit.person({ mode: 'room', name: 'Bo', online: false });
    s.kit.clock.advance(10 * MINUTE);
    await correct(s.deps, s.kit.event.id, here.id, { mode: 'remote' });
    await correct(s.deps, s.kit.event.id, away.id, { mode: 'remote' });
    s.kit.clock.advance(10 * MINUTE);

    const entries = (await log(s)).filter((e) => e.kind === 'modeChanged');
    expect(entries.map((e) => [e.participantId, e.ref, e.mode])).toEqual([
      [here.id, 'room', 'remote'],
      [away.id, 'room', 'remote'],
    ]);
    const f = (await judged(s)).j.figures;
    // Ada: 10 minutes in the room, 10 remote. Bo was never here: his switch makes nobody present.
    expect(f.weighted.present).toEqual({ room: 0.5, remote: 0.5 });
    expect(f.present).toEqual({ room: 1, remote: 1 });
  });
});
