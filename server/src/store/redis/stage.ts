/*
 * The stage part of the Redis adapter (node-redis v5).
 *
 * Keys, with T = P{eventId}: the event's hash tag (store/redis/keyspace.ts):
 *   T event:{id}                          hash  the main adapter's event record (JSON-encoded fields);
 *                                               here only stream, branding, name, settings, agenda,
 *                                               liveSessionId, liveSessionStartedAt, onStage
 *                                               and announcementsClearedAt are written
 *   T stage-announcements:{eventId}       list  announcement JSON, newest first (trimmed)
 *   T stage-notes:{eventId}               hash  note id -> note JSON as sent (readAt/readBy null)
 *   T stage-note-order:{eventId}          list  note ids, oldest first (trimmed)
 *   T stage-note-reads:{eventId}          hash  note id -> {"readAt","readBy"} JSON, first read only
 *   T chat-order:{eventId}                list  message ids, oldest first (the rolling window)
 *   T chat-messages:{eventId}             hash  message id -> message JSON
 *   T chat-slow:{eventId}                 string  slow mode seconds
 *   T chat-last:{eventId}                 hash  participant id -> ms of their last message
 *   T chat-bans:{eventId}                 set   participant ids banned from chat
 *
 * Every change is one Lua script or one command. Scripts only decode JSON (cjson.decode) and
 * never re-encode it: cjson turns empty arrays into objects on a round trip.
 */
import { NOTHING_ON_STAGE, slotKey, STAGE_LIMITS, type OnStage, type Announcement, type ChatMessage, type PresenterNote } from '@rally/shared';
import { ANNOUNCEMENTS_KEPT, NOTES_KEPT, type StageStore } from '../stage-store.js';
import type { EventRecord } from '../store.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';


/*
 * [SSTORE10] Puts a slot on stage inside a script: the event's key, the slot JSON, at JSON. The document is assembled as a string (cjson would turn the slot's fields around, and
 * re-encoding is avoided everywhere here); only the stored version is decoded.
 */
const PUT_SLOT = `
local function putSlot(ev, slotJson, atJson)
  local cur = redis.call('HGET', ev, 'onStage')
  local v = 0
  if cur then v = cjson.decode(cur).version end
  local doc = '{"slot":' .. slotJson .. ',"version":' .. string.format('%d', v + 1) .. ',"at":' .. atJson .. '}'
  redis.call('HSET', ev, 'onStage', doc)
  return doc
end
-- slotKey() of shared/src/stage-slot.ts, for the slot stored now.
local function shownKey(ev)
  local cur = redis.call('HGET', ev, 'onStage')
  if not cur then return 'idle' end
  local s = cjson.decode(cur).slot
  if s.kind == 'idle' then return 'idle' end
  return s.kind .. ':' .. (s.pollId or s.questionId or s.board or s.runId)
end
-- A change of live session: the stage goes idle, announcements up to atJson are cleared.
local function sessionChanged(ev, atJson)
  redis.call('HSET', ev, 'announcementsClearedAt', atJson)
  if shownKey(ev) == 'idle' then return 0 end
  putSlot(ev, '{"kind":"idle"}', atJson)
  return 1
end
`;

