import { useParams } from 'react-router-dom';
import { normalizeCode } from '../../lib/joinCode';
import { EventGate } from '../../components/EventGate';
import { KeyJoinForm } from '../join/KeyJoinForm';
import { PresenterView } from './PresenterView';

const ROLES = ['presenter', 'moderator', 'admin'] as const;

export function PresenterRoute() {
  const code = normalizeCode(useParams().code ?? '');
  return (
    <EventGate
      key={code}
      code={code}
      view="presenter"
      roles={ROLES}
      join={({ notice, onJoined }) => <KeyJoinForm code={code} view="presenter" notice={notice} onJoined={onJoined} />}
    >
      <PresenterView code={code} />
    </EventGate>
  );
}
