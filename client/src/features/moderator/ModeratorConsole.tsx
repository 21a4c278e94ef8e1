import { useCallback, useEffect, useRef, useState } from 'react';
import { Navigate, NavLink, useNavigate } from 'react-router-dom';
import { useLive } from '../../components/EventGate';
import { Screen } from '../../components/Layout';
import { isTyping } from '../../lib/keys';
import { attentionOf } from './attention';
import { sectionPath } from './paths';
import { CONSOLE_SECTIONS, sectionAt, type ConsoleSection } from './sections';
import { readShortcut } from './shortcuts';
import { ShortcutHelp } from './ShortcutHelp';
import './console.css';

/** A shortcut asked for a section: its heading takes focus when it shows ([UI11]). */
let focusOnArrival = false;

/**
 * [UI10] The moderator console: one section at a time, each at its own URL, a nav that shows from
 * every section what waits for attention ([UI12]), and keyboard shortcuts ([UI11]).
 */
export function ModeratorConsole({ code, segment }: { code: string; segment: string | undefined }) {
  const { state, connection } = useLive();
  const navigate = useNavigate();
  const [helpOpen, setHelpOpen] = useState(false);
  const section = sectionAt(segment);
  const heading = useRef<HTMLHeadingElement>(null);
  const nav = useRef<HTMLElement>(null);
  const arrived = useRef(false);

  const go = useCallback(
    (s: ConsoleSection) => {
      focusOnArrival = true;
      navigate(sectionPath(code, s.path));
    },
    [navigate, code],
  );
  useConsoleShortcuts(go, () => setHelpOpen(true));

  // A section change moves focus to its heading, so keyboard and screen reader users land in it;
  // the first render leaves focus where the browser put it, unless a shortcut asked for the section
  // (the console may have been mounted again meanwhile, by a reconnection).
  useEffect(() => {
    if (arrived.current || focusOnArrival) heading.current?.focus();
    focusOnArrival = false;
    arrived.current = true;
    // On a phone the strip scrolls sideways: keep the current entry in sight (a reload of a late section).
    nav.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [section?.id]);

  if (!section) return <Navigate to={sectionPath(code, '')} replace />;

  return (
    <Screen title={state.event.name} subtitle={`Moderator · code ${code}`} connection={connection} wide>
      <div className="console" data-section={section.id}>
        <nav ref={nav} className="console-nav" aria-label="Console sections" data-testid="console-nav">
          <ul>
            {CONSOLE_SECTIONS.map((s, i) => {
              const waiting = attentionOf(s.attention, state);
              return (
                <li key={s.id}>
                  <NavLink
                    to={sectionPath(code, s.path)}
                    end
                    className="console-nav-link"
                    // The badge is drawn for the eye; its words are in the link's name.
                    aria-label={waiting.count > 0 ? `${s.label}, ${waiting.description}` : undefined}
                    aria-keyshortcuts={`G ${s.key.toUpperCase()} Alt+${i + 1}`}
                    data-testid={`console-nav-${s.id}`}
                  >
                    <span>{s.label}</span>
                    {waiting.count > 0 ? (
                      <span className="console-badge" aria-hidden="true" data-testid={`console-attention-${s.id}`}>
                        {waiting.count}
                      </span>
                    ) : null}
                  </NavLink>
                </li>
              );
            })}
          </ul>
          <button type="button" className="btn btn-small btn-quiet console-keys" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?" data-testid="console-shortcuts">
            Shortcuts <kbd aria-hidden="true">?</kbd>
          </button>
        </nav>
        <div className="console-main" data-testid={`console-section-${section.id}`}>
          <h1 ref={heading} tabIndex={-1} className="visually-hidden">
            Moderator console: {section.label}
          </h1>
          {section.render(code)}
        </div>
      </div>
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} sections={CONSOLE_SECTIONS} />
    </Screen>
  );
}

/** [UI11] One keydown listener for the console; keys typed into fields are text. */
function useConsoleShortcuts(go: (s: ConsoleSection) => void, help: () => void) {
  const latest = useRef({ go, help });
  latest.current = { go, help };
  useEffect(() => {
    let gAt: number | null = null;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat || isTyping(e.target)) return;
      const read = readShortcut(e, gAt, e.timeStamp, CONSOLE_SECTIONS);
      gAt = read.gAt;
      const action = read.action;
      if (!action) return;
      e.preventDefault();
      if (action.kind === 'help') latest.current.help();
      else {
        const s = CONSOLE_SECTIONS.find((x) => x.id === action.id);
        if (s) latest.current.go(s);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
