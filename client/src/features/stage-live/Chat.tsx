import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ChatText, ErrorCode, STAGE_LIMITS, type ChatMessage } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';
import { slowModeWaitMs } from '../../lib/stageState';
import { useServerNow } from './hooks';

const STAFF = new Set(['moderator', 'admin']);
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** [STAGE20]–[STAGE24] The event chat beside the stage: text only, moderators delete and ban. */
export function EventChat() {
  const { state, send } = useLive();
  const { chat } = state.stage;
  const me = state.me;
  const isMod = STAFF.has(me.role);
  const now = useServerNow(1000);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [rateUntil, setRateUntil] = useState(0);
  const id = useId();
  const logRef = useRef<HTMLDivElement>(null);
  const count = chat.messages.length;
  // Newest at the bottom: follow new messages.
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count]);
  const slowWait = me.role === 'attendee' ? slowModeWaitMs(state.stage, me.id, now) : 0;
  const wait = Math.max(slowWait, rateUntil - now);
  const waitSec = Math.ceil(wait / 1000);

  if (me.role === 'screen') return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = ChatText.safeParse(text);
    if (!parsed.success) {
      setError(sentence(parsed.error.issues[0]?.message ?? 'Write a message'));
      return;
    }
    setBusy(true);
    const ack = await send('chat:send', { text: parsed.data }, { quiet: true });
    setBusy(false);
    if (!ack.ok) {
      setError(sentence(ack.error.message));
      if (ack.error.code === ErrorCode.RATE_LIMITED) {
        const m = /try again in (\d+)\s*s/.exec(ack.error.message);
        setRateUntil(now + (m ? Number(m[1]) : 5) * 1000);
      }
      return;
    }
    setError('');
    setText('');
  }

  return (
    <section className="card chat" aria-labelledby={`${id}-h`} data-testid="chat">
      <h2 id={`${id}-h`}>Event chat</h2>
      {isMod ? <SlowModeControl /> : chat.settings.slowModeSec > 0 ? (
        <p className="muted small" data-testid="chat-slow-mode">
          Slow mode: one message every {chat.settings.slowModeSec} s.
        </p>
      ) : null}
      {/* A log region (polite) around a real list, so list semantics survive; focusable to scroll by keyboard. */}
      <div ref={logRef} role="log" aria-label="Chat messages" className="chat-log" tabIndex={0}>
      <ol className="chat-list" data-testid="chat-list">
        {chat.messages.length === 0 ? <li className="muted">No messages yet.</li> : null}
        {chat.messages.map((m) => (
          <ChatRow key={m.id} m={m} mine={m.authorId === me.id} isMod={isMod} banned={state.stage.chatBans[m.authorId] === true} />
        ))}
      </ol>
      </div>
      {chat.banned ? (
        <p className="field-error" data-testid="chat-banned">
          A moderator has stopped you chatting in this event.
        </p>
      ) : (
        <form className="chat-form" onSubmit={submit} noValidate data-testid="chat-form">
          <label htmlFor={id}>Message</label>
          <div className="row">
            <input
              id={id}
              value={text}
              onChange={(e) => setText(e.target.value)}
              maxLength={STAGE_LIMITS.chat * 2}
              autoComplete="off"
              aria-invalid={error ? true : undefined}
              aria-describedby={`${id}-status`}
              data-testid="chat-input"
            />
            <button type="submit" className="btn btn-primary" disabled={busy || wait > 0} data-testid="chat-send">
              Send
            </button>
          </div>
          <p id={`${id}-status`} className={error ? 'field-error' : 'muted small'} aria-live="polite" data-testid="chat-status">
            {wait > 0 ? `You can send again in ${waitSec} s. ` : ''}
            {error}
          </p>
        </form>
      )}
    </section>
  );
}

function ChatRow({ m, mine, isMod, banned }: { m: ChatMessage; mine: boolean; isMod: boolean; banned: boolean }) {
  const { send } = useLive();
  const [busy, setBusy] = useState(false);
  const canBan = isMod && !mine && !STAFF.has(m.authorRole);
  return (
    <li className={`chat-msg ${mine ? 'mine' : ''}`} data-testid="chat-message" data-message-id={m.id}>
      <span className="chat-author">
        {m.authorName}
        {mine ? ' (you)' : ''}
        {m.authorRole !== 'attendee' ? <span className="badge">{m.authorRole === 'admin' ? 'organiser' : m.authorRole}</span> : null}
      </span>{' '}
      <time className="muted small" dateTime={m.at}>
        {timeFmt.format(new Date(m.at))}
      </time>
      <p className="chat-text">{m.text}</p>
      {isMod ? (
        <span className="row chat-actions">
          <button
            type="button"
            className="btn btn-small btn-quiet"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              await send('chat:delete', { messageId: m.id });
              setBusy(false);
            }}
            aria-label={`Delete message from ${m.authorName}`}
            data-testid="chat-delete"
          >
            Delete
          </button>
          {canBan ? (
            <button
              type="button"
              className="btn btn-small btn-danger-outline"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                await send('chat:banParticipant', { participantId: m.authorId, banned: !banned });
                setBusy(false);
              }}
              aria-label={banned ? `Let ${m.authorName} chat again` : `Stop ${m.authorName} chatting`}
              data-testid="chat-ban"
              data-banned={banned}
            >
              {banned ? 'Unban from chat' : 'Ban from chat'}
            </button>
          ) : null}
        </span>
      ) : null}
    </li>
  );
}

const SLOW_CHOICES = [0, 5, 10, 30, 60, 120, 300];

function SlowModeControl() {
  const { state, send } = useLive();
  const id = useId();
  const current = state.stage.chat.settings.slowModeSec;
  return (
    <div className="field row">
      <label htmlFor={id}>Slow mode</label>
      <select
        id={id}
        value={SLOW_CHOICES.includes(current) ? current : 0}
        onChange={(e) => void send('chat:setSlowMode', { seconds: Number(e.target.value) })}
        data-testid="chat-slow-mode-select"
      >
        {SLOW_CHOICES.map((s) => (
          <option key={s} value={s}>
            {s === 0 ? 'Off' : `One message per ${s} s`}
          </option>
        ))}
      </select>
    </div>
  );
}
