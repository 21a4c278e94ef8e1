import { useParams } from 'react-router-dom';
import { normalizeCode } from '../../lib/joinCode';
import { EventGate } from '../../components/EventGate';
import { JoinForm } from '../join/JoinForm';
import { AttendeeApp } from './AttendeeApp';

const ROLES = ['attendee', 'presenter', 'moderator', 'admin'] as const;

/** `/e/:code`: the attendee app, or the join form when this browser has not joined yet. */
export function AttendeeRoute() {
  const code = normalizeCode(useParams().code ?? '');
  return (
    <EventGate key={code} code={code} view="attendee" roles={ROLES} join={({ notice, onJoined }) => <JoinForm code={code} notice={notice} onJoined={onJoined} />}>
      <AttendeeApp code={code} />
    </EventGate>
  );
}
