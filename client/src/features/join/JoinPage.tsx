import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { loadToken } from '../../lib/tokens';
import { normalizeCode } from '../../lib/joinCode';
import { JoinForm } from './JoinForm';

/** `/j/:code`: the attendee link and QR target. Someone who already joined goes straight back in. */
export function JoinPage() {
  const code = normalizeCode(useParams().code ?? '');
  const navigate = useNavigate();
  if (loadToken(code, 'attendee')) return <Navigate to={`/e/${code}`} replace />;
  return <JoinForm code={code} notice={null} onJoined={() => navigate(`/e/${code}`)} />;
}
