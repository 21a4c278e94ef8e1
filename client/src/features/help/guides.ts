import type { HelpRole } from './roles';

/**
 * [UI39] One short guide per role: what the screen does today, in plain words. A guide names only
 * what exists; the e2e spec checks that.
 */
export interface Guide {
  title: string;
  intro: string;
  sections: { heading: string; points: string[] }[];
}

export const GUIDES: Record<HelpRole, Guide> = {
  attendee: {
    title: 'Help for attendees',
    intro: 'Rally is the event on your phone or laptop: vote in polls, ask questions and follow what is on stage, in the room or from home.',
    sections: [
      {
        heading: 'Joining',
        points: [
          'Open the link or scan the QR code on the stage screen, or type the event code on the Rally home page.',
          'Give your name, pick your team, and say whether you are in the room or remote.',
          'Your work email is optional: if the organisers imported an attendee list, it gives you your team and breakout room from it. Only the organisers see it, never other attendees.',
          'In the room: type the room code shown on the stage screen (the QR code fills it in for you). Without it you join as remote.',
          'Reloading the page, or opening the link again on the same device, keeps you the same participant with your votes.',
        ],
      },
      {
        heading: 'Live now',
        points: [
          'The top of your screen shows what is on stage: a poll to answer, or an audience question you can upvote.',
          'Polls can be single or multiple choice, a rating, a 0–10 score, a word cloud or an open text answer.',
          'Some polls let you change your answer until they close. Results show live, when the poll closes, or when the presenter reveals them, as the poll is set up.',
          'Polls that are still open but no longer on stage are listed under “Also open”.',
          'Nothing on stage? The screen says so, and the next poll or question appears by itself.',
        ],
      },
      {
        heading: 'Quizzes',
        points: [
          'When the presenter runs a quiz, its question appears under “Live now” with big answer buttons, each with a shape and its text.',
          'Answer fast: a right answer scores between half and full points, more the sooner you answer, counted from when the question appeared on your screen. Right answers in a row add a streak bonus.',
          'After each question you see whether you were right, your points, your total, your rank and how far you are behind the player ahead.',
          'Reloading keeps your score and the answer you gave; an answer cannot be changed.',
        ],
      },
      {
        heading: 'Breakout rooms',
        points: [
          'When the moderators open breakout rooms, your screen switches to your room by itself: its name, who is in it and the time left, with a warning in the last minute.',
          'In a role-play, teach-back or deal clinic you see your role and its brief; nobody else sees your brief. If your role scores, fill in the scorecard (1 to 5 per line, with the keyboard too).',
          'Use the room chat, “Ask for help” to call a moderator, and submit your room’s best takeaway: it may go on the stage screen.',
          'When the rooms close you get a 30-second countdown, then you are back on the stage. Afterwards “Your feedback” shows the scorecards about you.',
          'Without video on the server the room says so; everything else works.',
        ],
      },
      {
        heading: 'Questions',
        points: [
          'Ask a question (up to 300 characters). Moderators may review it first; its status tells you when it is approved or answered.',
          'Upvote the questions you want answered. Sort them by votes or by time.',
          'If the event allows it, you can ask anonymously: then nobody sees your name, moderators included.',
        ],
      },
      {
        heading: 'Also on this screen',
        points: [
          'Reactions, the chat, the agenda (now and next), and the survey or leaderboard when the organisers open them.',
          'Remote attendees see the stage stream when the event has one.',
          'Announcements from the organisers appear at the top; dismiss them when you have read them.',
        ],
      },
      {
        heading: 'The “You” menu',
        points: [
          'Your name, team and mode (in the room or remote), and your participant ID if support asks for it.',
          'Change your team or mode there. Moved into the room? Enter the room code from the stage screen.',
          'Leave the event on this device; you can join again with the code.',
        ],
      },
    ],
  },
  presenter: {
    title: 'Help for presenters',
    intro: 'The presenter view is your remote control on stage: your session’s polls, the approved questions and notes from the control desk.',
    sections: [
      {
        heading: 'Getting in',
        points: ['Open the presenter link the organiser sent you and type your name. Keep the link private: it makes anyone who opens it a presenter.'],
      },
      {
        heading: 'Polls',
        points: [
          'Launch a prepared poll with one tap; it goes on the stage screen and on every attendee’s screen at once.',
          'Close it when you are done, and reveal the results if the audience should see them.',
          'Quick poll: write a poll on the spot and launch it in the live session.',
          'Keyboard: N launches the next poll, C closes the live one, R reveals the results.',
        ],
      },
      {
        heading: 'Quizzes',
        points: [
          'Run a quiz of your session: it opens in a lobby on the stage screen. Start, then Next moves through get ready, answering, the reveal and the standings, up to the podium.',
          'Keyboard: → or Page Down starts, locks or goes next; K locks now; + adds 10 s; Shift+→ skips a question; Shift+E ends the quiz (it asks first).',
          'You see the correct answer and how the room and remote players answered; the audience sees it only at the reveal.',
        ],
      },
      {
        heading: 'Questions',
        points: [
          'You see the questions the moderators approved, most votes first, updated live.',
          'Show one on the stage screen, take it off again, or mark it answered.',
        ],
      },
      {
        heading: 'On stage and from the desk',
        points: [
          'The stage screen shows one thing at a time (a poll, a question, the leaderboard), or the join code when nothing is on.',
          'The session timer shows time elapsed and time left in the live session.',
          'Private notes from the control desk appear in your view; mark them read so the desk knows.',
        ],
      },
    ],
  },
  moderator: {
    title: 'Help for moderators',
    intro: 'The moderator screen is the control desk: people, the agenda, polls, questions, what is on stage, and engagement.',
    sections: [
      {
        heading: 'Getting in',
        points: ['Open the moderator link the organiser sent you and type your name. Keep the link private: it gives full control of the event.'],
      },
      {
        heading: 'People and agenda',
        points: [
          'See who is online, in the room and remote. Correct someone’s mode, or ban a person from the event.',
          'Set which session is live. Changing it clears the stage screen.',
        ],
      },
      {
        heading: 'Polls',
        points: [
          'Prepare polls per session, reorder or duplicate them, then launch, close and reveal results.',
          'Review open-text answers before they are shown, and download all results as CSV.',
        ],
      },
      {
        heading: 'Questions',
        points: [
          'Approve or dismiss new questions, edit their wording, reply in writing, show one on stage, mark it answered.',
          'Stop someone from asking if needed; download the questions as CSV.',
        ],
      },
      {
        heading: 'Stage, announcements and chat',
        points: [
          'Launching a poll or showing a question puts it on the stage screen; only one thing is on stage at a time.',
          'Send announcements to everyone, to the room or to remote attendees, and private notes to the presenters.',
          'Set the stream for remote attendees and the event’s colours and logo.',
          'Moderate the chat: slow mode, delete messages, ban someone from the chat.',
        ],
      },
      {
        heading: 'Quizzes',
        points: [
          'Write quizzes per session in the Quiz section: choice, true/false, typed answer, ordering and number questions, with time limits, double points and topics.',
          'Import and export a quiz as CSV (download the template) or JSON; a bad file lists its errors by line.',
          'Run a quiz from the Live section, as the presenter would.',
        ],
      },
      {
        heading: 'Breakout rooms',
        points: [
          'In the Breakouts section, create a round: title, duration, who goes, how people are placed, and “N rooms of C people”. Role-play, teach-back and deal clinic start with roles, private briefs and a rubric you can edit.',
          'Assign to see who is where (with any warnings), move people, then open the rooms: everyone switches at once.',
          'While it runs: the countdown, +5 min, a message to every room, help requests (take one; the others see who did), who is in which room and in video.',
          'Put a room’s takeaway on the stage screen, or launch the takeaways as a poll. Close all gives a 30-second countdown, then everyone is back on stage.',
          'Save a round as a template to reuse the plan.',
          'Import the attendee list as a CSV under “Attendee list” (download the template: name, email, team, title, tenure, region, facilitator, room). A new file replaces the whole list; a bad file names each bad line and changes nothing. Attendees who join with an email on the list get its team, facilitator flag and room for the assignment strategies.',
        ],
      },
      {
        heading: 'Engagement',
        points: [
          'Follow participation live, room against remote, with the parity gauge.',
          'Show the leaderboard to attendees, run the end-of-day survey, and download the engagement exports.',
        ],
      },
    ],
  },
  organiser: {
    title: 'Help for organisers',
    intro: 'The organiser page creates events and hands out the links for each role.',
    sections: [
      {
        heading: 'Signing in',
        points: ['Paste the admin token of this Rally server. It stays in this browser only.'],
      },
      {
        heading: 'Creating an event',
        points: [
          'Give it a name, the teams attendees choose from, and optionally an agenda of sessions.',
          'You get the event code and four links: attendees, presenter, moderator and the stage screen.',
        ],
      },
      {
        heading: 'Sharing the links',
        points: [
          'Share the attendee link or code widely; the stage screen shows it with a QR code.',
          'Keep the presenter, moderator and stage links private: each one grants its role.',
          'Issue new links if one leaked; the old ones stop working at once.',
        ],
      },
      {
        heading: 'Room or remote',
        points: [
          'The stage screen shows a room code that changes regularly. Attendees who type it (or scan the QR code) count as in the room; everyone else is remote.',
          'Everything Rally records can be split by room and remote.',
        ],
      },
      {
        heading: 'Scripting',
        points: ['Everything on this page is also available over the REST API, described in docs/PROTOCOL.md.'],
      },
    ],
  },
};
