import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme, type Theme } from './axe';
import {
  card, expect, messageLog, openWidget, root, ServerProcess, signIn, takeNewConversation, test, visitorSends,
} from './fixtures';

/**
 * issue 9 point 3, the conversation's context on the agent's screens: "Espiar", unread markers,
 * the transcript's days and forwarding history, search, favourites, pending/resolved and tags.
 */

/** The card's box around its main button (where "Espiar" and the star sit). */
const cardBox = (page: Page, text: string) => card(page, text).locator('xpath=..');
const byId = (page: Page, id: string) => page.locator(`[data-conversation-id="${id}"]`);

async function options(page: Page, item: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Opções', exact: true }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

test('R-WS-18 R-WS-02 "Espiar" shows a waiting conversation read-only and does not take it; "Puxar atendimento" takes it', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  const bruno = await (await newContext()).newPage();
  await Promise.all([signIn(ana, server, 'ana@demo.local'), signIn(bruno, server, 'bruno@demo.local')]);
  const first = await (await newContext()).newPage();
  await openWidget(first, server, { name: 'Paula Reis', email: 'paula@example.com' });
  await visitorSends(first, 'Só dando uma olhada');

  // Keyboard: the "Espiar" button of the card, not the card itself.
  const peekButton = cardBox(ana, 'Só dando uma olhada').getByRole('button', { name: 'Espiar' });
  await peekButton.focus();
  await ana.keyboard.press('Enter');
  const peek = ana.getByRole('region', { name: 'Espiando a conversa com Paula Reis' });
  await expect(peek).toBeVisible();
  await expect(messageLog(ana)).toContainText('Só dando uma olhada');
  await expect(peek).toContainText('Somente leitura');
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toHaveCount(0);
  await expect(ana.getByRole('tab', { name: /Em espera/ })).toContainText('1');

  // The waiting card's other actions (manual, R-WS-02) are in the view's options.
  await peek.getByRole('button', { name: 'Opções', exact: true }).click();
  await expect(ana.getByRole('menuitem', { name: 'Histórico' })).toBeVisible();
  await expect(ana.getByRole('menuitem', { name: 'Editar contato' })).toBeVisible();
  await expect(ana.getByRole('menuitem', { name: 'Marcar como pendente' })).toHaveCount(0);
  await ana.keyboard.press('Escape');

  // Still waiting for everyone: Bruno takes it, and Ana's view no longer offers to.
  await card(bruno, 'Só dando uma olhada').click();
  await expect(bruno.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
  await expect(peek.getByRole('button', { name: 'Puxar atendimento' })).toHaveCount(0);
  await peek.getByRole('button', { name: 'Voltar' }).click();
  await expect(peek).toHaveCount(0);

  const second = await (await newContext()).newPage();
  await openWidget(second, server, { name: 'Rui Costa', email: 'rui@example.com' });
  await visitorSends(second, 'Quero ser espiado');
  await cardBox(ana, 'Quero ser espiado').getByRole('button', { name: 'Espiar' }).click();
  await ana.getByRole('button', { name: 'Puxar atendimento' }).click();
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
  await expect(ana.getByRole('region', { name: 'Rui Costa' }).getByTestId('protocol')).toBeVisible();
  await expect(bruno.getByRole('tab', { name: /Em espera/ })).toContainText('0');
});

test('issue 9: an active card counts the customer messages the agent has not read, and the count clears on opening', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  const first = await (await newContext()).newPage();
  const second = await (await newContext()).newPage();
  await takeNewConversation(ana, first, server, 'Conversa lida');
  const firstId = await card(ana, 'Conversa lida').getAttribute('data-conversation-id');
  await ana.getByRole('tab', { name: /Em espera/ }).click();
  await takeNewConversation(ana, second, server, 'Conversa aberta');
  if (!firstId) throw new Error('no id');
  await expect(byId(ana, firstId).getByTestId('unread')).toHaveCount(0);

  await visitorSends(first, 'Uma pergunta nova');
  const badge = byId(ana, firstId).getByTestId('unread');
  await expect(badge).toHaveText(/1/);
  await expect(badge).toContainText('1 mensagem não lida');
  await expect(ana).toHaveTitle('(1) Atende');
  await visitorSends(first, 'E mais outra');
  await expect(badge).toContainText('2 mensagens não lidas');

  await byId(ana, firstId).click();
  await expect(messageLog(ana)).toContainText('E mais outra');
  await expect(badge).toHaveCount(0);
  await expect(ana).toHaveTitle('Atende');
});

