import { readFileSync } from 'node:fs';
import { expectNoAxeViolations, useTheme } from './axe';
import { expect, signIn, test, type ServerProcess } from './fixtures';
import { api } from './api';

/**
 * R-PRIV-05 (issue 19 point 8), the access audit end to end: Carla supervises Comercial only and
 * opens, in a pop-out window, a website chat conversation of team Suporte; the desk tells the
 * audit. The admin opens "Privacidade (LGPD)", sees who opened it, when and from where, filters
 * by action and downloads the CSV (BOM, ";", pt-BR headers). Axe, light and dark.
 */
/** The id of the conversation whose last message is `text`, as the admin's replica would receive it. */
async function conversationSaying(server: ServerProcess, token: string, text: string): Promise<string> {
  let checkpoint: unknown = null;
  for (let page = 0; page < 100; page++) {
    const query = `?limit=200${checkpoint ? `&checkpoint=${encodeURIComponent(JSON.stringify(checkpoint))}` : ''}`;
    const pulled = await api<{ documents: Array<{ id: string; lastPreview?: string }>; checkpoint: unknown }>(server, 'GET', `/api/sync/conversations/pull${query}`, token);
    const found = pulled.documents.find((c) => c.lastPreview === text);
    if (found) return found.id;
    if (pulled.documents.length < 200) break;
    checkpoint = pulled.checkpoint;
  }
  throw new Error(`no conversation saying ${text}`);
}

test('R-PRIV-05 an admin sees in Privacidade (LGPD) that a supervisor opened another team\'s conversation, filters by action and downloads the audit CSV', async ({ server, newContext }) => {
  test.setTimeout(120_000);
  const { accessToken: admin } = await api<{ accessToken: string }>(server, 'POST', '/api/auth/login', undefined, { email: 'admin@demo.local', password: 'atende123' });
  // Carla leaves Suporte: its conversations are now another team's to her (she still sees them, as a supervisor).
  await api(server, 'PATCH', '/api/admin/users/user:carla', admin, { teamIds: ['team:comercial'] });
  const visitor = await api<{ token: string }>(server, 'POST', '/api/webchat/demo-site/visitors', undefined, { name: 'Visitante Auditoria' });
  await api(server, 'POST', '/api/webchat/messages', visitor.token, { id: 'auditE2eMessage1', text: 'Quero saber do meu pedido' });
  const conversationId = await conversationSaying(server, admin, 'Quero saber do meu pedido');

  const desk = await newContext();
  await signIn(await desk.newPage(), server, 'carla@demo.local');
  const popout = await desk.newPage();
  await popout.goto(`${server.url}/#/conversation/${encodeURIComponent(conversationId)}`);
  await expect(popout.getByText('Quero saber do meu pedido')).toBeVisible({ timeout: 30_000 });

  const page = await (await newContext()).newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, server, 'admin@demo.local');
  await page.goto(`${server.url}/#/admin/privacy`);
  const log = page.getByRole('region', { name: 'Registro de acessos' });
  const row = log.locator(`tr[data-action="other_team_conversation"]`).filter({ hasText: conversationId });
  // The desk's word arrives a moment after the window opened: filter again until it is listed.
  await expect(async () => {
    await log.getByRole('button', { name: 'Filtrar' }).click();
    await expect(row).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row.getByRole('rowheader')).toHaveText('Carla Mendes');
  await expect(row).toContainText('Abriu conversa de outra equipe');
  await expect(row).toContainText('na mesa de atendimento');
  await expect(row).toContainText(/127\.0\.0\.1|::1/);
  await expect(row).toContainText(/Chrom/);

  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await expectNoAxeViolations(page, `access audit (${theme})`);
  }

  // Another action: the entry is not among its rows; back to every action, it is.
  const action = log.getByLabel('Ação', { exact: true });
  await action.selectOption({ label: 'Eliminou os dados de um contato' });
  await log.getByRole('button', { name: 'Filtrar' }).click();
  await expect(log.getByText('Nenhum registro com estes filtros.')).toBeVisible();
  await action.selectOption({ label: 'Abriu conversa de outra equipe' });
  await log.getByRole('button', { name: 'Filtrar' }).click();
  await expect(row).toHaveCount(1);

  const [download] = await Promise.all([page.waitForEvent('download'), log.getByRole('button', { name: 'Exportar CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^atende-auditoria-\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
  expect(lines[0]).toBe('Quando (UTC);Ação;Código da ação;Quem;Id de quem;Sobre;IP;Navegador ou aplicativo;Detalhes;Id do registro');
  expect(lines.slice(1).every((line) => line.includes(';other_team_conversation;'))).toBe(true);
  expect(lines.some((line) => line.includes(`;Carla Mendes;user:carla;${conversationId};`))).toBe(true);
  await expect(log.getByRole('status').filter({ hasText: 'baixado' })).toHaveText(`Arquivo ${download.suggestedFilename()} baixado.`);
});
