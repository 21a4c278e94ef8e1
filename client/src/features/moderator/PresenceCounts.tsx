import type { CohortCounts } from '@rally/shared';

/** [PRES1] Attendees online, room and remote: on the Live section and above the People list. */
export function PresenceCounts({ counts }: { counts: CohortCounts }) {
  return (
    <div className="counts" role="group" aria-label="Online by cohort">
      <div className="count">
        <span className="count-value" data-testid="presence-room-count">
          {counts.room}
        </span>
        <span className="count-label">Room</span>
      </div>
      <div className="count">
        <span className="count-value" data-testid="presence-remote-count">
          {counts.remote}
        </span>
        <span className="count-label">Remote</span>
      </div>
    </div>
  );
}