test('R-WS-15 a transfer shows in the transcript as a trace line with from, to and by whom; the agent can hide it; days are separated', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  const bruno = await (await newContext()).newPage();
  await Promise.all([signIn(ana, server, 'ana@demo.local'), signIn(bruno, server, 'bruno@demo.local')]);
  await takeNewConversation(ana, await (await newContext()).newPage(), server, 'Me passe adiante');
  await ana.getByRole('button', { name: 'Transferir' }).click();
  const dialog = ana.getByRole('dialog', { name: 'Transferir' });
  await dialog.getByRole('combobox').selectOption({ label: 'Bruno Lima' });
  await dialog.getByRole('button', { name: 'Transferir' }).click();

  await bruno.getByRole('tab', { name: /Em atendimento/ }).click();
  await card(bruno, 'Me passe adiante').click();
  const log = messageLog(bruno);
  const trace = log.locator('[data-event="transferred"]');
  await expect(trace).toContainText('Transferida de Ana Souza (Suporte) para Bruno Lima (Suporte) por Ana Souza');
  await expect(log.locator('[data-event="joined"]')).toHaveText([/Ana Souza entrou na conversa/, /Bruno Lima entrou na conversa/]);
  await expect(log.getByTestId('day-separator').first()).toHaveText('Hoje');
  // The full date and time of a line on keyboard focus.
  await trace.locator('time').focus();
  await expect(bruno.getByRole('tooltip')).toContainText(String(new Date().getFullYear()));

  await bruno.getByRole('button', { name: 'Opções', exact: true }).click();
  await bruno.getByRole('menuitemcheckbox', { name: 'Ocultar histórico de encaminhamento' }).click();
  await expect(log.getByTestId('trace-line')).toHaveCount(0);
  await expect(log).toContainText('Me passe adiante');
  await bruno.reload();
  await expect(messageLog(bruno)).toContainText('Me passe adiante');
  await expect(messageLog(bruno).getByTestId('trace-line')).toHaveCount(0);
  await bruno.getByRole('button', { name: 'Opções', exact: true }).click();
  await expect(bruno.getByRole('menuitemcheckbox', { name: 'Ocultar histórico de encaminhamento' })).toHaveAttribute('aria-checked', 'true');
  await bruno.getByRole('menuitemcheckbox', { name: 'Ocultar histórico de encaminhamento' }).click();
  await expect(messageLog(bruno).locator('[data-event="transferred"]')).toBeVisible();
});

/** An old finished conversation of the Suporte team, beyond the replica's window: only the server has it. */
function seedOldConversation(dataDir: string): void {
  const script = path.join(dataDir, 'seed-old.mts');
  const old = Date.now() - 90 * 86_400_000;
  writeFileSync(script, `
import { EmbeddedStore } from ${JSON.stringify(path.join(root, 'sync-server/src/store/embedded.ts'))};
const store = new EmbeddedStore(${JSON.stringify(dataDir)});
const at = ${old};
await store.bulkWrite([{
  _id: 'conversation:antiga', type: 'conversation', createdAt: at, updatedAt: at, contactId: 'contact:maria',
  channel: 'webchat', channelAccountId: 'channel:demo-site', teamId: 'team:suporte', formerTeamIds: [], status: 'finished',
  agentId: 'user:bruno', invitedAgentIds: [], protocol: '20250101-000042', startedBy: 'customer', waitingSince: null, takenAt: at,
  finishedAt: at + 60000, finishedBy: 'user:bruno', lastInboundAt: at, lastMessageAt: at, lastPreview: 'xilofone',
  disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
}, {
  _id: 'message:antiga-1', type: 'message', createdAt: at, updatedAt: at, conversationId: 'conversation:antiga',
  teamId: 'team:suporte', formerTeamIds: [], direction: 'in', authorId: 'contact:maria', authorName: 'Maria Oliveira',
  kind: 'text', text: 'Meu xilofone chegou quebrado', attachments: [], visibility: 'public', status: 'delivered',
  error: null, externalId: null, payload: {},
}]);
await store.close();
`);
  const seeded = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
}

const withOldHistory = test.extend<{ server: ServerProcess }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  server: async ({}, use) => {
    const server = await ServerProcess.launch({}, async (dataDir) => seedOldConversation(dataDir));
    await use(server);
    await server.dispose();
  },
});

