import type { StoredQuestion } from '../domain/help-questions';
import { command } from './command';
import { dateTimeFormatter, timesIn } from './dates';
import { printable } from './table';
import { validLimit } from './validation';

const DEFAULT_LIMIT = 100;
const WIDTH = 76;
const INDENT = '    ';

/** Wraps at word boundaries, keeping the asker's own line breaks; a word longer than a line stays whole. */
export function wrap(text: string, width = WIDTH): string[] {
  return text.split(/\r\n|\r|\n/).flatMap((paragraph) => {
    const lines: string[] = [];
    let line = '';
    for (const word of paragraph.split(/[ \t]+/).filter(Boolean)) {
      if (line && [...line].length + 1 + [...word].length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    return [...lines, line];
  });
}

/** Open, or handled: when and by whom (the note stays at the desk). */
function statusOf(question: StoredQuestion, when: (ms: number) => string): string {
  if (question.status === 'open') return 'open';
  const by = question.handledBy ? ` by ${printable(question.handledBy.name)}` : '';
  return `handled${question.handledAt === null ? '' : ` ${when(question.handledAt)}`}${by}`;
}

function formatQuestion(question: StoredQuestion, when: (ms: number) => string): string {
  const who = `${printable(question.name)} <${printable(question.email)}>`;
  const account = question.userId === null ? 'sent while not signed in' : `patient ${question.userId}`;
  const body = wrap(question.question).map((line) => (line ? INDENT + printable(line) : ''));
  return [`#${question.id}  ${when(question.createdAt)}  ${who}  (${account})  [${statusOf(question, when)}]`, ...body].join('\n');
}

export const listQuestions = command({
  name: 'list-questions',
  summary: `Show the questions sent with the Vragenformulier, newest first (default ${DEFAULT_LIMIT}), open or handled.`,
  options: [],
  optional: ['limit'],
  async run(options, env) {
    const limit = options.limit === undefined ? DEFAULT_LIMIT : validLimit(options.limit);
    const questions = await (await env.services()).questions.list({ limit });
    const when = dateTimeFormatter(env.timeZone);
    env.print(questions.length === 0 ? 'No questions have been sent yet.' : `${questions.map((q) => formatQuestion(q, when)).join('\n\n')}\n\n${timesIn(env.timeZone)}`);
  },
});
