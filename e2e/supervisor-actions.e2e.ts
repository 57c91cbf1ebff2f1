import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { card, expect, messageLog, openWidget, signIn, test, visitorSends, type ServerProcess } from './fixtures';

/**
 * R-SV-03 / R-SV-04: the supervisor opens any conversation from the conversations board, reads it
 * live and read-only, and acts on it through the agents' own commands and rules; each step lands
 * in the conversation's history with her name.
 */

/** The admin API over HTTP, as IT would script it. */
async function adminApi(url: string) {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.local', password: 'atende123' }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await fetch(`${url}${path}`, {
      method, headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(answer.ok, `${method} ${path}: ${answer.status}`).toBe(true);
    return (answer.status === 204 ? undefined : await answer.json()) as T;
  };
}
type AdminApi = Awaited<ReturnType<typeof adminApi>>;

async function userId(api: AdminApi, email: string): Promise<string> {
  const { users } = await api<{ users: Array<{ id: string; email: string }> }>('GET', '/api/admin/users');
  const found = users.find((u) => u.email === email);
  if (!found) throw new Error(`no ${email}`);
  return found.id;
}

/** Carla signed in, on the conversations board. */
async function carlaOnTheBoard(server: ServerProcess, page: Page) {
  await signIn(page, server, 'carla@demo.local');
  await page.goto(`${server.url}/#/supervisor/conversations`);
  const board = page.getByRole('table', { name: 'Atendimentos' });
  await expect(board).toBeVisible();
  return board;
}

const panelOf = (page: Page) => page.getByTestId('supervised-conversation');
const transcriptOf = (page: Page) => panelOf(page).getByRole('log', { name: 'Histórico de mensagens' });

