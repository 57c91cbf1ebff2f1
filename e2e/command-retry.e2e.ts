import type { Route } from '@playwright/test';
import { expect, guardConsole, messageLog, signIn, takeNewConversation, test, visitorSent } from './fixtures';

/**
 * Issue 8 point 8: a reply keeps its id across retries. The first request reaches the server
 * (the message is stored) but its answer never reaches the app — a timeout as the agent sees it;
 * the outbox repeats it with the same id and the server answers the stored message. A reply
 * that cannot reach the server at all stays "enviando…" and goes once after a reload.
 */
test('R-NET-03 a reply whose request timed out is sent exactly once — one message — also after a reload', async ({ browser, server, newContext, problems }) => {
  // Service workers blocked so every request of the page passes through page.route.
  const agentContext = await browser.newContext({ locale: 'pt-BR', serviceWorkers: 'block' });
  agentContext.on('page', (page) => guardConsole(page, problems));
  const agent = await agentContext.newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Meu pedido não chegou');

  const sends: Array<{ id: string; text: string }> = [];
  const afterReload: Array<{ id: string; text: string }> = [];
  let mode: 'cut' | 'pass' = 'cut';
  let reachedServer = 0;
  await agent.route('**/api/conversations/*/messages', async (route: Route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const body = route.request().postDataJSON() as { id: string; text: string };
    if (mode === 'pass') {
      afterReload.push(body);
      return route.continue();
    }
    sends.push(body);
    if (reachedServer === 0) {
      // The server takes and stores it; the answer is lost on the way back.
      reachedServer++;
      await route.fetch();
      return route.abort('timedout');
    }
    // From now on the server cannot be reached for replies (the socket stays up).
    return route.abort('connectionrefused');
  });

  const composer = agent.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Vou verificar agora mesmo');
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
  // Stored by the first request, it replicates back once — whatever the app was told.
  const log = messageLog(agent);
  await expect(log.getByText('Vou verificar agora mesmo', { exact: true })).toHaveCount(1);
  // The outbox repeats it with its own id (refused by the cut network for now).
  await expect.poll(() => sends.length).toBeGreaterThan(1);

  // A second reply never reaches the server: it stays on screen as "enviando…", after the first.
  await composer.fill('Já encontrei o seu pedido');
  await composer.press('Enter');
  const pending = agent.getByTestId('outbox-reply');
  await expect(pending).toHaveCount(1);
  await expect(pending).toContainText('Já encontrei o seu pedido');
  await expect(pending).toContainText('enviando…');
  await expect(log.getByText('Já encontrei o seu pedido', { exact: true })).toHaveCount(0);
  // The composer is still usable: the connection (socket) is up, only the replies were cut.
  await expect(composer).toBeEnabled();

  // The page reloads and the network comes back: the new page's outbox sends both, once each.
  await agent.reload({ waitUntil: 'commit' });
  mode = 'pass';
  await expect(agent.locator('[data-sync-state="synced"]')).toBeVisible();
  await agent.getByRole('tab', { name: /Em atendimento/ }).click();
  await agent.locator('[data-conversation-id]').first().click();
  await expect(log.getByText('Já encontrei o seu pedido', { exact: true })).toHaveCount(1);
  await expect(log.getByText('Vou verificar agora mesmo', { exact: true })).toHaveCount(1);
  await expect(agent.getByTestId('outbox-reply')).toHaveCount(0);

  // Every attempt of a reply carried the id it was given when the agent pressed Enter.
  const idsOf = (text: string) => new Set([...sends, ...afterReload].filter((s) => s.text === text).map((s) => s.id));
  expect(idsOf('Vou verificar agora mesmo').size).toBe(1);
  expect(idsOf('Já encontrei o seu pedido').size).toBe(1);
  expect(afterReload.map((s) => s.text)).toEqual(['Vou verificar agora mesmo', 'Já encontrei o seu pedido']);
  // The customer receives each reply once.
  await expect(visitor.getByText('Vou verificar agora mesmo')).toHaveCount(1, { timeout: 15_000 });
  await expect(visitor.getByText('Já encontrei o seu pedido')).toHaveCount(1, { timeout: 15_000 });
  await expect(visitorSent(visitor, 'Meu pedido não chegou')).toHaveCount(1);
  await agentContext.close();
});

test('R-NET-01 R-NET-03 a reply in flight when the connection drops stays "enviando…" while offline and is sent once when it returns', async ({ browser, server, newContext, problems }) => {
  const agentContext = await browser.newContext({ locale: 'pt-BR', serviceWorkers: 'block' });
  agentContext.on('page', (page) => guardConsole(page, problems));
  const agent = await agentContext.newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Vocês entregam no sábado?');

  const sends: Array<{ id: string; text: string }> = [];
  let drop: (() => void) | undefined;
  const dropped = new Promise<void>((resolve) => (drop = resolve));
  await agent.route('**/api/conversations/*/messages', async (route: Route) => {
    if (route.request().method() !== 'POST') return route.continue();
    sends.push(route.request().postDataJSON() as { id: string; text: string });
    if (sends.length > 1) return route.continue();
    // The first request is on its way when the network goes: it never reaches the server.
    await dropped;
    return route.abort('internetdisconnected');
  });

  const composer = agent.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Entregamos, sim');
  await composer.press('Enter');
  const pending = agent.getByTestId('outbox-reply');
  await expect(pending).toContainText('enviando…');
  await expect.poll(() => sends.length).toBe(1);

  await agentContext.setOffline(true);
  drop?.();
  // R-NET-01 unchanged: offline locks the composer; the reply waits on screen, not lost, not failed.
  await expect(composer).toBeDisabled();
  await expect(agent.getByText('Perda de Conexão', { exact: true })).toBeVisible();
  await expect(pending).toContainText('Entregamos, sim');
  await expect(pending).toContainText('enviando…');

  await agentContext.setOffline(false);
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  const log = messageLog(agent);
  await expect(log.getByText('Entregamos, sim', { exact: true })).toHaveCount(1);
  await expect(agent.getByTestId('outbox-reply')).toHaveCount(0);
  expect(new Set(sends.map((s) => s.id)).size).toBe(1);
  await expect(visitor.getByText('Entregamos, sim')).toHaveCount(1, { timeout: 15_000 });
  await agentContext.close();
});
