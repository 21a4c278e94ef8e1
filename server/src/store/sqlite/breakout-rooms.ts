import type Database from 'better-sqlite3';
import type { ChatMessage, Scorecard, Takeaway } from '@rally/shared';
import type { BreakoutRoomStore } from '../breakout-store.js';
import { compareScorecards, compareTakeaways, ROOM_CHAT_KEEP } from '../breakout-rooms-order.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS brk_chat (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  round_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS brk_chat_by_room ON brk_chat(round_id, room_id, seq);
CREATE TABLE IF NOT EXISTS brk_takeaways (
  round_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (round_id, room_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS brk_scorecards (
  round_id TEXT NOT NULL,
  rotation INTEGER NOT NULL,
  scorer_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (round_id, rotation, scorer_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS brk_in_video (
  round_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  PRIMARY KEY (round_id, room_id, participant_id)
) WITHOUT ROWID;
`;

/** What happens inside breakout rooms, on the embedded store's database; each method is one statement or transaction. */
export function createSqliteBreakoutRooms(db: Database.Database): BreakoutRoomStore & { purgeRoomData(roundId: string): void } {
  db.exec(SCHEMA);
  const q = {
    chatAdd: db.prepare('INSERT INTO brk_chat (round_id, room_id, id, doc) VALUES (?, ?, ?, ?)'),
    // [BSTORE20] The rolling window: everything older than the room's latest ROOM_CHAT_KEEP goes.
    chatTrim: db.prepare(
      'DELETE FROM brk_chat WHERE round_id = ? AND room_id = ? AND seq <= (SELECT seq FROM brk_chat WHERE round_id = ? AND room_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)',
    ),
    chatDelete: db.prepare('DELETE FROM brk_chat WHERE round_id = ? AND room_id = ? AND id = ?'),
    chatLatest: db.prepare<[string, string, number], { doc: string }>('SELECT doc FROM brk_chat WHERE round_id = ? AND room_id = ? ORDER BY seq DESC LIMIT ?'),
    takeawayPut: db.prepare('INSERT INTO brk_takeaways (round_id, room_id, doc) VALUES (?, ?, ?) ON CONFLICT(round_id, room_id) DO UPDATE SET doc = excluded.doc'),
    takeaways: db.prepare<[string], { doc: string }>('SELECT doc FROM brk_takeaways WHERE round_id = ?'),
    // [BSTORE22] The primary key is the one-per-(round, rotation, scorer) rule; OR IGNORE makes a second writer a no-op.
    scorecardAdd: db.prepare('INSERT OR IGNORE INTO brk_scorecards (round_id, rotation, scorer_id, doc) VALUES (?, ?, ?, ?)'),
    scorecards: db.prepare<[string], { doc: string }>('SELECT doc FROM brk_scorecards WHERE round_id = ?'),
    videoIn: db.prepare('INSERT OR IGNORE INTO brk_in_video (round_id, room_id, participant_id) VALUES (?, ?, ?)'),
    videoOut: db.prepare('DELETE FROM brk_in_video WHERE round_id = ? AND room_id = ? AND participant_id = ?'),
    video: db.prepare<[string], { room_id: string; participant_id: string }>('SELECT room_id, participant_id FROM brk_in_video WHERE round_id = ? ORDER BY room_id, participant_id'),
    purge: ['brk_chat', 'brk_takeaways', 'brk_scorecards', 'brk_in_video'].map((t) => db.prepare(`DELETE FROM ${t} WHERE round_id = ?`)),
  };

  const addChat = db.transaction((roundId: string, roomId: string, msg: ChatMessage) => {
    q.chatAdd.run(roundId, roomId, msg.id, JSON.stringify(msg));
    q.chatTrim.run(roundId, roomId, roundId, roomId, ROOM_CHAT_KEEP);
  });
  const purge = db.transaction((roundId: string) => {
    for (const s of q.purge) s.run(roundId);
  });

  return {
    async addRoomChat(roundId, roomId, msg) {
      addChat(roundId, roomId, msg);
    },
    async deleteRoomChat(roundId, roomId, messageId) {
      return q.chatDelete.run(roundId, roomId, messageId).changes > 0;
    },
    async listRoomChat(roundId, roomId, limit) {
      if (limit <= 0) return [];
      return q.chatLatest
        .all(roundId, roomId, limit)
        .map((r) => JSON.parse(r.doc) as ChatMessage)
        .reverse();
    },
    async setTakeaway(t) {
      q.takeawayPut.run(t.roundId, t.roomId, JSON.stringify(t));
    },
    async listTakeaways(roundId) {
      return q.takeaways.all(roundId).map((r) => JSON.parse(r.doc) as Takeaway).sort(compareTakeaways);
    },
    async addScorecard(card) {
      return q.scorecardAdd.run(card.roundId, card.rotation, card.scorerId, JSON.stringify(card)).changes > 0;
    },
    async listScorecards(roundId) {
      return q.scorecards.all(roundId).map((r) => JSON.parse(r.doc) as Scorecard).sort(compareScorecards);
    },
    async setInVideo(roundId, roomId, participantId, inVideo) {
      return (inVideo ? q.videoIn : q.videoOut).run(roundId, roomId, participantId).changes > 0;
    },
    async listInVideo(roundId) {
      const out = new Map<string, string[]>();
      for (const r of q.video.all(roundId)) out.set(r.room_id, [...(out.get(r.room_id) ?? []), r.participant_id]);
      return out;
    },
    purgeRoomData(roundId) {
      purge(roundId);
    },
  };
}
