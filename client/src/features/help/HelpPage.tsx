import { Link, useParams, useSearchParams } from 'react-router-dom';
import { Screen } from '../../components/Layout';
import { NotFoundPage } from '../../components/NotFoundPage';
import { GUIDES } from './guides';
import { backPath, HELP_ROLES, isHelpRole } from './roles';
import './help.css';

const ROLE_LABEL = { attendee: 'Attendees', presenter: 'Presenters', moderator: 'Moderators', organiser: 'Organisers' } as const;

/** `/help/:role`: [UI39] the short guide for one role, with a way back to where it was opened. */
export function HelpPage() {
  const role = useParams().role;
  const [search] = useSearchParams();
  if (!isHelpRole(role)) return <NotFoundPage />;
  const guide = GUIDES[role];
  const from = search.get('from');
  const back = backPath(from);
  const query = from ? `?from=${encodeURIComponent(from)}` : '';
  return (
    <Screen title="Help">
      <nav className="help-back">
        <Link to={back} className="btn btn-small">
          {back === '/' ? 'Rally home' : back.startsWith('/organiser') ? 'Back to the organiser page' : 'Back to the event'}
        </Link>
      </nav>
      <article className="card help-guide" aria-labelledby="help-title" data-testid="help-guide" data-role={role}>
        <h1 id="help-title">{guide.title}</h1>
        <p className="help-intro">{guide.intro}</p>
        {guide.sections.map((s) => (
          <section key={s.heading} aria-label={s.heading}>
            <h2>{s.heading}</h2>
            <ul>
              {s.points.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </section>
        ))}
      </article>
      <nav aria-label="Other guides" className="help-others">
        <p className="muted small">Other guides:</p>
        <ul className="help-other-list">
          {HELP_ROLES.filter((r) => r !== role).map((r) => (
            <li key={r}>
              <Link to={`/help/${r}${query}`}>{ROLE_LABEL[r]}</Link>
            </li>
          ))}
        </ul>
      </nav>
    </Screen>
  );
}
