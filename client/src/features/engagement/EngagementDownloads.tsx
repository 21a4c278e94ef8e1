import { DownloadButton } from '../../components/DownloadButton';

/** [ENG13] [ENG14] [ENG16] Every engagement export, one button each, fetched with the moderator's token. */
const EXPORTS = [
  { path: 'engagement/participants.csv', label: 'Participants (CSV)', file: 'participants', ext: 'csv', what: 'the participants', id: 'participants-csv' },
  { path: 'engagement/participants.xlsx', label: 'Participants (Excel)', file: 'participants', ext: 'xlsx', what: 'the participants', id: 'participants-xlsx' },
  { path: 'engagement/log.csv', label: 'Engagement log (CSV)', file: 'engagement', ext: 'csv', what: 'the engagement log', id: 'log-csv' },
  { path: 'engagement/log.ndjson', label: 'Engagement log (NDJSON)', file: 'engagement', ext: 'ndjson', what: 'the engagement log', id: 'log-ndjson' },
  { path: 'engagement/survey.csv', label: 'Survey results (CSV)', file: 'survey', ext: 'csv', what: 'the survey results', id: 'survey-csv' },
] as const;

export function EngagementDownloads({ code }: { code: string }) {
  return (
    <div className="engagement-downloads" data-testid="engagement-downloads">
      {EXPORTS.map((x) => (
        <DownloadButton
          key={x.id}
          code={code}
          path={x.path}
          label={x.label}
          fallbackName={`rally-${x.file}-${code}.${x.ext}`}
          what={x.what}
          testId={`download-${x.id}`}
          statusTestId={`download-${x.id}-status`}
        />
      ))}
    </div>
  );
}
