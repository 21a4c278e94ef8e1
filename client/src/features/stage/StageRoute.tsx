import { useParams } from 'react-router-dom';
import { normalizeCode } from '../../lib/joinCode';
import { EventGate } from '../../components/EventGate';
import { KeyJoinForm } from '../join/KeyJoinForm';
import { StageScreen } from './StageScreen';

const ROLES = ['screen'] as const;
export const STAGE_NAME = 'Stage screen';

export function StageRoute() {
  const code = normalizeCode(useParams().code ?? '');
  return (
    <EventGate
      key={code}
      code={code}
      view="stage"
      roles={ROLES}
      join={({ notice, onJoined }) => <KeyJoinForm code={code} view="stage" notice={notice} onJoined={onJoined} autoName={STAGE_NAME} />}
    >
      <StageScreen code={code} />
    </EventGate>
  );
}
