import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { RATING_QUESTION, type HistoryEntry } from '@atende/protocol';
import { expectNoAxeViolations } from './axe';
import { finishOpenConversation } from './day-of-work';
import { card, expect, fillPrechat, messageLog, root, signIn, test, visitorSends, type ServerProcess } from './fixtures';

/**
 * Issue 18 in the website chat: after the agent finishes, the widget asks for 1–5 stars and a
 * comment (R-RT-06, seed 001 "avaliar os atendentes"), once per conversation; and the agent's alias
 * is what the visitor reads (R-WS-11, seed 002 "Codinome"), while the desk keeps the real name.
 */

/** The widget's log (inside its shadow root; Playwright's locators pierce it). */
const widgetLog = (page: Page) => page.locator('#atende-widget .log');

async function agentHeaders(request: APIRequestContext, server: ServerProcess, email: string): Promise<Record<string, string>> {
  const login = await request.post(`${server.url}/api/auth/login`, { data: { email, password: 'atende123' } });
  expect(login.status()).toBe(200);
  return { Authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
}

/** The visitor (a name of their own) writes from the demo page; the agent takes the card and answers. */
async function conversationAnswered(agent: Page, visitor: Page, server: ServerProcess, who: { name: string; email: string }, texts: { ask: string; reply: string }): Promise<string> {
  await visitor.goto(`${server.url}/demo/`);
  await visitor.getByRole('button', { name: 'Fale conosco' }).click();
  await fillPrechat(visitor, who);
  await visitorSends(visitor, texts.ask);
  const waiting = card(agent, texts.ask);
  const conversationId = String(await waiting.getAttribute('data-conversation-id'));
  await waiting.click();
  const composer = agent.getByRole('textbox', { name: 'Mensagem' });
  await expect(composer).toBeEnabled();
  await composer.fill(texts.reply);
  await composer.press('Enter');
  await expect(widgetLog(visitor).getByText(texts.reply)).toBeVisible();
  return conversationId;
}

/** The conversation as its agent reads it in the contact's history (REST: what the desk's history shows). */
async function historyEntry(request: APIRequestContext, server: ServerProcess, headers: Record<string, string>, contactName: string, conversationId: string): Promise<HistoryEntry | undefined> {
  const search = await request.get(`${server.url}/api/contacts/search`, { headers, params: { q: contactName } });
  const { contacts } = (await search.json()) as { contacts: { id: string }[] };
  expect(contacts).toHaveLength(1);
  const history = await request.get(`${server.url}/api/contacts/${encodeURIComponent(contacts[0]!.id)}/history`, { headers });
  expect(history.status()).toBe(200);
  return ((await history.json()) as { conversations: HistoryEntry[] }).conversations.find((c) => c.id === conversationId);
}

test('R-RT-06 issue 18 seed "avaliar os atendentes": after the agent finishes, the website chat asks for stars and a comment, chosen with the keyboard, rated once', async ({ server, newContext, request }) => {
  test.setTimeout(120_000); // two browsers, a whole conversation, axe; on a shared CI machine
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  const who = { name: 'Rita Avaliadora', email: 'rita@example.com' };
  const conversationId = await conversationAnswered(agent, visitor, server, who, { ask: 'Meu pedido chegou quebrado', reply: 'Vou enviar outro hoje mesmo.' });

  // Before the finish the widget asks nothing.
  await expect(visitor.getByRole('radio')).toHaveCount(0);
  await finishOpenConversation(agent);

  // The question and its form, under it, in the widget's language.
  await visitor.bringToFront();
  await expect(widgetLog(visitor).getByText('Conversa encerrada.')).toBeVisible();
  await expect(widgetLog(visitor).getByText(RATING_QUESTION)).toBeVisible();
  const score = visitor.getByRole('group', { name: 'Sua nota' });
  await expect(score.getByRole('radio')).toHaveCount(5);
  for (const n of [1, 2, 3, 4, 5]) await expect(score.getByRole('radio', { name: `${n} de 5` })).not.toBeChecked();
  await expect(widgetLog(visitor).getByText('Nova conversa', { exact: true })).toHaveCount(0);
  await expectNoAxeViolations(visitor, 'website chat, rating form');

  // Sending without a score says what is missing and leaves the form as it is.
  const send = visitor.getByRole('button', { name: 'Enviar avaliação' });
  await send.focus();
  await visitor.keyboard.press('Enter');
  await expect(widgetLog(visitor).getByText('Escolha de 1 a 5 estrelas antes de enviar.')).toBeVisible();
  await expect(score.getByRole('radio', { name: '1 de 5' })).toBeFocused();

  // Keyboard only: the arrows move along the stars and choose; Tab to the comment and the button.
  await visitor.keyboard.press('ArrowRight');
  await visitor.keyboard.press('ArrowRight');
  await visitor.keyboard.press('ArrowRight');
  await expect(score.getByRole('radio', { name: '4 de 5' })).toBeChecked();
  await expect(score.getByRole('radio', { name: '4 de 5' })).toBeFocused();
  await expect(visitor.locator('#atende-widget .star.on')).toHaveCount(4);
  await visitor.keyboard.press('Tab');
  const comment = visitor.getByRole('textbox', { name: 'Comentário (opcional)' });
  await expect(comment).toBeFocused();
  await visitor.keyboard.type('Resolveram rápido, obrigada.');
  await visitor.keyboard.press('Tab');
  await expect(send).toBeFocused();

  // No connection: the form stays, with what was chosen, and says to try again.
  await visitor.route('**/api/webchat/rating', (route) => route.abort('internetdisconnected'));
  await visitor.keyboard.press('Enter');
  await expect(widgetLog(visitor).getByText('Não foi possível enviar sua avaliação. Tente novamente.')).toBeVisible();
  await expect(score.getByRole('radio', { name: '4 de 5' })).toBeChecked();
  await expect(comment).toHaveValue('Resolveram rápido, obrigada.');
  await visitor.unroute('**/api/webchat/rating');

  // Sent: thanks in place of the form, with the focus.
  await send.focus();
  await visitor.keyboard.press('Enter');
  const thanks = widgetLog(visitor).getByText('Obrigado pela sua avaliação!');
  await expect(thanks).toBeVisible();
  await expect(thanks).toBeFocused();
  await expect(visitor.getByRole('radio')).toHaveCount(0);
  await expectNoAxeViolations(visitor, 'website chat, rating thanks');

  // The conversation carries the rating, read as its agent reads it.
  const ana = await agentHeaders(request, server, 'ana@demo.local');
  await expect.poll(async () => (await historyEntry(request, server, ana, who.name, conversationId))?.rating ?? null).toMatchObject({
    score: 4, comment: 'Resolveram rápido, obrigada.', channel: 'webchat',
  });

  // Once: a reload shows the thanks and no form; the server refuses a second rating.
  await visitor.reload();
  await visitor.getByRole('button', { name: 'Fale conosco' }).click();
  await expect(widgetLog(visitor).getByText(RATING_QUESTION)).toBeVisible();
  await expect(widgetLog(visitor).getByText('Obrigado pela sua avaliação!')).toBeVisible();
  await expect(visitor.getByRole('radio')).toHaveCount(0);
  const token = await visitor.evaluate(() => (JSON.parse(localStorage.getItem('atende.visitor.demo-site') ?? '{}') as { token?: string }).token);
  const again = await request.post(`${server.url}/api/webchat/rating`, { headers: { Authorization: `Bearer ${token}` }, data: { score: 1 } });
  expect(again.status()).toBe(409);
  expect(((await again.json()) as { error: string }).error).toBe('already_rated');
  expect((await historyEntry(request, server, ana, who.name, conversationId))?.rating).toMatchObject({ score: 4 });

  // A later conversation opens below the question without offering the form again.
  await visitorSends(visitor, 'Outra dúvida');
  await expect(widgetLog(visitor).getByText('Nova conversa', { exact: true })).toBeVisible();
  await expect(visitor.getByRole('radio')).toHaveCount(0);

  // The desk: Ana takes it and reads the earlier conversation's rating in the contact's history.
  await agent.bringToFront();
  await agent.getByRole('tab', { name: /Em espera/ }).click();
  await card(agent, 'Outra dúvida').click();
  await expect(messageLog(agent)).toContainText('Outra dúvida');
  const panel = agent.getByRole('complementary', { name: 'Contato' });
  await panel.getByRole('tab', { name: 'Histórico' }).click();
  const rated = panel.getByTestId('conversation-rating');
  await expect(rated).toHaveAttribute('data-score', '4');
  await expect(rated).toContainText('Avaliação do cliente: 4 de 5 · por Chat do site');
  await expect(rated).toContainText('Resolveram rápido, obrigada.');
});

test('R-RT-06 issue 18: "Pedir ao cliente que avalie" unticked in the finish dialog (requestRating: false) — the customer is not asked for that conversation', async ({ server, newContext }) => {
  test.setTimeout(120_000); // two browsers and a whole conversation on a shared CI machine
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await conversationAnswered(agent, visitor, server, { name: 'Nina Sem Nota', email: 'nina@example.com' }, { ask: 'Só uma dúvida rápida', reply: 'Respondida!' });

  await agent.getByRole('button', { name: 'Finalizar atendimento' }).click();
  const dialog = agent.getByRole('dialog', { name: 'Finalizar atendimento' });
  const ask = dialog.getByRole('checkbox', { name: 'Pedir ao cliente que avalie o atendimento' });
  await expect(ask).toBeChecked(); // the team's setting (the demo teams ask)
  await ask.uncheck();
  await dialog.getByRole('button', { name: 'Finalizar', exact: true }).click();
  await expect(dialog).toHaveCount(0);

  await visitor.bringToFront();
  await expect(widgetLog(visitor).getByText('Conversa encerrada.')).toBeVisible();
  await expect(widgetLog(visitor).getByText(RATING_QUESTION)).toHaveCount(0);
  await expect(visitor.getByRole('radio')).toHaveCount(0);
});

test('R-RT-06 issue 18 bad input: a rating after the window is refused — the widget says the time to rate has passed and the conversation stays unrated', async ({ server, newContext, request }) => {
  test.setTimeout(150_000); // a server restart on top of a whole conversation
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  const who = { name: 'Tito Atrasado', email: 'tito@example.com' };
  const conversationId = await conversationAnswered(agent, visitor, server, who, { ask: 'Pergunta de ontem', reply: 'Respondido.' });
  await finishOpenConversation(agent);
  await expect(visitor.getByRole('radio')).toHaveCount(5);

  // The finish moves 25 hours back (the demo teams accept answers for 24 h), with the server stopped.
  await agent.close();
  await server.kill();
  const aged = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'e2e/age-finished.ts'), server.dataDir, conversationId, '25'], { cwd: root, encoding: 'utf8' });
  expect(aged.status, aged.stderr).toBe(0);
  await server.start();

  await visitor.reload();
  await visitor.getByRole('button', { name: 'Fale conosco' }).click();
  await visitor.getByRole('radio', { name: '5 de 5' }).check();
  await visitor.getByRole('textbox', { name: 'Comentário (opcional)' }).fill('Ótimo');
  await visitor.getByRole('button', { name: 'Enviar avaliação' }).click();
  const late = widgetLog(visitor).getByText('O prazo para avaliar este atendimento terminou.');
  await expect(late).toBeVisible();
  await expect(visitor.getByRole('radio')).toHaveCount(0);
  const ana = await agentHeaders(request, server, 'ana@demo.local');
  expect((await historyEntry(request, server, ana, who.name, conversationId))?.rating ?? null).toBeNull();
  await visitor.reload();
  await visitor.getByRole('button', { name: 'Fale conosco' }).click();
  await expect(late).toBeVisible();
  await expect(visitor.getByRole('radio')).toHaveCount(0);
});

