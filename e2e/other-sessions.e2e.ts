import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expectNoAxeViolations } from './axe';
import { card, expect, root, ServerProcess, signIn, test } from './fixtures';

/** Issue 11: a contact across channels — the channel in words, other open sessions (R-WS-05), nameless customers (R-CH-01). */
const withSessions = test.extend<{ server: ServerProcess }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  server: async ({}, use) => {
    const server = await ServerProcess.launch({}, async (dataDir) => {
      const seeded = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'e2e/seed-sessions.ts'), dataDir], { cwd: root, encoding: 'utf8' });
      if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
    });
    await use(server);
    await server.dispose();
  },
});

withSessions('R-WS-05 the contact panel lists the contact’s open session on another channel, with its channel, status and agent, and shows it read-only', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  const site = card(agent, 'Oi pelo site');
  await expect(site.getByTestId('card-channel')).toHaveText('Chat do site');
  await site.click();

  const header = agent.getByRole('region', { name: 'Maria Oliveira' }).locator('header');
  await expect(header.getByTestId('conversation-channel')).toHaveText('Chat do site');
  const sessions = agent.getByTestId('other-sessions');
  await expect(sessions.getByRole('heading')).toHaveText('Outra sessão aberta');
  // Only the open Messenger one: not the conversation on screen, not the finished WhatsApp one.
  await expect(sessions.getByRole('listitem')).toHaveCount(1);
  const messenger = sessions.getByRole('button', { name: /Messenger/ });
  await expect(messenger).toContainText('Em atendimento · com Bruno Lima');
  await expect(messenger).toContainText('20261128-700002');
  await expectNoAxeViolations(agent, 'the contact panel with another open session');

  await messenger.click();
  const peek = agent.getByTestId('peek');
  await expect(peek).toContainText('20261128-700002');
  await expect(peek.getByTestId('peek-channel')).toHaveText('Messenger');
  await expect(peek.getByRole('button', { name: 'Puxar atendimento' })).toHaveCount(0);
});

withSessions('R-WS-05 a popped-out conversation, without the contact panel, lists the contact’s other open session under “Opções” and opens it in its own window', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await card(agent, 'Oi pelo site').click();
  const [popout] = await Promise.all([
    agent.waitForEvent('popup'),
    agent.getByRole('button', { name: 'Abrir em nova janela' }).click(),
  ]);
  await expect(popout.getByTestId('conversation-channel')).toHaveText('Chat do site');
  await popout.getByRole('button', { name: 'Opções' }).click();
  await popout.getByRole('menuitem', { name: 'Outra sessão aberta' }).click();
  const dialog = popout.getByRole('dialog', { name: 'Maria Oliveira' });
  const messenger = dialog.getByRole('button', { name: /Messenger/ });
  await expect(messenger).toContainText('Em atendimento · com Bruno Lima');
  await expectNoAxeViolations(popout, 'a pop-out window listing the contact’s other open session');

  const [other] = await Promise.all([popout.waitForEvent('popup'), messenger.click()]);
  await expect(other.getByTestId('protocol')).toHaveText('20261128-700002');
  await expect(other.getByTestId('conversation-channel')).toHaveText('Messenger');
  // Bruno's conversation: looked at, not taken — no composer.
  await expect(other.getByRole('textbox', { name: 'Mensagem' })).toHaveCount(0);
  await expect(dialog).toHaveCount(0);
});

withSessions('R-CH-01 a nameless Instagram customer is “Cliente do Instagram” on the card, shown with initials and the channel in words', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  const instagram = card(agent, 'Oi pelo Instagram');
  await expect(instagram).toContainText('Cliente do Instagram');
  await expect(instagram.getByTestId('card-channel')).toHaveText('Instagram');
  await instagram.click();
  const details = agent.getByRole('complementary', { name: 'Contato' });
  await expect(details.getByTestId('contact-name')).toHaveText('Cliente do Instagram');
  await expect(details.getByTestId('contact-initials')).toHaveText('CI');
  await expect(agent.getByTestId('other-sessions')).toHaveCount(0);
});

withSessions('R-CH-01 the supervisor’s conversations board names each conversation’s channel in words beside its icon', async ({ server, newContext }) => {
  const carla = await (await newContext()).newPage();
  await signIn(carla, server, 'carla@demo.local');
  const [board] = await Promise.all([
    carla.waitForEvent('popup'),
    carla.getByRole('button', { name: 'Abrir painel de supervisão' }).click(),
  ]);
  await board.getByRole('button', { name: 'Atendimentos', exact: true }).click();
  const table = board.getByRole('table', { name: 'Atendimentos' });
  await expect(table.locator('[data-conversation-row="conversation:sessions-messenger"]').getByTestId('board-channel')).toHaveText('Messenger');
  await expect(table.locator('[data-conversation-row="conversation:sessions-instagram"]')).toContainText('Cliente do Instagram');
  await expect(table.locator('[data-conversation-row="conversation:sessions-instagram"]').getByTestId('board-channel')).toHaveText('Instagram');
  await expectNoAxeViolations(board, 'supervisor: conversations with their channels');
});

withSessions('R-CH-01 a contact’s profile picture shows in the header and the contact panel, named by the contact, loaded with the agent’s login', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await card(agent, 'Oi com foto').click();
  const header = agent.getByRole('region', { name: 'Paula Prado' }).locator('header');
  const details = agent.getByRole('complementary', { name: 'Contato' });
  for (const picture of [header.getByRole('img', { name: 'Paula Prado' }), details.getByRole('img', { name: 'Paula Prado' })]) {
    await expect(picture).toBeVisible();
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  }
  await expect(details.getByTestId('contact-initials')).toHaveCount(0);
});
