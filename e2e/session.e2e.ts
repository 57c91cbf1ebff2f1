import { expect, signIn, test } from './fixtures';

test('R-AUTH-03 wrong password is refused clearly; the fifth wrong attempt locks the login', async ({ server, newContext }) => {
  const page = await (await newContext()).newPage();
  await page.goto(`${server.url}/`);
  await page.getByLabel('E-mail').fill('bruno@demo.local');
  const password = page.getByLabel('Senha');
  const submit = page.getByRole('button', { name: 'Entrar' });
  const error = page.getByRole('alert');

  for (let attempt = 1; attempt <= 4; attempt++) {
    await password.fill(`errada-${attempt}`);
    await submit.click();
    await expect(error).toHaveText('E-mail ou senha incorretos.');
    await expect(submit).toBeEnabled();
  }
  await password.fill('errada-5');
  await submit.click();
  await expect(error).toContainText('temporariamente bloqueado');

  // Locked means locked: even the right password is refused now.
  await password.fill('atende123');
  await submit.click();
  await expect(error).toContainText('temporariamente bloqueado');
  await expect(page.getByRole('tab', { name: /Em espera/ })).toHaveCount(0);
});

test('R-AUTH-05 "Sair" returns to the login page and wipes the user’s local database', async ({ server, newContext }) => {
  const page = await (await newContext()).newPage();
  await signIn(page, server, 'ana@demo.local');
  await expect(page.locator('[data-sync-state="synced"]')).toBeVisible();
  const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
  // RxDB's Dexie storage keeps one IndexedDB database per collection: rxdb-dexie-<db>--<version>--<collection>.
  const mine = (await databases()).filter((name) => name.includes('atende-user-ana'));
  for (const name of mine) expect(name).toMatch(/^rxdb-dexie-atende-user-ana--\d+--/);
  expect(mine).toEqual(expect.arrayContaining([
    // Schemas generated from the protocol (issue 8); conversations at 6 (issue 9 added `mark`, issue 13 made
    // ticket links objects, issue 16 the report fields and `rating`, issue 18 `ratingRequestedAt`, issue 19 `legalHold`), messages at 3 (1 added `payload`, issue 13
    // `recipientId` and the direction index).
    'rxdb-dexie-atende-user-ana--6--conversations',
    'rxdb-dexie-atende-user-ana--3--messages',
    'rxdb-dexie-atende-user-ana--0--drafts',
  ]));

  await page.getByRole('button', { name: 'Sair' }).click();
  await expect(page.getByLabel('E-mail')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Entrar' })).toBeVisible();
  await expect.poll(async () => (await databases()).filter((name) => name.includes('atende-user-ana'))).toEqual([]);
  expect(await page.evaluate(() => localStorage.getItem('atende.session'))).toBeNull();
});