test('R-WS-11 seed "Codinome": the visitor reads the agent\'s alias, never the real name; the desk keeps the real name', async ({ server, newContext, request }) => {
  test.setTimeout(120_000); // two browsers, a whole conversation, axe; on a shared CI machine
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  const ana = await agentHeaders(request, server, 'ana@demo.local');
  const patched = await request.patch(`${server.url}/api/me`, { headers: ana, data: { alias: 'Aninha do Suporte' } });
  expect(patched.status()).toBe(200);
  await signIn(agent, server, 'ana@demo.local');
  await expect(agent.getByTestId('agent-name')).toHaveText('Ana Souza');

  await conversationAnswered(agent, visitor, server, { name: 'Caio Alves', email: 'caio@example.com' }, { ask: 'Quem está me atendendo?', reply: 'Estou aqui para ajudar.' });

  // The widget: the join notice and the reply's author are the alias.
  const log = widgetLog(visitor);
  await expect(log.getByText('Aninha do Suporte entrou na conversa.')).toBeVisible();
  await expect(log.locator('.msg.out', { hasText: 'Estou aqui para ajudar.' }).locator('.who')).toHaveText('Aninha do Suporte');
  await expect(log).not.toContainText('Ana Souza');
  // A reload reads the transcript from the server: the alias there too.
  await visitor.reload();
  await visitor.getByRole('button', { name: 'Fale conosco' }).click();
  await expect(log.locator('.msg.out', { hasText: 'Estou aqui para ajudar.' }).locator('.who')).toHaveText('Aninha do Suporte');
  await expect(log.getByText('Aninha do Suporte entrou na conversa.')).toBeVisible();
  await expect(log).not.toContainText('Ana Souza');

  // The desk: the same reply is signed with the real name.
  const reply = messageLog(agent).locator('article.message.out', { hasText: 'Estou aqui para ajudar.' });
  await expect(reply.locator('header strong')).toHaveText('Ana Souza');
  await expect(messageLog(agent)).not.toContainText('Aninha do Suporte');
});
