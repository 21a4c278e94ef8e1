import type { StoredQuestion } from '../../store/qa-store.js';
import type { QaDeps } from './deps.js';

/**
 * [QA19] [SEC21] A ban from asking is kept as the marks moderators see, never as one flag per person
 * shown on all their questions: banning through an anonymous question would otherwise mark the
 * asker's named questions (and a ban by name their anonymous ones), telling the moderator who
 * asked. The store's ban set holds three kinds of member:
 * - a participant id: banned by name (or through a named question); their named questions show it;
 * - `q:<question id>`: banned through that anonymous question; that question alone shows it;
 * - `anon:<participant id>`: the person has at least one such mark; read only to refuse their asking.
 * Asking is refused while any holds; each is lifted only the way it was set, so lifting one never
 * changes what another question shows.
 */
const throughQuestion = (questionId: string) => `q:${questionId}`;
const throughAnonymous = (participantId: string) => `anon:${participantId}`;

type BanStore = Pick<QaDeps['store'], 'isAskerBanned' | 'setAskerBan'>;

/** Whether this participant may not ask now, whichever way they were banned. */
export async function bannedFromAsking(store: Pick<BanStore, 'isAskerBanned'>, eventId: string, participantId: string): Promise<boolean> {
  const [named, anonymous] = await Promise.all([store.isAskerBanned(eventId, participantId), store.isAskerBanned(eventId, throughAnonymous(participantId))]);
  return named || anonymous;
}

/** The `askerBanned` moderators see on q, from the event's ban set read once (a snapshot). */
export const askerMark = (q: Pick<StoredQuestion, 'id' | 'anonymous' | 'authorId'>, bans: ReadonlySet<string>): boolean =>
  bans.has(q.anonymous ? throughQuestion(q.id) : q.authorId);

/** The `askerBanned` moderators see on q, read alone. */
export const askerMarkOf = (store: Pick<BanStore, 'isAskerBanned'>, q: Pick<StoredQuestion, 'id' | 'anonymous' | 'authorId' | 'eventId'>): Promise<boolean> =>
  store.isAskerBanned(q.eventId, q.anonymous ? throughQuestion(q.id) : q.authorId);

/**
 * Sets or lifts one mark: through an anonymous question, on that question only; otherwise by name.
 * Returns the questions whose mark changed (what moderators must be told) and whether the
 * participant may not ask now.
 */
export async function setAskerMark(
  store: BanStore & Pick<QaDeps['store'], 'listQuestions'>,
  eventId: string,
  participantId: string,
  through: StoredQuestion | null,
  banned: boolean,
): Promise<{ changed: StoredQuestion[]; bannedNow: boolean }> {
  const theirs = (await store.listQuestions(eventId)).filter((q) => q.authorId === participantId);
  if (through?.anonymous) {
    await store.setAskerBan(eventId, throughQuestion(through.id), banned);
    // The person-level flag follows their marks: lifted only when no anonymous question of theirs still has one.
    const stillMarked = banned || (await Promise.all(theirs.filter((q) => q.anonymous && q.id !== through.id).map((q) => askerMarkOf(store, q)))).some(Boolean);
    await store.setAskerBan(eventId, throughAnonymous(participantId), stillMarked);
    return { changed: theirs.filter((q) => q.id === through.id), bannedNow: await bannedFromAsking(store, eventId, participantId) };
  }
  await store.setAskerBan(eventId, participantId, banned);
  return { changed: theirs.filter((q) => !q.anonymous), bannedNow: await bannedFromAsking(store, eventId, participantId) };
}
