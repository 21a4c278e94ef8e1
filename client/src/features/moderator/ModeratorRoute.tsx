import { useParams } from 'react-router-dom';
import { normalizeCode } from '../../lib/joinCode';
import { EventGate } from '../../components/EventGate';
import { KeyJoinForm } from '../join/KeyJoinForm';
import { ModeratorPanel } from './ModeratorPanel';

const ROLES = ['moderator', 'admin'] as const;

export function ModeratorRoute() {
  const code = normalizeCode(useParams().code ?? '');
  return (
    <EventGate
      key={code}
      code={code}
      view="moderator"
      roles={ROLES}
      join={({ notice, onJoined }) => <KeyJoinForm code={code} view="moderator" notice={notice} onJoined={onJoined} />}
    >
      <ModeratorPanel code={code} />
    </EventGate>
  );
}
