import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stageKit, type StageKit } from '../../../test/helpers/stage-kit.js';
import { socketClosed, socketOpened } from '../presence.js';
import { setLiveSession } from './agenda.js';
import { createAttendanceGrace } from './attendance-grace.js';
import { settleDepartures, startAttendanceSweep } from './attendance.js';

const GRACE_MS = 10_000;

let k: StageKit;
beforeEach(async () => {
  k = await stageKit();
  k.stage.attendance = createAttendanceGrace(GRACE_MS);
});
afterEach(() => k.close());

const log = () => k.stage.engagement.entries().map((e) => `${e.kind}:${e.sessionId ?? '-'}@${e.at}`);
const kinds = () => k.stage.engagement.entries().map((e) => `${e.kind}:${e.sessionId ?? '-'}`);
const iso = () => new Date(k.clock.now()).toISOString();

describe('[STAGE46] [STAGE8] the reconnection grace', () => {
  it('a last socket closed and a new one opened within the grace is one stay: no left, no second joined, nothing later', async () => {
    await setLiveSession(k.deps, k.event.id, 'keynote');
    const ada = await k.person({ online: false });
    await socketOpened(k.deps, ada, 'a-1', 'kit-node');
    await socketClosed(k.deps, ada, 'a-1');
    k.clock.advance(GRACE_MS - 1);
    await socketOpened(k.deps, ada, 'a-2', 'kit-node');
    k.clock.advance(GRACE_MS * 3);
    await settleDepartures(k.deps);
    expect(kinds()).toEqual(['joined:keynote', 'sessionEntered:keynote']);
  });

  it('once the grace has passed without a return, the session left and the left are logged at the time the socket closed', async () => {
    await setLiveSession(k.deps, k.event.id, 'keynote');
    const ada = await k.person({ online: false });
    await socketOpened(k.deps, ada, 'a-1', 'kit-node');
    k.clock.advance(60_000);
    await socketClosed(k.deps, ada, 'a-1');
    const closedAt = iso();
    k.clock.advance(GRACE_MS - 1);
    await settleDepartures(k.deps);
    expect(kinds()).toEqual(['joined:keynote', 'sessionEntered:keynote']);
    k.clock.advance(1);
    await settleDepartures(k.deps);
    expect(log().slice(2)).toEqual([`sessionLeft:keynote@${closedAt}`, `left:keynote@${closedAt}`]);
    // Settled once: a later sweep writes nothing more.
    k.clock.advance(GRACE_MS);
    await settleDepartures(k.deps);
    expect(kinds()).toHaveLength(4);
  });

  it('back within the grace after the live session changed: they left the old one when they went and enter the new one now', async () => {
    await setLiveSession(k.deps, k.event.id, 'keynote');
    const ada = await k.person({ online: false });
    await socketOpened(k.deps, ada, 'a-1', 'kit-node');
    await socketClosed(k.deps, ada, 'a-1');
    const closedAt = iso();
    k.clock.advance(2_000);
    await setLiveSession(k.deps, k.event.id, 'workshop');
    k.clock.advance(2_000);
    await socketOpened(k.deps, ada, 'a-2', 'kit-node');
    expect(log().slice(2)).toEqual([`sessionLeft:keynote@${closedAt}`, `sessionEntered:workshop@${iso()}`]);
  });

  it('back on another node within the grace: that node logs its own joined, and this one no left when the grace ends (only the session they missed)', async () => {
    await setLiveSession(k.deps, k.event.id, 'keynote');
    const ada = await k.person({ online: false });
    await socketOpened(k.deps, ada, 'a-1', 'kit-node');
    await socketClosed(k.deps, ada, 'a-1');
    const closedAt = iso();
    await setLiveSession(k.deps, k.event.id, 'workshop');
    // The other node: its own presence write in the shared store (its grace knows nothing of ada).
    await k.deps.store.presenceAdd(k.event.id, ada.id, 'b-1', 'other-node');
    k.clock.advance(GRACE_MS);
    await settleDepartures(k.deps);
    expect(log().slice(2)).toEqual([`sessionLeft:keynote@${closedAt}`]);
  });

  it('staff and the stage screen are not held or logged', async () => {
    const mod = await k.person({ online: false, role: 'moderator' });
    await socketOpened(k.deps, mod, 'm-1', 'kit-node');
    await socketClosed(k.deps, mod, 'm-1');
    expect(k.stage.attendance!.size).toBe(0);
    expect(kinds()).toEqual([]);
  });

  it('shutdown: the sweep writes every departure still in its grace at once, at its own time', async () => {
    const sweep = startAttendanceSweep(k.deps, { everyMs: 60_000, onError: (e) => { throw e; } });
    const ada = await k.person({ online: false });
    const bob = await k.person({ online: false });
    await socketOpened(k.deps, ada, 'a-1', 'kit-node');
    await socketOpened(k.deps, bob, 'b-1', 'kit-node');
    await socketClosed(k.deps, ada, 'a-1');
    const adaAt = iso();
    k.clock.advance(1_000);
    await socketClosed(k.deps, bob, 'b-1');
    const bobAt = iso();
    await sweep.stop();
    const left = k.stage.engagement.entries().filter((e) => e.kind === 'left').map((e) => [e.participantId, e.at]);
    expect(left).toEqual([
      [ada.id, adaAt],
      [bob.id, bobAt],
    ]);
    expect(k.stage.attendance!.size).toBe(0);
  });
});
