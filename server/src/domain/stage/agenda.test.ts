import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, nowAndNext, type AgendaSession } from '@rally/shared';
import { drafts } from '../../../test/helpers/domain-kit.js';
import { stageKit, type StageKit } from '../../../test/helpers/stage-kit.js';
import { createPoll } from '../polls/authoring.js';
import { socketClosed, socketOpened } from '../presence.js';
import { setAgenda, setLiveSession } from './agenda.js';

let k: StageKit;
beforeEach(async () => {
  k = await stageKit();
});
afterEach(() => k.close());

const session = (id: string, startsAt: string, endsAt: string, title = id): AgendaSession => ({ id, title, kind: 'keynote', startsAt, endsAt, speakers: [] });
const kinds = () => k.stage.engagement.entries().map((e) => `${e.kind}:${e.sessionId ?? '-'}`);

describe('the live session and its timer', () => {
  it('[STAGE6] [AG1] setting a session live stamps when it started; setting it again keeps that time; none clears it', async () => {
    const started = new Date(k.clock.now()).toISOString();
    expect(await setLiveSession(k.deps, k.event.id, 'keynote')).toEqual({ liveSessionId: 'keynote', liveSessionStartedAt: started });
    expect(k.publish.of('event:updated').at(-1)!.payload).toMatchObject({ liveSessionId: 'keynote', liveSessionStartedAt: started });
    k.clock.advance(5 * 60_000);
    expect((await setLiveSession(k.deps, k.event.id, 'keynote')).liveSessionStartedAt).toBe(started);
    expect((await setLiveSession(k.deps, k.event.id, 'workshop')).liveSessionStartedAt).toBe(new Date(k.clock.now()).toISOString());
    expect(await setLiveSession(k.deps, k.event.id, null)).toEqual({ liveSessionId: null, liveSessionStartedAt: null });
  });

  it('[AG1] a session not in the agenda is NOT_FOUND and changes nothing', async () => {
    await expect(setLiveSession(k.deps, k.event.id, 'nope')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect((await k.current()).liveSessionId).toBeNull();
    expect(k.publish.published).toEqual([]);
  });
});

describe('editing the agenda', () => {
  it('[STAGE5] the whole agenda is replaced and everyone is told', async () => {
    const agenda = [session('keynote', '2027-01-20T09:00:00.000Z', '2027-01-20T10:00:00.000Z', 'Keynote, renamed'), session('awards', '2027-01-20T16:00:00.000Z', '2027-01-20T17:00:00.000Z')];
    const event = await setAgenda(k.deps, k.event.id, agenda);
    expect(event.agenda).toEqual(agenda);
    expect((await k.current()).agenda).toEqual(agenda);
    expect(k.publish.of('event:updated').map((p) => [p.to, p.target])).toEqual([['event', k.event.id]]);
  });

  it('[STAGE5] a session that polls or questions belong to cannot be dropped: CONFLICT naming it, nothing changes', async () => {
    await createPoll(k.deps, k.event.id, 'workshop', drafts.single());
    k.publish.clear();
    const before = await k.current();
    await expect(setAgenda(k.deps, k.event.id, [before.agenda[0]!])).rejects.toMatchObject({ code: ErrorCode.CONFLICT, message: '“Workshop” has 1 poll; keep it in the agenda (you can rename or retime it)' });
    expect((await k.current()).agenda).toEqual(before.agenda);
    expect(k.publish.published).toEqual([]);
  });

  it('[STAGE5] [STAGE8] dropping the live session ends it, and those attending leave it', async () => {
    const p = await k.person({ online: false });
    await socketOpened(k.deps, p, 'sock-1', 'kit-node');
    await setLiveSession(k.deps, k.event.id, 'workshop');
    const event = await setAgenda(k.deps, k.event.id, [(await k.current()).agenda[0]!]);
    expect(event).toMatchObject({ liveSessionId: null, liveSessionStartedAt: null });
    expect(kinds()).toEqual(['joined:-', 'sessionEntered:workshop', 'sessionLeft:workshop']);
  });
});

describe('attendance', () => {
  it('[STAGE8] attendees joining, switching sessions and leaving are logged with their cohort, team and session; staff and the screen are not', async () => {
    await setLiveSession(k.deps, k.event.id, 'keynote');
    const ada = await k.person({ online: false, mode: 'remote', team: 'NA' });
    const mod = await k.person({ online: false, role: 'moderator' });
    const screen = await k.person({ online: false, role: 'screen' });
    await socketOpened(k.deps, ada, 'a-1', 'kit-node');
    await socketOpened(k.deps, ada, 'a-2', 'kit-node'); // a second tab is not a second join
    await socketOpened(k.deps, mod, 'm-1', 'kit-node');
    await socketOpened(k.deps, screen, 's-1', 'kit-node');
    await setLiveSession(k.deps, k.event.id, 'workshop');
    await socketClosed(k.deps, ada, 'a-1');
    await socketClosed(k.deps, ada, 'a-2');
    expect(kinds()).toEqual(['joined:keynote', 'sessionEntered:keynote', 'sessionLeft:keynote', 'sessionEntered:workshop', 'sessionLeft:workshop', 'left:workshop']);
    const entries = k.stage.engagement.entries();
    expect(new Set(entries.map((e) => e.participantId))).toEqual(new Set([ada.id]));
    expect(entries.every((e) => e.mode === 'remote' && e.team === 'NA' && e.eventId === k.event.id)).toBe(true);
  });
});

describe('now and next', () => {
  const agenda = [
    session('b', '2027-01-20T10:00:00.000Z', '2027-01-20T11:00:00.000Z'),
    session('a', '2027-01-20T09:00:00.000Z', '2027-01-20T10:00:00.000Z'),
    session('c', '2027-01-20T10:00:00.000Z', '2027-01-20T10:30:00.000Z'),
    session('d', '2027-01-20T12:00:00.000Z', '2027-01-20T13:00:00.000Z'),
  ];
  it('[STAGE7] now is the live session; next follows it in start order (ties in agenda order); between sessions, the first not yet over', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(nowAndNext(agenda, 'a', at('2027-01-20T09:30:00Z'))).toMatchObject({ now: { id: 'a' }, next: { id: 'b' } });
    expect(nowAndNext(agenda, 'b', 0)).toMatchObject({ now: { id: 'b' }, next: { id: 'c' } });
    expect(nowAndNext(agenda, 'd', 0)).toMatchObject({ now: { id: 'd' }, next: null });
    expect(nowAndNext(agenda, null, at('2027-01-20T10:45:00Z'))).toMatchObject({ now: null, next: { id: 'b' } });
    expect(nowAndNext(agenda, null, at('2027-01-20T11:30:00Z'))).toMatchObject({ now: null, next: { id: 'd' } });
    expect(nowAndNext(agenda, null, at('2027-01-21T00:00:00Z'))).toEqual({ now: null, next: null });
    expect(nowAndNext([], 'x', 0)).toEqual({ now: null, next: null });
  });
});
