import type { Mode, Role } from '@rally/shared';

export const MODE_LABEL: Record<Mode, string> = { room: 'In the room', remote: 'Remote' };

export function ModeBadge({ mode }: { mode: Mode }) {
  return (
    <span className={`badge badge-${mode}`} data-testid="mode-badge" data-mode={mode}>
      {mode === 'room' ? 'Room' : 'Remote'}
    </span>
  );
}

const ROLE_LABEL: Record<Role, string> = {
  attendee: 'Attendee',
  presenter: 'Presenter',
  moderator: 'Moderator',
  admin: 'Organiser',
  screen: 'Stage screen',
};

export function RoleBadge({ role }: { role: Role }) {
  return <span className="badge badge-role">{ROLE_LABEL[role]}</span>;
}
