import { card, expect, openWidget, signIn, test, visitorSends } from './fixtures';

test('R-NET-05 R-NET-03 (ARCHITECTURE §3 leader election) two windows of the same agent share one replica; closing the leader hands replication to the other', async ({ server, newContext }) => {
  const context = await newContext();
  const first = await context.newPage();
  await signIn(first, server, 'ana@demo.local');
  await expect(first.locator('[data-sync-state="synced"]')).toBeVisible();
  // Same profile: the second window starts signed in from the stored session.
  const second = await context.newPage();
  await second.goto(`${server.url}/`);
  await expect(second.getByTestId('agent-name')).toHaveText('Ana Souza');
  await expect(second.locator('[data-sync-state="synced"]')).toBeVisible();
  await expect(first.locator('[data-leader="true"]')).toBeVisible();
  await expect(second.locator('[data-leader="false"]')).toBeVisible();

  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server);
  await visitorSends(visitor, 'Duas janelas');
  await expect(card(first, 'Duas janelas')).toBeVisible();
  await expect(card(second, 'Duas janelas')).toBeVisible();

  // Both windows follow the same data: taking it in one moves it in the other.
  await card(second, 'Duas janelas').click();
  await expect(second.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
  await expect(first.getByRole('tab', { name: /Em espera/ })).toContainText('0');
  await expect(first.getByRole('tab', { name: /Em atendimento/ })).toContainText('1');

  // The first window (the leader: it opened the replica first) goes away; the second takes over.
  await first.close();
  await expect(second.locator('[data-leader="true"]')).toBeVisible();
  const another = await (await newContext()).newPage();
  await openWidget(another, server);
  await visitorSends(another, 'Depois de fechar a primeira');
  await second.getByRole('tab', { name: /Em espera/ }).click();
  await expect(card(second, 'Depois de fechar a primeira')).toBeVisible();
  await expect(second.getByRole('tab', { name: /Em espera/ })).toContainText('1');
});

test('R-AUTH-05 "Sair" in one window signs out every window of the browser and wipes the replica', async ({ server, newContext }) => {
  const context = await newContext();
  const first = await context.newPage();
  await signIn(first, server, 'ana@demo.local');
  const second = await context.newPage();
  await second.goto(`${server.url}/`);
  await expect(second.locator('[data-sync-state="synced"]')).toBeVisible();

  await second.getByRole('button', { name: 'Sair' }).click();
  await expect(second.getByRole('button', { name: 'Entrar' })).toBeVisible();
  await expect(first.getByRole('button', { name: 'Entrar' })).toBeVisible();
  const names = () => first.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
  await expect.poll(async () => (await names()).filter((name) => name.includes('atende-user-ana'))).toEqual([]);
});