test('R-SV-03 R-SV-04 R-WS-17 the supervisor reads a conversation live, transfers it to another team, an agent takes and answers it, she finishes it; the history names her', async ({ server, newContext }) => {
  test.setTimeout(120_000); // three people, two dialogs, axe in two themes
  const api = await adminApi(server.url);
  // Bruno works for Comercial too, so someone takes what Carla sends there.
  const members = await Promise.all(['carla@demo.local', 'admin@demo.local', 'bruno@demo.local'].map((email) => userId(api, email)));
  await api('PATCH', '/api/admin/teams/team:comercial', { memberIds: members });

  const carla = await (await newContext()).newPage();
  await carla.setViewportSize({ width: 1366, height: 800 });
  const board = await carlaOnTheBoard(server, carla);
  const bruno = await (await newContext()).newPage();
  await signIn(bruno, server, 'bruno@demo.local');
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server, { name: 'Sara Cliente', email: 'sara@example.com' });
  await visitorSends(visitor, 'Meu pedido não chegou');

  // Opened from its row: focus moves into the panel; it says it is read-only and has no composer.
  const row = board.getByRole('row', { name: /Sara Cliente/ });
  await row.click();
  const panel = panelOf(carla);
  await expect(panel.getByRole('heading', { name: 'Sara Cliente' })).toBeVisible();
  await expect(panel.getByTestId('supervised-heading')).toBeFocused();
  await expect(panel).toContainText('Somente leitura: você acompanha a conversa sem escrever nela.');
  await expect(panel.getByRole('textbox')).toHaveCount(0);
  await expect(panel.getByTestId('supervised-team')).toHaveText('Suporte');
  await expect(panel.getByTestId('supervised-agent')).toHaveText('Na fila');
  await expect(panel.getByTestId('supervised-channel')).toHaveText('Chat do site');
  await expect(panel.getByTestId('supervised-status')).toHaveText('Em espera');
  await expect(panel.getByTestId('supervised-protocol')).not.toBeEmpty();
  await expect(transcriptOf(carla)).toContainText('Meu pedido não chegou');

  // Esc closes it and focus goes back to the row; Enter on the row opens it again.
  await carla.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(row).toBeFocused();
  await carla.keyboard.press('Enter');
  await expect(panel.getByTestId('supervised-heading')).toBeFocused();

  // Live: the customer writes again and the supervisor reads it without doing anything.
  await visitorSends(visitor, 'Já faz uma semana.');
  await expect(transcriptOf(carla)).toContainText('Já faz uma semana.');
  await expectNoAxeViolations(carla, 'the supervised conversation');
  await useTheme(carla, 'dark');
  await expectNoAxeViolations(carla, 'the supervised conversation, dark');
  await useTheme(carla, 'light');

  // Transfer to Comercial with the agents' own dialog.
  await panel.getByTestId('supervised-transfer').click();
  const transfer = carla.getByRole('dialog', { name: 'Transferir' });
  await transfer.getByRole('combobox', { name: 'Transferir' }).selectOption({ label: 'Comercial' });
  await expectNoAxeViolations(carla, 'the transfer dialog over the supervised conversation');
  await transfer.getByRole('button', { name: 'Transferir', exact: true }).click();
  await expect(transfer).toHaveCount(0);
  await expect(transcriptOf(carla)).toContainText('Transferida de Suporte para Comercial por Carla Mendes');
  await expect(panel.getByTestId('supervised-team')).toHaveText('Comercial');

  // Bruno takes it from Comercial's queue and answers; he sees Carla watching (R-WS-17).
  await card(bruno, 'Já faz uma semana.').click();
  const composer = bruno.getByRole('textbox', { name: 'Mensagem' });
  await expect(composer).toBeEnabled();
  await expect(bruno.getByTestId('collision')).toContainText('Carla Mendes está vendo');
  await expect(messageLog(bruno)).toContainText('Transferida de Suporte para Comercial por Carla Mendes');
  await composer.fill('Olá Sara, aqui é o Bruno do Comercial.');
  await composer.press('Enter');
  await expect(transcriptOf(carla)).toContainText('Olá Sara, aqui é o Bruno do Comercial.');
  await expect(panel.getByTestId('supervised-agent')).toHaveText('Bruno Lima');
  await expect(panel.getByTestId('supervised-status')).toHaveText('Em atendimento');

  // She finishes it with a disposition of its team.
  await panel.getByTestId('supervised-finish').click();
  const finish = carla.getByRole('dialog', { name: 'Finalizar atendimento' });
  await finish.getByLabel('Motivo de contato').selectOption({ label: 'Venda realizada' });
  await finish.getByRole('button', { name: 'Finalizar', exact: true }).click();
  await expect(finish).toHaveCount(0);
  await expect(visitor.getByText('Conversa encerrada.')).toBeVisible();
  await expect(panel.getByTestId('supervised-status')).toHaveText('Finalizada');
  await expect(panel.getByTestId('supervised-reason')).toHaveText('A conversa já foi finalizada.');
  await expect(panel.getByTestId('supervised-finish')).toBeDisabled();
  // The history holds every step with who did it.
  const history = transcriptOf(carla);
  await expect(history).toContainText('Transferida de Suporte para Comercial por Carla Mendes');
  await expect(history).toContainText('Bruno Lima entrou na conversa');
  await expect(history).toContainText('Atendimento finalizado por Carla Mendes');
});

