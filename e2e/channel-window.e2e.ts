import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expectNoAxeViolations } from './axe';
import { card, expect, messageLog, root, ServerProcess, signIn, test } from './fixtures';

/**
 * Issue 11 on the conversation screen: Messenger's and Instagram's reply windows (R-CH-05), the
 * per-channel text limit (R-WS-04) and what the channels add to a message (R-CH-04/R-CH-05).
 */
const seeded = test.extend<{ server: ServerProcess }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  server: async ({}, use) => {
    const server = await ServerProcess.launch({}, async (dataDir) => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'e2e/seed-channel-window.ts'), dataDir], { cwd: root, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`seeding failed: ${run.stderr}`);
    });
    await use(server);
    await server.dispose();
  },
});

seeded('R-CH-05 past 24 h a Messenger account with HUMAN_AGENT keeps the composer, says so, and the transcript shows edits, /start links, stories and lost files', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await ana.getByRole('tab', { name: /Em atendimento/ }).click();
  await card(ana, 'Pedido 12345').click();
  const conversation = ana.getByRole('region', { name: 'Joana Messenger' });
  await expect(conversation.getByTestId('service-window')).toHaveText(/Agente humano: 5 d 1\d h$/);
  await expect(conversation.getByRole('textbox', { name: 'Mensagem' })).toBeEditable();

  const log = messageLog(ana);
  await expect(log.getByTestId('start-chip')).toHaveText('Entrou pelo link: promo-natal');
  await expect(log).not.toContainText('/start');
  const story = log.getByTestId('story-badge');
  await expect(story).toContainText('Respondeu ao seu story');
  await expect(story.getByRole('link', { name: 'Abrir o story' })).toHaveAttribute('href', 'https://example.com/stories/1');
  await expect(log.getByTestId('media-error')).toHaveText(['Imagem: arquivo indisponível.', 'Documento: arquivo grande demais para o Messenger.']);
  await expect(log.getByTestId('media-pending')).toHaveCount(0);

  const edited = log.getByRole('button', { name: 'Mensagem editada: ver versões anteriores' });
  await expect(edited).toHaveAttribute('aria-expanded', 'false');
  await edited.focus();
  await ana.keyboard.press('Enter');
  await expect(edited).toHaveAttribute('aria-expanded', 'true');
  await expect(log.getByTestId('previous-versions')).toContainText('Pedido 123');
  await expectNoAxeViolations(ana, 'a Messenger conversation past 24 h with edits, a story and lost files');
});

seeded('R-CH-05 past 24 h an Instagram account without HUMAN_AGENT closes the composer with the reason; inside 24 h its 1,000-character limit holds', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await ana.getByRole('tab', { name: /Em atendimento/ }).click();
  await card(ana, 'Oi de ontem').click();
  const closedConversation = ana.getByRole('region', { name: 'Pedro Instagram' });
  await expect(closedConversation.getByTestId('service-window')).toHaveText('Janela fechada');
  const closed = closedConversation.getByTestId('window-closed');
  await expect(closed).toContainText('Última mensagem do cliente há mais de 24 horas.');
  await expect(closed).toContainText('No Instagram não há modelos de mensagem');
  await expect(closedConversation.getByRole('textbox', { name: 'Mensagem' })).toHaveCount(0);
  await expect(closed.getByRole('button', { name: 'Selecionar template' })).toHaveCount(0);

  await card(ana, 'Oi de agora').click();
  const open = ana.getByRole('region', { name: 'Lia Instagram' });
  await expect(open.getByTestId('service-window')).toHaveText(/Janela de 24 h: 2\d h \d+ min$/);
  await open.getByRole('textbox', { name: 'Mensagem' }).fill('x'.repeat(1_001));
  await expect(open.getByTestId('text-limit')).toHaveText('O Instagram aceita até 1.000 caracteres por mensagem; esta tem 1.001. Encurte o texto para enviar.');
  await expect(open.getByRole('button', { name: 'Enviar' })).toBeDisabled();
});

seeded('R-CH-05 R-CH-04 an Instagram story mention shows its mark and link without an empty bubble; an unsent message says so with its text behind the history; an empty earlier caption reads "(sem texto)"', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await ana.getByRole('tab', { name: /Em atendimento/ }).click();
  await card(ana, 'Oi de ontem').click();
  await expect(ana.getByRole('region', { name: 'Pedro Instagram' })).toBeVisible();
  const log = messageLog(ana);

  const mention = log.getByTestId('story-badge');
  await expect(mention).toContainText('Mencionou você no story');
  await expect(mention.getByRole('link', { name: 'Abrir o story' })).toHaveAttribute('href', /asset_id=42/);
  // No message shows an empty text bubble.
  await expect(log.locator('.message-body .text').filter({ hasText: /^\s*$/ })).toHaveCount(0);

  await expect(log.getByTestId('deleted-message')).toHaveText('Mensagem apagada pelo cliente');
  await expect(log).not.toContainText('Meu CPF é 123');
  const history = log.getByRole('button', { name: 'Mensagem apagada: ver o texto que o cliente apagou' });
  await history.focus();
  await ana.keyboard.press('Enter');
  await expect(history).toHaveAttribute('aria-expanded', 'true');
  await expect(log.getByTestId('previous-versions')).toContainText('Meu CPF é 123');

  const captioned = log.getByRole('button', { name: 'Mensagem editada: ver versões anteriores' });
  await captioned.click();
  await expect(log.getByTestId('empty-version')).toHaveText('(sem texto)');
  await expectNoAxeViolations(ana, 'an Instagram story mention, an unsent message and an empty earlier caption');
});
