import { useId, useState } from 'react';
import type { BreakoutRound, RoomOccupancy } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';

/**
 * [BRK92] [BRK15] Swaps one person with someone of another room (or without a room): both change
 * places at once, also while the round is open. The list groups people by room.
 */
export function SwapRow({ round, occupancy, names, pid, roomId, onDone }: { round: BreakoutRound; occupancy: RoomOccupancy | undefined; names: (id: string) => string; pid: string; roomId: string | null; onDone: () => void }) {
  const { send } = useLive();
  const id = useId();
  const [error, setError] = useState('');
  const name = names(pid);
  const groups = [
    ...round.rooms.filter((r) => r.id !== roomId).map((r) => ({ key: r.id, label: r.name, people: occupancy?.rooms[r.id]?.assigned ?? [] })),
    ...(roomId !== null ? [{ key: '', label: 'Without a room', people: occupancy?.unassigned ?? [] }] : []),
  ].filter((g) => g.people.length > 0);
  return (
    <li data-testid="brk-person">
      <span className="brk-swap-pick">
        <label htmlFor={id}>Swap {name} with</label>
        <select
          id={id}
          autoFocus
          defaultValue=""
          onChange={async (e) => {
            if (!e.target.value) return;
            const ack = await send('breakout:swap', { roundId: round.id, a: pid, b: e.target.value }, { quiet: true });
            if (ack.ok) onDone();
            else setError(sentence(ack.error.message));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onDone();
          }}
          data-testid="brk-swap"
        >
          <option value="">Choose someone…</option>
          {groups.map((g) => (
            <optgroup key={g.key} label={g.label}>
              {g.people.map((p) => (
                <option key={p} value={p}>
                  {names(p)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </span>
      <button type="button" className="btn btn-small btn-quiet" onClick={onDone}>
        Cancel
      </button>
      {groups.length === 0 ? <span className="muted small">Nobody in another room to swap with.</span> : null}
      <span className={error ? 'field-error' : 'visually-hidden'} role="status">
        {error}
      </span>
    </li>
  );
}
