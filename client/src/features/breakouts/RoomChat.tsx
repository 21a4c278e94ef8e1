import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { BREAKOUT_LIMITS } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { chatKey } from '../../lib/breakoutState';
import { sentence } from '../../lib/text';

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * [BRK61] One room's chat: attendees in their own room, staff in the room they opened (`asStaff`:
 * the message names the room; moderators may delete).
 */
export function RoomChat({ roundId, roomId, asStaff = false, label = 'Room chat' }: { roundId: string; roomId: string; asStaff?: boolean; label?: string }) {
  const { state, send } = useLive();
  const messages = state.breakouts.chat[chatKey(roundId, roomId)] ?? [];
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const logRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const t = text.trim();
    if (!t) {
      setError('Write a message first.');
      return;
    }
    setBusy(true);
    const ack = await send('breakout:chat', { roundId, text: t, ...(asStaff ? { roomId } : {}) }, { quiet: true });
    setBusy(false);
    if (!ack.ok) {
      setError(sentence(ack.error.message));
      return;
    }
    setError('');
    setText('');
  }

  return (
    <section className="brk-chat" aria-labelledby={`${id}-h`} data-testid="brk-chat">
      <h3 id={`${id}-h`}>{label}</h3>
      <div ref={logRef} role="log" aria-label={`${label} messages`} className="chat-log" tabIndex={0}>
        <ol className="chat-list" data-testid="brk-chat-list">
          {messages.length === 0 ? <li className="muted">No messages yet.</li> : null}
          {messages.map((m) => (
            <li key={m.id} className={`chat-msg ${m.authorId === state.me.id ? 'mine' : ''}`} data-testid="brk-chat-message">
              <span className="chat-author">
                {m.authorName}
                {m.authorId === state.me.id ? ' (you)' : ''}
                {m.authorRole !== 'attendee' ? <span className="badge">{m.authorRole === 'admin' ? 'organiser' : m.authorRole}</span> : null}
              </span>{' '}
              <time className="muted small" dateTime={m.at}>
                {timeFmt.format(new Date(m.at))}
              </time>
              <p className="chat-text">{m.text}</p>
              {asStaff ? (
                <button type="button" className="btn btn-small btn-quiet" onClick={() => void send('breakout:deleteChat', { roundId, roomId, messageId: m.id })} aria-label={`Delete message from ${m.authorName}`}>
                  Delete
                </button>
              ) : null}
            </li>
          ))}
        </ol>
      </div>
      <form className="chat-form" onSubmit={submit} noValidate>
        <label htmlFor={id}>Message</label>
        <div className="row">
          <input id={id} value={text} onChange={(e) => setText(e.target.value)} maxLength={BREAKOUT_LIMITS.chatMax * 2} autoComplete="off" aria-describedby={`${id}-status`} data-testid="brk-chat-input" />
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="brk-chat-send">
            Send
          </button>
        </div>
        <p id={`${id}-status`} className={error ? 'field-error' : 'visually-hidden'} aria-live="polite">
          {error}
        </p>
      </form>
    </section>
  );
}
