import type { CommandName, Role } from '@rally/shared';

/**
 * The one table that says which role may send which command. Every command is checked against
 * it before its handler runs; a command missing here cannot be wired (the type demands a row).
 * `screen` (the projector) sends nothing but snapshot requests.
 */
export const COMMAND_ROLES: Readonly<Record<CommandName, readonly Role[]>> = {
  'snapshot:request': ['attendee', 'presenter', 'moderator', 'admin', 'screen'],
  'participant:update': ['attendee', 'presenter', 'moderator', 'admin'],
  'participant:correct': ['moderator', 'admin'],
  'participant:ban': ['moderator', 'admin'],
  'session:setLive': ['moderator', 'admin'],
  // Polls: organisers and moderators author; whoever runs the stage launches, closes and reveals;
  // only the audience votes (a presenter's vote would skew the room they are presenting to).
  'poll:create': ['moderator', 'admin'],
  'poll:update': ['moderator', 'admin'],
  'poll:delete': ['moderator', 'admin'],
  'poll:duplicate': ['moderator', 'admin'],
  'poll:reorder': ['moderator', 'admin'],
  'poll:launch': ['presenter', 'moderator', 'admin'],
  'poll:launchAdhoc': ['presenter', 'moderator', 'admin'],
  'poll:close': ['presenter', 'moderator', 'admin'],
  'poll:reveal': ['presenter', 'moderator', 'admin'],
  'poll:vote': ['attendee'],
  'poll:moderateAnswer': ['moderator', 'admin'],
  // Q&A ([QA18]): the audience asks and upvotes (staff votes would skew what the room wants to
  // hear); presenters take questions on stage (highlight, mark answered); moderators and
  // organisers run the rest of the queue.
  'question:submit': ['attendee'],
  'question:upvote': ['attendee'],
  'question:approve': ['moderator', 'admin'],
  'question:dismiss': ['moderator', 'admin'],
  'question:edit': ['moderator', 'admin'],
  'question:highlight': ['presenter', 'moderator', 'admin'],
  'question:markAnswered': ['presenter', 'moderator', 'admin'],
  'question:restore': ['moderator', 'admin'],
  'question:reply': ['moderator', 'admin'],
  'qa:banAsker': ['moderator', 'admin'],
  // The stage ([STAGE26]): the control desk configures it and talks to the audience and the
  // presenters; any signed-in person may watch and chat; only the audience reacts; only presenters
  // confirm they read a note.
  'stage:setStream': ['moderator', 'admin'],
  'stage:streamToken': ['attendee', 'presenter', 'moderator', 'admin'],
  'event:setBranding': ['moderator', 'admin'],
  'agenda:set': ['moderator', 'admin'],
  'reaction:send': ['attendee'],
  'announcement:send': ['moderator', 'admin'],
  'announcement:clear': ['moderator', 'admin'],
  // [STAGE30] Whoever runs the stage decides what it shows: presenters from the stage, the desk.
  'stage:show': ['presenter', 'moderator', 'admin'],
  'stage:clear': ['presenter', 'moderator', 'admin'],
  'note:send': ['moderator', 'admin'],
  'note:markRead': ['presenter'],
  'chat:send': ['attendee', 'presenter', 'moderator', 'admin'],
  'chat:delete': ['moderator', 'admin'],
  'chat:setSlowMode': ['moderator', 'admin'],
  'chat:banParticipant': ['moderator', 'admin'],
  // Engagement ([ENG20]): the control desk tunes the dashboard and runs the survey; only the
  // audience answers it.
  'engagement:configure': ['moderator', 'admin'],
  'survey:define': ['moderator', 'admin'],
  'survey:open': ['moderator', 'admin'],
  'survey:close': ['moderator', 'admin'],
  'survey:submit': ['attendee'],
  // Quizzes ([QUIZ16]): moderators and organisers author; presenters read them in the snapshot and
  // the staff facts; drafts hold the correct answers, so attendees and the screen get nothing.
  'quiz:create': ['moderator', 'admin'],
  'quiz:update': ['moderator', 'admin'],
  'quiz:delete': ['moderator', 'admin'],
  'quiz:duplicate': ['moderator', 'admin'],
  // Live play ([QUIZ30]): whoever runs the stage opens and paces a run; only the audience answers.
  'quiz:open': ['presenter', 'moderator', 'admin'],
  'quiz:control': ['presenter', 'moderator', 'admin'],
  'quiz:answer': ['attendee'],
  // The reinforcement quiz ([QUIZ40]): the organiser or a moderator reopens; attendees play alone.
  'quiz:reopen': ['moderator', 'admin'],
  'quiz:selfStart': ['attendee'],
  'quiz:selfAnswer': ['attendee'],
  // Breakout rounds ([BRK19]): moderators and organisers plan and run them; attendees are placed,
  // choose (self-select), ask for help, chat, submit takeaways and scorecards. Presenters and the
  // screen watch: the stage shows takeaways through the stage slot.
  'breakout:create': ['moderator', 'admin'],
  'breakout:update': ['moderator', 'admin'],
  'breakout:delete': ['moderator', 'admin'],
  'breakout:assign': ['moderator', 'admin'],
  'breakout:move': ['moderator', 'admin'],
  'breakout:swap': ['moderator', 'admin'],
  'breakout:open': ['moderator', 'admin'],
  'breakout:extend': ['moderator', 'admin'],
  'breakout:broadcast': ['moderator', 'admin'],
  'breakout:close': ['moderator', 'admin'],
  'breakout:choose': ['attendee'],
  'breakout:videoToken': ['attendee', 'moderator', 'admin'],
  'breakout:askHelp': ['attendee'],
  'breakout:takeHelp': ['moderator', 'admin'],
  'breakout:chat': ['attendee', 'moderator', 'admin'],
  'breakout:deleteChat': ['moderator', 'admin'],
  'breakout:readChat': ['moderator', 'admin'],
  'breakout:takeaway': ['attendee'],
  'breakout:pollTakeaways': ['moderator', 'admin'],
  'breakout:score': ['attendee'],
  'breakout:myFeedback': ['attendee'],
  'breakout:saveTemplate': ['moderator', 'admin'],
  'breakout:fromTemplate': ['moderator', 'admin'],
  'breakout:deleteTemplate': ['moderator', 'admin'],
};

export const maySend = (role: Role, command: CommandName): boolean => COMMAND_ROLES[command].includes(role);