const LUA = {
  // KEYS: event. ARGV: field/value pairs.
  patch: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    redis.call('HSET', KEYS[1], unpack(ARGV))
    return redis.call('HGETALL', KEYS[1])`,
  // KEYS: event. ARGV: session id JSON ('null' or '"id"'), session id or '', startedAt JSON.
  setLive: `${PUT_SLOT}
    if redis.call('EXISTS', KEYS[1]) == 0 then return {'no-event'} end
    if ARGV[2] ~= '' then
      local found = false
      for _, s in ipairs(cjson.decode(redis.call('HGET', KEYS[1], 'agenda') or '[]')) do
        if s.id == ARGV[2] then found = true break end
      end
      if not found then return {'no-session'} end
    end
    local previous = redis.call('HGET', KEYS[1], 'liveSessionId') or 'null'
    if previous == ARGV[1] then return {'same', previous, redis.call('HGETALL', KEYS[1])} end
    local started = ARGV[3]
    if ARGV[2] == '' then started = 'null' end
    local cleared = sessionChanged(KEYS[1], ARGV[3])
    redis.call('HSET', KEYS[1], 'liveSessionId', ARGV[1], 'liveSessionStartedAt', started)
    return {'changed', previous, redis.call('HGETALL', KEYS[1]), cleared}`,
  // KEYS: event. ARGV: agenda JSON, at JSON.
  setAgenda: `${PUT_SLOT}
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    redis.call('HSET', KEYS[1], 'agenda', ARGV[1])
    local live = redis.call('HGET', KEYS[1], 'liveSessionId') or 'null'
    local cleared = ''
    local stageCleared = 0
    if live ~= 'null' then
      local id = cjson.decode(live)
      local found = false
      for _, s in ipairs(cjson.decode(ARGV[1])) do
        if s.id == id then found = true break end
      end
      if not found then
        stageCleared = sessionChanged(KEYS[1], ARGV[2])
        redis.call('HSET', KEYS[1], 'liveSessionId', 'null', 'liveSessionStartedAt', 'null')
        cleared = id
      end
    end
    return {cleared, redis.call('HGETALL', KEYS[1]), stageCleared}`,
  // KEYS: event. ARGV: slot key, slot JSON, at JSON, ifShowing key ('' for none).
  setOnStage: `${PUT_SLOT}
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    local shown = shownKey(KEYS[1])
    if (ARGV[4] ~= '' and shown ~= ARGV[4]) or shown == ARGV[1] then
      return {0, redis.call('HGET', KEYS[1], 'onStage') or ''}
    end
    return {1, putSlot(KEYS[1], ARGV[2], ARGV[3])}`,
  // KEYS: event. ARGV: at JSON.
  clearAnnouncements: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    redis.call('HSET', KEYS[1], 'announcementsClearedAt', ARGV[1])
    return 1`,
  // KEYS: announcements. ARGV: JSON, kept.
  announce: `
    redis.call('LPUSH', KEYS[1], ARGV[1])
    redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
    return 1`,
  // KEYS: notes, order, reads. ARGV: id, JSON, kept.
  addNote: `
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
    redis.call('RPUSH', KEYS[2], ARGV[1])
    while redis.call('LLEN', KEYS[2]) > tonumber(ARGV[3]) do
      local old = redis.call('LPOP', KEYS[2])
      redis.call('HDEL', KEYS[1], old)
      redis.call('HDEL', KEYS[3], old)
    end
    return 1`,
  // KEYS: notes, reads. ARGV: id, read JSON. Returns {note JSON, read JSON, changed}.
  markRead: `
    local note = redis.call('HGET', KEYS[1], ARGV[1])
    if not note then return false end
    local changed = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
    return {note, redis.call('HGET', KEYS[2], ARGV[1]), changed}`,
  // KEYS: bans, slow, last, order, messages. ARGV: author id, now ms, exempt '1'/'0', id, JSON, window.
  postChat: `
    if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return {'banned'} end
    local now = tonumber(ARGV[2])
    if ARGV[3] ~= '1' then
      local slow = tonumber(redis.call('GET', KEYS[2]) or '0') * 1000
      local last = redis.call('HGET', KEYS[3], ARGV[1])
      if slow > 0 and last and now - tonumber(last) < slow then
        return {'slow', tostring(slow - (now - tonumber(last)))}
      end
    end
    redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
    redis.call('RPUSH', KEYS[4], ARGV[4])
    redis.call('HSET', KEYS[5], ARGV[4], ARGV[5])
    while redis.call('LLEN', KEYS[4]) > tonumber(ARGV[6]) do
      redis.call('HDEL', KEYS[5], redis.call('LPOP', KEYS[4]))
    end
    return {'ok'}`,
  // KEYS: order, messages. ARGV: id.
  deleteChat: `
    local doc = redis.call('HGET', KEYS[2], ARGV[1])
    if not doc then return false end
    redis.call('HDEL', KEYS[2], ARGV[1])
    redis.call('LREM', KEYS[1], 0, ARGV[1])
    return doc`,
  // Rewrites only messages still kept: one trimmed meanwhile must not come back.
  // KEYS: messages. ARGV: (message id, new JSON) pairs.
  rewriteChat: `
    for i = 1, #ARGV, 2 do
      if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
    end
    return 1`,
};

