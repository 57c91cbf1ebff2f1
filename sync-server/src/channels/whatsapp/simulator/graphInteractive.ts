import type { GraphProblem } from './graphContract.js';

/**
 * The fake Graph server's contract for `type: "interactive"` sends (Meta's "Interactive list
 * messages" and "Interactive reply buttons messages" references): what it accepts and how it
 * refuses — Graph answers 400 with code 131009 "Parameter value is not valid" and the reason in
 * `error_data.details`, given here in the message. The adapter must meet these.
 */

/** List messages: up to 10 sections and 10 rows in all; the button opening them ≤ 20 characters. */
export const LIST_ROWS_MAX = 10;
export const LIST_SECTIONS_MAX = 10;
export const LIST_BUTTON_MAX = 20;
export const ROW_TITLE_MAX = 24;
export const ROW_ID_MAX = 200;
export const ROW_DESCRIPTION_MAX = 72;
export const SECTION_TITLE_MAX = 24;
/** List bodies take 4,096 characters; reply-button bodies 1,024. Headers and footers 60. */
export const LIST_BODY_MAX = 4096;
export const BUTTONS_BODY_MAX = 1024;
export const HEADER_FOOTER_MAX = 60;
/** Reply buttons: 1–3, title ≤ 20, id ≤ 256. */
export const REPLY_BUTTONS_MAX = 3;
export const REPLY_TITLE_MAX = 20;
export const REPLY_ID_MAX = 256;

const notValid = (details: string): GraphProblem => ({ code: 131009, message: `(#131009) Parameter value is not valid: ${details}` });
const text = (value: unknown, max: number): value is string => typeof value === 'string' && value.trim().length > 0 && [...value].length <= max;

/** One choice the customer can pick: a list row or a reply button (what the phone shows and what the webhook returns). */
export interface InteractiveChoice { id: string; title: string; description?: string }

/** An accepted interactive send: its kind, the body and the choices, in order. */
export interface CheckedInteractive { type: 'list' | 'button'; body: string; button?: string; choices: InteractiveChoice[] }

export function checkInteractive(value: unknown): CheckedInteractive | GraphProblem {
  if (typeof value !== 'object' || value === null) return { code: 100, message: '(#100) The parameter interactive is required.' };
  const i = value as { type?: unknown; body?: { text?: unknown }; header?: { type?: unknown; text?: unknown }; footer?: { text?: unknown }; action?: Record<string, unknown> };
  if (i.type !== 'list' && i.type !== 'button') return notValid(`interactive type ${String(i.type)} is not supported here`);
  if (!text(i.body?.text, i.type === 'list' ? LIST_BODY_MAX : BUTTONS_BODY_MAX)) {
    return notValid(`body.text is required and at most ${i.type === 'list' ? LIST_BODY_MAX : BUTTONS_BODY_MAX} characters`);
  }
  if (i.header !== undefined && (i.header.type !== 'text' || !text(i.header.text, HEADER_FOOTER_MAX))) return notValid(`header must be text of at most ${HEADER_FOOTER_MAX} characters`);
  if (i.footer !== undefined && !text(i.footer.text, HEADER_FOOTER_MAX)) return notValid(`footer.text is at most ${HEADER_FOOTER_MAX} characters`);
  if (typeof i.action !== 'object' || i.action === null) return notValid('action is required');
  const checked = i.type === 'list' ? listChoices(i.action) : buttonChoices(i.action);
  if ('code' in checked) return checked;
  return { type: i.type, body: i.body.text, ...checked };
}

function listChoices(action: Record<string, unknown>): { button: string; choices: InteractiveChoice[] } | GraphProblem {
  if (!text(action.button, LIST_BUTTON_MAX)) return notValid(`action.button is required and at most ${LIST_BUTTON_MAX} characters`);
  const sections = action.sections;
  if (!Array.isArray(sections) || sections.length === 0 || sections.length > LIST_SECTIONS_MAX) return notValid(`action.sections must hold 1 to ${LIST_SECTIONS_MAX} sections`);
  const choices: InteractiveChoice[] = [];
  for (const section of sections as Array<{ title?: unknown; rows?: unknown }>) {
    // A title is needed as soon as there is more than one section.
    if ((section?.title !== undefined || sections.length > 1) && !text(section?.title, SECTION_TITLE_MAX)) return notValid(`section title is at most ${SECTION_TITLE_MAX} characters, required with several sections`);
    if (!Array.isArray(section.rows) || section.rows.length === 0) return notValid('every section needs at least one row');
    for (const row of section.rows as Array<{ id?: unknown; title?: unknown; description?: unknown }>) {
      if (!text(row?.id, ROW_ID_MAX)) return notValid(`row id is required and at most ${ROW_ID_MAX} characters`);
      if (!text(row.title, ROW_TITLE_MAX)) return notValid(`row title is required and at most ${ROW_TITLE_MAX} characters`);
      if (row.description !== undefined && !text(row.description, ROW_DESCRIPTION_MAX)) return notValid(`row description is at most ${ROW_DESCRIPTION_MAX} characters`);
      if (choices.some((c) => c.id === row.id)) return notValid('row ids must be unique');
      choices.push({ id: row.id, title: row.title, ...(typeof row.description === 'string' ? { description: row.description } : {}) });
    }
  }
  if (choices.length > LIST_ROWS_MAX) return notValid(`a list holds at most ${LIST_ROWS_MAX} rows in all`);
  return { button: action.button, choices };
}

function buttonChoices(action: Record<string, unknown>): { choices: InteractiveChoice[] } | GraphProblem {
  const buttons = action.buttons;
  if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > REPLY_BUTTONS_MAX) return notValid(`action.buttons must hold 1 to ${REPLY_BUTTONS_MAX} buttons`);
  const choices: InteractiveChoice[] = [];
  for (const b of buttons as Array<{ type?: unknown; reply?: { id?: unknown; title?: unknown } }>) {
    if (b?.type !== 'reply' || !text(b.reply?.id, REPLY_ID_MAX) || !text(b.reply.title, REPLY_TITLE_MAX)) {
      return notValid(`each button is {type: reply, reply: {id ≤ ${REPLY_ID_MAX}, title ≤ ${REPLY_TITLE_MAX}}}`);
    }
    if (choices.some((c) => c.id === b.reply?.id || c.title === b.reply?.title)) return notValid('button ids and titles must be unique');
    choices.push({ id: b.reply.id, title: b.reply.title });
  }
  return { choices };
}
