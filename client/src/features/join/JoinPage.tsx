import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { loadToken } from '../../lib/tokens';
import { normalizeCode } from '../../lib/joinCode';
import { JoinForm } from './JoinForm';

/** `/j/:code`: the attendee link and QR target. Someone who already joined goes straight back in. */
export function JoinPage() {
  const code = normalizeCode(useParams().code ?? '');
  const navigate = useNavigate();
  // Someone already in who scans the stage QR keeps the room code for the "I'm in the room" form.
  if (loadToken(code, 'attendee')) return <Navigate to={`/e/${code}${window.location.search}`} replace />;
  return <JoinForm code={code} notice={null} onJoined={() => navigate(`/e/${code}`)} />;
}
