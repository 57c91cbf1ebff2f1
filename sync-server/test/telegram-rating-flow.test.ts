import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRatingAnswer, RATING_LABELS, RATING_QUESTION, RATING_THANKS, type MessageDoc } from '@atende/protocol';
import type { BotSent } from '../src/channels/telegram/simulator/fakeBotApi.js';
import { tgTextUpdate, type TgUser } from '../src/channels/telegram/simulator/updates.js';
import { login, messagesWith } from './helpers.js';
import { claimAndFinish, conversationOf, conversationsOfContact, finishedHoursAgo, ratedOf, teamAsks } from './rating-channel-flow.js';
import { newCustomer, receive, startTelegramRig, type TelegramRig } from './telegramSetup.js';
import { until } from './until.js';

/**
 * R-RT-06 / issue 18 on Telegram through the real server and the fake Bot API: finishing a
 * conversation sends the question with the inline keyboard, a press (callback_query) rates that
 * conversation once and is answered, and a late press or free text is an ordinary message that
 * starts a new conversation.
 */
let rig: TelegramRig;
let ana: string;

beforeAll(async () => {
  rig = await startTelegramRig();
  await teamAsks(rig.server);
  ana = (await login(rig.server, 'ana@demo.local')).accessToken;
});
afterAll(async () => {
  await rig.close();
});

const customerWrites = (user: TgUser, text: string): Promise<MessageDoc> => receive(rig, tgTextUpdate(user, text));

/** The question with its keyboard the fake received for this chat (after a finish). */
async function questionTo(user: TgUser): Promise<BotSent> {
  const sent = await until(() => rig.bot.sent.filter((s) => s.chatId === String(user.id) && s.replyMarkup), (s) => s.length > 0);
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

/** The customer presses the button for `score`; answers the callback_query update (delivered). */
async function presses(user: TgUser, question: BotSent, score: number) {
  const data = question.replyMarkup?.inline_keyboard.flat().find((b) => b.text === RATING_LABELS[score])?.callback_data;
  if (!data) throw new Error(`no button for ${score}`);
  const pressed = await rig.bot.pressButton(user, question.messageId, data);
  expect(pressed?.delivered).toBe(true);
  return pressed!.update as { callback_query: { id: string } };
}

describe('R-RT-06 issue 18 Telegram rating, whole flow (server ↔ fake Bot API)', () => {
  it('R-RT-06 finish → the inline keyboard reaches the chat → the press rates the conversation {score, channel}; the query is answered; thanked; no message', async () => {
    const user = newCustomer('Caio', 'Prado');
    const first = await customerWrites(user, 'Minha entrega atrasou');
    await claimAndFinish(rig.server, ana, first.conversationId);
    const question = await questionTo(user);
    expect(question.text).toBe(RATING_QUESTION);
    expect(question.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual([1, 2, 3, 4, 5].map((n) => RATING_LABELS[n]));

    const update = await presses(user, question, 4);
    const rated = await ratedOf(rig.server, first.conversationId);
    expect(rated.rating).toMatchObject({ score: 4, channel: 'telegram', comment: '' });
    expect(await until(() => rig.bot.callbackAnswers.map((a) => a.id), (ids) => ids.includes(update.callback_query.id))).toContain(update.callback_query.id);
    expect(await messagesWith(rig.server, update.callback_query.id)).toHaveLength(0);
    expect(await conversationsOfContact(rig.server, rated.contactId)).toHaveLength(1);
    const thanks = await until(() => rig.bot.sent.filter((s) => s.chatId === String(user.id) && !s.replyMarkup), (s) => s.length > 0);
    expect(thanks.map((s) => s.text)).toEqual([RATING_THANKS]);
  });

  it('R-RT-06 the same callback_query delivered twice gives one rating and no message', async () => {
    const user = newCustomer('Dora', 'Reis');
    const first = await customerWrites(user, 'Cancelar pedido');
    await claimAndFinish(rig.server, ana, first.conversationId);
    const update = await presses(user, await questionTo(user), 1);
    const rated = await ratedOf(rig.server, first.conversationId);
    expect(await rig.bot.deliver(update)).toBe(true);
    expect((await conversationOf(rig.server, first.conversationId)).rating).toEqual(rated.rating);
    expect(await messagesWith(rig.server, update.callback_query.id)).toHaveLength(0);
  });

  it('R-RT-06 a press after the window is an ordinary message (the label) in a new conversation; the finished one stays unrated', async () => {
    const user = newCustomer('Enzo', 'Tavares');
    const first = await customerWrites(user, 'Segunda via do boleto');
    await claimAndFinish(rig.server, ana, first.conversationId);
    const question = await questionTo(user);
    await finishedHoursAgo(rig.server, first.conversationId, 25);
    const update = await presses(user, question, 5);
    const [stored] = await until(() => messagesWith(rig.server, update.callback_query.id), (m) => m.length > 0);
    expect(stored).toMatchObject({ direction: 'in', text: RATING_LABELS[5] });
    expect(stored?.conversationId).not.toBe(first.conversationId);
    expect((await conversationOf(rig.server, first.conversationId)).rating ?? null).toBeNull();
  });

  it('R-RT-06 free text, even the answer\'s own id, is an ordinary message that starts a new conversation', async () => {
    const user = newCustomer('Flora', 'Nunes');
    const first = await customerWrites(user, 'Oi');
    await claimAndFinish(rig.server, ana, first.conversationId);
    const question = await questionTo(user);
    const data = question.replyMarkup?.inline_keyboard[4]?.[0]?.callback_data ?? formatRatingAnswer('x'.repeat(16), 5);
    const typed = await customerWrites(user, data);
    expect(typed.conversationId).not.toBe(first.conversationId);
    expect((await conversationOf(rig.server, first.conversationId)).rating ?? null).toBeNull();
  });
});
