import { badRequest, stringParam, type BotFailure, type BotParams } from './botApiContract.js';

/**
 * Inline keyboards in the fake Bot API (core.telegram.org/bots/api#inlinekeyboardmarkup,
 * #callbackquery, #answercallbackquery): the `reply_markup` a send may carry, what pressing one of
 * its buttons delivers, and answerCallbackQuery's contract. The adapter must meet these.
 */

export interface InlineButton { text: string; callback_data?: string; url?: string }
export interface InlineKeyboard { inline_keyboard: InlineButton[][] }

/** callback_data is 1–64 bytes (UTF-8). */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** Telegram refuses keyboards of more than 100 buttons (BUTTONS_TOO_MUCH). */
export const INLINE_BUTTONS_MAX = 100;
/** answerCallbackQuery's notification text: 0–200 characters. */
export const CALLBACK_ANSWER_TEXT_MAX = 200;
/** The optional fields of an InlineKeyboardButton this fake knows; exactly one must be used. */
const BUTTON_ACTIONS = ['url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay'];

/**
 * A send's `reply_markup` (a JSON object, or JSON text in a form): undefined when absent. Only
 * inline keyboards are taken here (a bot's reply keyboards are not what our adapter sends).
 */
export function checkReplyMarkup(params: BotParams): InlineKeyboard | undefined | BotFailure {
  let markup = params.reply_markup;
  if (markup === undefined) return undefined;
  if (typeof markup === 'string') {
    try {
      markup = JSON.parse(markup) as unknown;
    } catch {
      return badRequest('can\'t parse reply keyboard markup JSON object');
    }
  }
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) return badRequest('can\'t parse reply keyboard markup JSON object');
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    return badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const buttons = (rows as unknown[][]).flat();
  if (buttons.length > INLINE_BUTTONS_MAX) return badRequest('BUTTONS_TOO_MUCH');
  for (const button of buttons) {
    if (typeof button !== 'object' || button === null) return badRequest('can\'t parse inline keyboard button: InlineKeyboardButton must be an Object');
    const b = button as Record<string, unknown>;
    if (typeof b.text !== 'string' || !b.text.trim()) return badRequest('can\'t parse inline keyboard button: Text buttons are unallowed in the inline keyboard');
    const actions = BUTTON_ACTIONS.filter((key) => b[key] !== undefined);
    if (actions.length === 0) return badRequest('can\'t parse inline keyboard button: Text buttons are unallowed in the inline keyboard');
    if (actions.length > 1) return badRequest('can\'t parse inline keyboard button: exactly one of the optional fields must be used');
    if (b.callback_data !== undefined) {
      const data = b.callback_data;
      if (typeof data !== 'string' || data.length === 0 || Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES) return badRequest('BUTTON_DATA_INVALID');
    }
  }
  return markup as InlineKeyboard;
}

/** answerCallbackQuery's parameters: the query's id (one it delivered and not yet answered) and an optional short text. */
export function checkCallbackAnswer(params: BotParams, pending: ReadonlySet<string>): string | BotFailure {
  const id = stringParam(params, 'callback_query_id');
  if (!id) return badRequest('parameter "callback_query_id" is required');
  const text = stringParam(params, 'text');
  if (text !== undefined && text.length > CALLBACK_ANSWER_TEXT_MAX) return badRequest('MESSAGE_TOO_LONG');
  // Unknown, or answered already: Telegram's answer to both.
  if (!pending.has(id)) return badRequest('query is too old and response timeout expired or query ID is invalid');
  return id;
}

/** The callback_data buttons of a keyboard, in reading order: what a customer can press. */
export const callbackButtons = (keyboard: InlineKeyboard | undefined): Array<{ text: string; data: string }> =>
  (keyboard?.inline_keyboard ?? []).flat().flatMap((b) => (typeof b.callback_data === 'string' ? [{ text: b.text, data: b.callback_data }] : []));
