import type { ReactNode } from 'react';
import { ModeratorEngagement } from '../engagement/ModeratorEngagement';
import { ModeratorPolls } from '../polls/ModeratorPolls';
import { ModeratorQa } from '../qa/ModeratorQa';
import { ModeratorQuiz } from '../quiz/ModeratorQuiz';
import { ModeratorBreakouts } from '../breakouts/ModeratorBreakouts';
import type { AttentionKind } from './attention';
import { LiveSection } from './LiveSection';
import { PeopleSection } from './PeopleSection';
import { SettingsSection } from './SettingsSection';

/**
 * [UI10] The console's sections, in nav order. One entry per capability: Quiz and Breakouts arrive
 * as one entry each (their help requests as an attention kind). The first entry is where the
 * moderator link lands; Alt+n goes to the nth.
 */
export interface ConsoleSection {
  id: string;
  label: string;
  /** The URL segment after /moderator; '' for the landing section. */
  path: string;
  /** The letter after "g". */
  key: string;
  /** What waits for attention here, shown as a badge on the nav entry from every section. */
  attention: readonly AttentionKind[];
  render: (code: string) => ReactNode;
}

export const CONSOLE_SECTIONS: readonly ConsoleSection[] = [
  { id: 'live', label: 'Live', path: '', key: 'l', attention: [], render: () => <LiveSection /> },
  { id: 'polls', label: 'Polls', path: 'polls', key: 'p', attention: [], render: (code) => <ModeratorPolls code={code} /> },
  { id: 'qa', label: 'Q&A', path: 'qa', key: 'q', attention: ['pendingQuestions'], render: (code) => <ModeratorQa code={code} /> },
  { id: 'people', label: 'People', path: 'people', key: 'o', attention: [], render: () => <PeopleSection /> },
  { id: 'engagement', label: 'Engagement', path: 'engagement', key: 'e', attention: [], render: (code) => <ModeratorEngagement code={code} /> },
  { id: 'quiz', label: 'Quiz', path: 'quiz', key: 'z', attention: [], render: (code) => <ModeratorQuiz code={code} /> },
  { id: 'breakouts', label: 'Breakouts', path: 'breakouts', key: 'b', attention: ['breakoutHelp'], render: () => <ModeratorBreakouts /> },
  { id: 'settings', label: 'Event settings', path: 'settings', key: 's', attention: [], render: () => <SettingsSection /> },
];

/** The section a URL segment names; undefined for a segment no section has. */
export function sectionAt(segment: string | undefined): ConsoleSection | undefined {
  return CONSOLE_SECTIONS.find((s) => s.path === (segment ?? ''));
}