withOldHistory('R-WS-13 message search by words finds a message in the local replica and one only the server has; results open the conversation', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await takeNewConversation(ana, await (await newContext()).newPage(), server, 'Quero um suco de Abacaxi gelado');

  const search = ana.getByRole('searchbox', { name: 'Pesquisar mensagens' });
  const results = ana.getByRole('region', { name: 'Resultados da pesquisa' });
  await search.fill('abacaxi');
  const local = results.locator('[data-source="local"]');
  await expect(local).toHaveCount(1);
  await expect(local.locator('mark')).toHaveText('Abacaxi');
  await expect(results.getByRole('status')).toHaveText('1 resultado');

  await search.fill('xilofone quebr');
  const remote = results.locator('[data-source="server"]');
  await expect(remote).toHaveCount(1);
  await expect(remote).toContainText('Maria Oliveira');
  await expect(remote).toContainText('no servidor');
  await remote.click();
  const peek = ana.getByRole('region', { name: 'Espiando a conversa com Maria Oliveira' });
  await expect(peek).toContainText('Finalizada');
  await expect(messageLog(ana)).toContainText('Meu xilofone chegou quebrado');
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toHaveCount(0);

  await search.press('Escape');
  await expect(results).toHaveCount(0);
});

test('R-WS-13 favourites: the star on a card, and the "Favoritos" filter narrows the lists to them', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await takeNewConversation(ana, await (await newContext()).newPage(), server, 'Cliente especial');
  await ana.getByRole('tab', { name: /Em espera/ }).click();
  await takeNewConversation(ana, await (await newContext()).newPage(), server, 'Cliente comum');

  const star = cardBox(ana, 'Cliente especial').getByRole('button', { name: 'Favoritar' });
  await star.click();
  await expect(star).toHaveAttribute('aria-pressed', 'true');
  const filter = ana.getByRole('button', { name: 'Mostrar só favoritos' });
  await filter.click();
  await expect(filter).toHaveAttribute('aria-pressed', 'true');
  await expect(card(ana, 'Cliente especial')).toBeVisible();
  await expect(card(ana, 'Cliente comum')).toHaveCount(0);
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toContainText('1');
  // Kept by the server: still a favourite after a reload.
  await ana.reload();
  await expect(ana.locator('[data-sync-state="synced"]')).toBeVisible();
  await expect(cardBox(ana, 'Cliente especial').getByRole('button', { name: 'Favoritar' })).toHaveAttribute('aria-pressed', 'true');
  await expect(cardBox(ana, 'Cliente comum').getByRole('button', { name: 'Favoritar' })).toHaveAttribute('aria-pressed', 'false');
});