test('R-SV-04 R-RT-04 the supervisor releases a contact stuck in the bot into the team she picks; on a team she is not in she only watches, and the server’s refusal shows', async ({ server, newContext }) => {
  test.setTimeout(90_000); // a bot, two dialogs and a refusal
  const api = await adminApi(server.url);
  // Suporte's bot greets every new visitor (and keeps them until they choose).
  await api('PUT', '/api/admin/flows/team:suporte', {
    active: true,
    triggers: [{
      id: 'menu', name: 'Menu', conditions: { hours: { op: '>', hours: 1 } },
      message: { text: 'Olá! Escolha uma opção:', options: [{ label: 'Suporte', teamId: 'team:suporte' }] },
    }],
  });
  const { id: financeiro } = await api<{ id: string }>('POST', '/api/admin/teams', { name: 'Financeiro' });

  const carla = await (await newContext()).newPage();
  await carla.setViewportSize({ width: 1366, height: 800 });
  const board = await carlaOnTheBoard(server, carla);
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server, { name: 'Otto Outro', email: 'otto@example.com' });
  await visitorSends(visitor, 'olá');
  const row = board.getByRole('row', { name: /Otto Outro/ });
  await expect(row).toContainText('No bot');
  await row.click();
  const panel = panelOf(carla);
  await expect(panel.getByTestId('supervised-status')).toHaveText('No bot');
  // With the bot, the contact is released first; the agents' commands say why they wait.
  await expect(panel.getByTestId('supervised-transfer')).toBeDisabled();
  await expect(panel.getByTestId('supervised-reason')).toHaveText('O contato ainda está no bot: libere-o primeiro.');
  await panel.getByTestId('supervised-release').click();
  const release = carla.getByRole('dialog', { name: 'Liberar do bot' });
  await expect(release.getByTestId('release-team')).toHaveValue('team:suporte');
  await release.getByTestId('release-team').selectOption({ label: 'Comercial' });
  await expectNoAxeViolations(carla, 'the release dialog');
  await release.getByRole('button', { name: 'Liberar', exact: true }).click();
  await expect(release).toHaveCount(0);
  await expect(panel.getByTestId('supervised-status')).toHaveText('Em espera');
  await expect(panel.getByTestId('supervised-team')).toHaveText('Comercial');
  await expect(transcriptOf(carla)).toContainText('Transferida de Suporte para Comercial por Carla Mendes');
  await expect(panel.getByTestId('supervised-release')).toHaveCount(0);

  // While her finish dialog is open, an admin moves the conversation to Financeiro, a team she is not in.
  const conversationId = await row.getAttribute('data-conversation-row');
  await panel.getByTestId('supervised-finish').click();
  const finish = carla.getByRole('dialog', { name: 'Finalizar atendimento' });
  await expect(finish).toBeVisible();
  await api('POST', `/api/conversations/${conversationId}/transfer`, { toTeamId: financeiro });
  await expect(panel.getByTestId('supervised-reason')).toHaveText('Você só age nas conversas das suas equipes.');
  await expect(panel.getByTestId('supervised-finish')).toBeDisabled();
  // The server is the judge: her command is refused, and its sentence is shown, in the dialog too.
  await finish.getByRole('button', { name: 'Finalizar', exact: true }).click();
  await expect(finish.getByRole('alert')).toContainText('Esta conversa é de uma equipe da qual você não faz parte');
  await finish.getByRole('button', { name: 'Cancelar' }).click();
  // Its button is disabled now: focus stays in the panel, on its heading.
  await expect(panel.getByTestId('supervised-heading')).toBeFocused();
  await expect(panel.getByTestId('supervised-refusal')).toContainText('O servidor recusou: Esta conversa é de uma equipe da qual você não faz parte');
  await expect(panel.getByTestId('supervised-status')).toHaveText('Em espera');
  await expect(panel.getByTestId('supervised-team')).toHaveText('Financeiro');
  await expectNoAxeViolations(carla, 'the supervised conversation with a refusal');

  // A narrow window: the panel covers the board as a modal dialog and keeps the keyboard inside.
  await carla.keyboard.press('Escape');
  await carla.setViewportSize({ width: 800, height: 800 });
  await row.click();
  await expect(carla.getByRole('dialog', { name: 'Otto Outro' })).toBeVisible();
  for (let i = 0; i < 12; i++) await carla.keyboard.press('Tab');
  await expect(panel.locator(':focus')).toHaveCount(1);
  await expectNoAxeViolations(carla, 'the supervised conversation as a dialog');
  await carla.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(row).toBeFocused();
});