/** Flat [field, JSON, ...] of an HGETALL inside Lua -> record. */
function decodeFields<T>(flat: unknown): T {
  const arr = flat as string[];
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < arr.length; i += 2) out[String(arr[i])] = JSON.parse(String(arr[i + 1]));
  return out as T;
}

/** Object -> flat [field, JSON, ...] for HSET; undefined values are skipped. */
const toFields = (record: object): string[] => Object.entries(record).flatMap(([k, v]) => (v === undefined ? [] : [k, JSON.stringify(v)]));

/**
 * The stage methods on a connected client, on the adapter's keyspace (the event hash is shared
 * with the main adapter). Scripts run with EVALSHA and fall back to EVAL once after a restart.
 */
export function createRedisStage(client: AnyRedis, ks: Keyspace): StageStore {
  const ev = ks.ev;
  const key = {
    event: (id: string) => `${ev(id)}event:${id}`,
    announcements: (e: string) => `${ev(e)}stage-announcements:${e}`,
    notes: (e: string) => `${ev(e)}stage-notes:${e}`,
    noteOrder: (e: string) => `${ev(e)}stage-note-order:${e}`,
    noteReads: (e: string) => `${ev(e)}stage-note-reads:${e}`,
    chatOrder: (e: string) => `${ev(e)}chat-order:${e}`,
    chatMessages: (e: string) => `${ev(e)}chat-messages:${e}`,
    chatSlow: (e: string) => `${ev(e)}chat-slow:${e}`,
    chatLast: (e: string) => `${ev(e)}chat-last:${e}`,
    chatBans: (e: string) => `${ev(e)}chat-bans:${e}`,
  };

  const run = luaRunner(client, LUA);

  const withRead = (note: PresenterNote, readJson: string | null | undefined): PresenterNote => {
    if (!readJson) return note;
    const r = JSON.parse(readJson) as { readAt: string; readBy: string };
    return { ...note, readAt: r.readAt, readBy: r.readBy };
  };

  return {
    async patchEventStage(eventId, patch) {
      const fields = toFields(patch);
      if (fields.length === 0) {
        const raw = await client.hGetAll(key.event(eventId));
        return Object.keys(raw).length === 0 ? null : decodeFields<EventRecord>(Object.entries(raw).flat());
      }
      const reply = await run('patch', [key.event(eventId)], fields);
      return reply ? decodeFields<EventRecord>(reply) : null;
    },
    async setLive(eventId, sessionId, startedAt) {
      const reply = (await run('setLive', [key.event(eventId)], [JSON.stringify(sessionId), sessionId ?? '', JSON.stringify(startedAt)])) as unknown[];
      if (reply[0] === 'no-event' || reply[0] === 'no-session') return { ok: false, reason: reply[0] };
      return {
        ok: true,
        event: decodeFields<EventRecord>(reply[2]),
        previous: JSON.parse(String(reply[1])) as string | null,
        changed: reply[0] === 'changed',
        stageCleared: Number(reply[3] ?? 0) === 1,
      };
    },
    async setAgenda(eventId, agenda, at) {
      const reply = (await run('setAgenda', [key.event(eventId)], [JSON.stringify(agenda), JSON.stringify(at)])) as unknown[] | null;
      if (!reply) return null;
      const cleared = String(reply[0]);
      return { event: decodeFields<EventRecord>(reply[1]), clearedLive: cleared === '' ? null : cleared, stageCleared: Number(reply[2]) === 1 };
    },
    async setOnStage(eventId, slot, at, opts) {
      const args = [slotKey(slot), JSON.stringify(slot), JSON.stringify(at), opts?.ifShowing ?? ''];
      const reply = (await run('setOnStage', [key.event(eventId)], args)) as [number, string] | null;
      if (!reply) return null;
      return { changed: Number(reply[0]) === 1, onStage: reply[1] === '' ? NOTHING_ON_STAGE : (JSON.parse(reply[1]) as OnStage) };
    },
    async clearAnnouncements(eventId, at) {
      return Number(await run('clearAnnouncements', [key.event(eventId)], [JSON.stringify(at)])) === 1;
    },

    async addAnnouncement(eventId, a) {
      await run('announce', [key.announcements(eventId)], [JSON.stringify(a), String(ANNOUNCEMENTS_KEPT)]);
    },
    async recentAnnouncements(eventId) {
      return (await client.lRange(key.announcements(eventId), 0, ANNOUNCEMENTS_KEPT - 1)).map((s) => JSON.parse(String(s)) as Announcement);
    },

    async addNote(eventId, note) {
      await run('addNote', [key.notes(eventId), key.noteOrder(eventId), key.noteReads(eventId)], [note.id, JSON.stringify(note), String(NOTES_KEPT)]);
    },
    async listNotes(eventId) {
      // One MULTI: order, notes and reads at one point in time.
      const [ids, notes, reads] = (await client.multi().lRange(key.noteOrder(eventId), 0, -1).hGetAll(key.notes(eventId)).hGetAll(key.noteReads(eventId)).exec()) as unknown as [
        string[],
        Record<string, string>,
        Record<string, string>,
      ];
      return ids.flatMap((id) => {
        const doc = notes[String(id)];
        return doc ? [withRead(JSON.parse(doc) as PresenterNote, reads[String(id)])] : [];
      });
    },
    async markNoteRead(eventId, noteId, by, at) {
      const reply = (await run('markRead', [key.notes(eventId), key.noteReads(eventId)], [noteId, JSON.stringify({ readAt: at, readBy: by })])) as [string, string, number] | null;
      if (!reply) return null;
      return { note: withRead(JSON.parse(String(reply[0])) as PresenterNote, String(reply[1])), changed: Number(reply[2]) === 1 };
    },

    async postChat(eventId, message, opts) {
      const reply = (await run(
        'postChat',
        [key.chatBans(eventId), key.chatSlow(eventId), key.chatLast(eventId), key.chatOrder(eventId), key.chatMessages(eventId)],
        [message.authorId, String(opts.nowMs), opts.slowModeExempt ? '1' : '0', message.id, JSON.stringify(message), String(STAGE_LIMITS.chatWindow)],
      )) as string[];
      if (reply[0] === 'banned') return { ok: false, reason: 'banned' };
      if (reply[0] === 'slow') return { ok: false, reason: 'slow', retryAfterMs: Number(reply[1]) };
      return { ok: true };
    },
    async listChat(eventId) {
      const [ids, docs] = (await client.multi().lRange(key.chatOrder(eventId), 0, -1).hGetAll(key.chatMessages(eventId)).exec()) as unknown as [string[], Record<string, string>];
      return ids.flatMap((id) => {
        const doc = docs[String(id)];
        return doc ? [JSON.parse(doc) as ChatMessage] : [];
      });
    },
    async deleteChat(eventId, messageId) {
      const doc = await run('deleteChat', [key.chatOrder(eventId), key.chatMessages(eventId)], [messageId]);
      return typeof doc === 'string' ? (JSON.parse(doc) as ChatMessage) : null;
    },
    async setChatSlowMode(eventId, seconds) {
      await client.set(key.chatSlow(eventId), String(seconds));
    },
    async chatSlowMode(eventId) {
      return Number((await client.get(key.chatSlow(eventId))) ?? 0);
    },
    async setChatBan(eventId, participantId, banned) {
      if (banned) await client.sAdd(key.chatBans(eventId), participantId);
      else await client.sRem(key.chatBans(eventId), participantId);
    },
    async isChatBanned(eventId, participantId) {
      return Boolean(await client.sIsMember(key.chatBans(eventId), participantId));
    },
    async eraseChatAuthor(eventId, authorId, name) {
      const docs = (await client.hGetAll(key.chatMessages(eventId))) as Record<string, string>;
      const args = Object.entries(docs).flatMap(([id, doc]) => {
        const m = JSON.parse(String(doc)) as ChatMessage;
        return m.authorId === authorId ? [id, JSON.stringify({ ...m, authorName: name })] : [];
      });
      if (args.length > 0) await run('rewriteChat', [key.chatMessages(eventId)], args);
    },
  };
}
