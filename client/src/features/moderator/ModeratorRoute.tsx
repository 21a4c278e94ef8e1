import { useParams } from 'react-router-dom';
import { normalizeCode } from '../../lib/joinCode';
import { EventGate } from '../../components/EventGate';
import { KeyJoinForm } from '../join/KeyJoinForm';
import { ModeratorConsole } from './ModeratorConsole';

const ROLES = ['moderator', 'admin'] as const;

export function ModeratorRoute() {
  const params = useParams();
  const code = normalizeCode(params.code ?? '');
  // The gate is keyed by the code only: moving between sections keeps the connection and state.
  return (
    <EventGate
      key={code}
      code={code}
      view="moderator"
      roles={ROLES}
      join={({ notice, onJoined }) => <KeyJoinForm code={code} view="moderator" notice={notice} onJoined={onJoined} />}
    >
      <ModeratorConsole code={code} segment={params.section} />
    </EventGate>
  );
}