test('R-WS-13 R-WS-05 the pending mark and tags show in the header and on the card, and stay after a reload; the options open the contact\'s history', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await takeNewConversation(ana, await (await newContext()).newPage(), server, 'Preciso de um retorno');
  const id = await card(ana, 'Preciso de um retorno').getAttribute('data-conversation-id');
  if (!id) throw new Error('no id');
  const header = ana.getByRole('region', { name: 'Visitante' }).locator('header');

  await options(ana, 'Marcar como pendente');
  await expect(header.getByTestId('conversation-chips')).toContainText('Pendente');
  await options(ana, 'Atribuir tags');
  const dialog = ana.getByRole('dialog', { name: 'Atribuir tags' });
  await dialog.getByRole('checkbox', { name: 'Urgente' }).check();
  await dialog.getByRole('checkbox', { name: 'Financeiro' }).check();
  await dialog.getByRole('button', { name: 'Salvar tags' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(header.getByTestId('tag-chip')).toHaveCount(2);
  await expect(header.getByTestId('conversation-chips')).toContainText('Urgente');
  await expect(header.getByTestId('conversation-chips')).toContainText('Financeiro');
  await expect(byId(ana, id)).toContainText('Pendente');
  await expect(byId(ana, id)).toContainText('Urgente');

  await ana.reload();
  await expect(ana.locator('[data-sync-state="synced"]')).toBeVisible();
  await expect(header.getByTestId('conversation-chips')).toContainText('Pendente');
  await expect(header.getByTestId('conversation-chips')).toContainText('Urgente');
  await expect(header.getByTestId('conversation-chips')).toContainText('Financeiro');
  await options(ana, 'Marcar como resolvida');
  await expect(header.getByTestId('conversation-chips')).toContainText('Resolvida');
  await expect(byId(ana, id)).toContainText('Resolvida');

  // "Histórico" in the options opens the contact panel's history, also when the panel was collapsed.
  const panel = ana.getByRole('complementary', { name: 'Contato' });
  await panel.getByRole('button', { name: 'Recolher painel do contato' }).click();
  await options(ana, 'Histórico');
  await expect(panel.getByRole('tab', { name: 'Histórico' })).toHaveAttribute('aria-selected', 'true');
});

test('R-WS-13 a resolved conversation stops counting as unread in the title until the customer writes again', async ({ server, newContext }) => {
  // Ana works in two windows of her own (two profiles): one reads and resolves, the other watches its title.
  const watcher = await (await newContext()).newPage();
  const worker = await (await newContext()).newPage();
  await Promise.all([signIn(watcher, server, 'ana@demo.local'), signIn(worker, server, 'ana@demo.local')]);
  const customer = await (await newContext()).newPage();
  await takeNewConversation(watcher, customer, server, 'Tudo certo por aqui');
  await watcher.getByRole('tab', { name: /Em espera/ }).click();
  await takeNewConversation(watcher, await (await newContext()).newPage(), server, 'Outra conversa');
  await expect(watcher).toHaveTitle('Atende');

  await visitorSends(customer, 'Obrigada, resolvido');
  await expect(watcher).toHaveTitle('(1) Atende');

  await worker.getByRole('tab', { name: /Em atendimento/ }).click();
  await card(worker, 'Obrigada, resolvido').click();
  await options(worker, 'Marcar como resolvida');
  await expect(card(watcher, 'Obrigada, resolvido')).toContainText('Resolvida');
  await expect(watcher).toHaveTitle('Atende');

  await visitorSends(customer, 'Na verdade, mais uma coisa');
  await expect(card(watcher, 'Na verdade, mais uma coisa')).not.toContainText('Resolvida');
  await expect(watcher).toHaveTitle('(1) Atende');
});

for (const theme of ['light', 'dark'] as Theme[]) {
  test(`issue 9: axe finds nothing on the Espiar view, the options menu, the tags dialog and search results (${theme})`, async ({ server, newContext }) => {
    test.setTimeout(90_000);
    const ana = await (await newContext()).newPage();
    await ana.setViewportSize({ width: 1280, height: 720 });
    await signIn(ana, server, 'ana@demo.local');
    await useTheme(ana, theme);
    const visitor = await (await newContext()).newPage();
    await openWidget(visitor, server);
    await visitorSends(visitor, 'Quero ver as opções');

    await cardBox(ana, 'Quero ver as opções').getByRole('button', { name: 'Espiar' }).click();
    await expect(messageLog(ana)).toContainText('Quero ver as opções');
    await expectNoAxeViolations(ana, `Espiar view (${theme})`);

    await ana.getByRole('button', { name: 'Puxar atendimento' }).click();
    await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
    await options(ana, 'Marcar como pendente');
    await options(ana, 'Atribuir tags');
    await ana.getByRole('dialog', { name: 'Atribuir tags' }).getByRole('checkbox', { name: 'Reclamação' }).check();
    await ana.getByRole('button', { name: 'Salvar tags' }).click();
    // The header keeps its actions on the title's line at 1280 px, with the mark and a tag shown.
    const header = ana.getByRole('region', { name: 'Visitante' }).locator('header');
    await expect(header.getByTestId('tag-chip')).toHaveText('Reclamação');
    const [title, menu] = await Promise.all([header.locator('h2').boundingBox(), header.getByRole('button', { name: 'Opções', exact: true }).boundingBox()]);
    if (!title || !menu) throw new Error('header not laid out');
    expect(Math.abs(title.y + title.height / 2 - (menu.y + menu.height / 2)), 'title and options on one line').toBeLessThan(menu.height);
    await ana.getByRole('button', { name: 'Opções', exact: true }).click();
    await expect(ana.getByRole('menu')).toBeVisible();
    await expectNoAxeViolations(ana, `options menu (${theme})`);
    await ana.getByRole('menuitem', { name: 'Atribuir tags' }).click();
    await expect(ana.getByRole('dialog', { name: 'Atribuir tags' })).toBeVisible();
    await expectNoAxeViolations(ana, `tags dialog (${theme})`);
    await ana.keyboard.press('Escape');
    await expect(ana.getByRole('dialog')).toHaveCount(0);

    await ana.getByRole('searchbox', { name: 'Pesquisar mensagens' }).fill('opções');
    await expect(ana.getByRole('region', { name: 'Resultados da pesquisa' }).locator('[data-source]')).toHaveCount(1);
    await expectNoAxeViolations(ana, `search results (${theme})`);
  });
}
