import { readFileSync } from 'node:fs';
import type { BrowserContext, Locator, Page } from '@playwright/test';
import yauzl from 'yauzl';
import { expectNoAxeViolations, useTheme } from './axe';
import { card, customerWrites, expect, messageLog, openPhone, openWidget, signIn, test, visitorSends, type ServerProcess } from './fixtures';
import { replicaText } from './replicaText';

/**
 * Issue 19 on the desk (R-PRIV-01/02/03): a supervisor exports a customer's data and the ZIP
 * downloads; an admin erases a customer and nothing of them is left in an agent's replica after
 * its reset; the server's refusals (an open conversation, a legal hold) are shown; legal holds are
 * set from the contact and the conversation; agents are offered none of it. Chromium, real server.
 */

async function signedIn(newContext: () => Promise<BrowserContext>, server: ServerProcess, email: string): Promise<Page> {
  const page = await (await newContext()).newPage();
  await page.setViewportSize({ width: 1366, height: 850 });
  await signIn(page, server, email);
  return page;
}

async function takeCard(page: Page, text: string): Promise<void> {
  await page.getByRole('tab', { name: /Em espera/ }).click();
  await card(page, text).click();
  await expect(messageLog(page)).toContainText(text);
  await expect(page.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
}

async function finish(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Finalizar atendimento' }).click();
  const dialog = page.getByRole('dialog', { name: 'Finalizar atendimento' });
  await dialog.getByRole('button', { name: 'Finalizar', exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

/** Ctrl+K, the contact's name, Enter: its conversation opens read-only (finished ones too). */
async function openFromPalette(page: Page, name: string): Promise<Locator> {
  await page.keyboard.press('Control+k');
  await page.keyboard.type(name);
  const found = page.getByRole('dialog', { name: 'Paleta de comandos' }).getByRole('group', { name: 'Conversas' }).getByRole('option');
  await expect(found.first()).toContainText(name);
  await page.keyboard.press('Enter');
  const peek = page.getByTestId('peek');
  await expect(peek.getByText('Somente leitura')).toBeVisible();
  return peek;
}

/** "Opções" → "Privacidade (LGPD)…" of the conversation shown in `scope`. */
async function privacyDialog(page: Page, scope: Locator, name: string): Promise<Locator> {
  await scope.getByRole('button', { name: 'Opções', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Privacidade (LGPD)…' }).click();
  const dialog = page.getByRole('dialog', { name: `Privacidade (LGPD) — ${name}` });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** The names of a ZIP's entries and the text of one of them. */
async function readZip(bytes: Buffer, wanted: string): Promise<{ names: string[]; text: string }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const names: string[] = [];
      let text = '';
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        if (entry.fileName !== wanted) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            text = Buffer.concat(chunks).toString('utf8');
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve({ names, text }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

test('R-PRIV-02 a supervisor exports a contact from the contact panel: progress, then a one-time link whose ZIP downloads in Chromium and holds dados.json', async ({ server, newContext }) => {
  const visitor = await (await newContext()).newPage();
  const carla = await signedIn(newContext, server, 'carla@demo.local');
  await openWidget(visitor, server, { name: 'Renata Exportada', email: 'renata.exportada@example.com' });
  await visitorSends(visitor, 'Quero uma cópia dos meus dados');
  await takeCard(carla, 'Quero uma cópia dos meus dados');

  const privacy = carla.getByTestId('privacy-actions');
  await expect(privacy.getByRole('heading', { name: 'Privacidade (LGPD)' })).toBeVisible();
  // Supervisors export and hold; erasing is the admins' alone.
  await expect(privacy.getByRole('button', { name: 'Excluir dados do cliente' })).toHaveCount(0);
  await privacy.getByRole('button', { name: 'Exportar dados do cliente' }).click();
  const link = privacy.getByRole('link', { name: /Baixar dados \(ZIP/ });
  await expect(link).toBeVisible({ timeout: 30_000 });
  await expect(privacy.getByRole('status')).toHaveText('Arquivo pronto.');
  await expect(privacy.getByText(/O link funciona uma única vez, até/)).toBeVisible();
  await expect(link).toHaveAttribute('href', new RegExp(`^${server.url}/api/privacy/exports/[^/]+/download\\?token=`));
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(carla, theme);
    await expectNoAxeViolations(carla, `the contact panel with the export's link (${theme})`);
  }

  const [download] = await Promise.all([carla.waitForEvent('download'), link.click()]);
  const file = await download.path();
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 4).toString('binary')).toBe('PK\u0003\u0004');
  const { names, text } = await readZip(bytes, 'dados.json');
  expect(names).toContain('dados.json');
  expect(text).toContain('Renata Exportada');
  expect(text).toContain('Quero uma cópia dos meus dados');

  // Used once: the link is not offered again; the server refuses a second download (410).
  await expect(link).toHaveCount(0);
  await expect(privacy.getByRole('status')).toContainText('Arquivo já baixado');
  expect((await carla.request.get(download.url())).status()).toBe(410);
});

const ERASED = { phone: '5511955554444', name: 'Helena Apagada', said: 'Pedido 4471 chegou quebrado' };

/** What of the erased person `user`'s replica still holds: their name, number, message text. */
async function erasedLeft(page: Page, user: string): Promise<string[]> {
  const text = await replicaText(page, user);
  return [ERASED.name, ERASED.phone, ERASED.said].filter((needle) => text.includes(needle));
}

/**
 * Ana serves and finishes a WhatsApp customer (her replica then holds the conversation, its
 * messages and the contact); an admin finds it with Ctrl+K and erases the customer from
 * "Opções" → "Privacidade (LGPD)…": confirmation, counts, the contact closed.
 */
async function eraseFinishedCustomer(server: ServerProcess, newContext: () => Promise<BrowserContext>): Promise<{ ana: Page; admin: Page }> {
  const phone = await (await newContext()).newPage();
  const ana = await signedIn(newContext, server, 'ana@demo.local');
  await openPhone(phone, server, ERASED);
  await customerWrites(phone, ERASED.said);
  await takeCard(ana, ERASED.said);
  await finish(ana);
  // The search below can see what it looks for: all three are in Ana's replica now.
  await expect.poll(() => erasedLeft(ana, 'ana')).toEqual([ERASED.name, ERASED.phone, ERASED.said]);

  const admin = await signedIn(newContext, server, 'admin@demo.local');
  const peek = await openFromPalette(admin, ERASED.name);
  const dialog = await privacyDialog(admin, peek, ERASED.name);
  await dialog.getByRole('button', { name: 'Excluir dados do cliente' }).click();
  const erase = admin.getByRole('dialog', { name: `Excluir dados de ${ERASED.name}` });
  await expect(erase).toContainText('em todas as estações de trabalho');
  await expect(erase).toContainText('só contagens anônimas');
  // Focus starts on "Cancelar"; the confirmation needs the name or EXCLUIR.
  await expect(erase.getByRole('button', { name: 'Cancelar' })).toBeFocused();
  const confirm = erase.getByRole('button', { name: 'Excluir definitivamente' });
  await expect(confirm).toBeDisabled();
  await erase.getByLabel('Confirmação').fill('Helena');
  await expect(confirm).toBeDisabled();
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(admin, theme);
    await expectNoAxeViolations(admin, `the erase dialog (${theme})`);
  }
  await erase.getByLabel('Confirmação').fill('helena apagada');
  await confirm.click();
  // Done: the erase dialog and the contact close at once; the contact panel says what went.
  const receipt = admin.getByRole('dialog', { name: 'Dados do cliente excluídos' });
  await expect(receipt).toBeVisible({ timeout: 30_000 });
  await expect(erase).toHaveCount(0);
  await expect(dialog).toHaveCount(0);
  await expect(admin.getByTestId('peek')).toHaveCount(0);
  await expect(receipt.getByRole('status')).toHaveText(`Os dados de ${ERASED.name} foram excluídos.`);
  const counts = receipt.getByTestId('privacy-erase-counts');
  const count = (label: string) => counts.locator('div', { has: admin.getByText(label, { exact: true }) }).locator('dd');
  await expect(count('Cadastros')).toHaveText('1');
  await expect(count('Conversas')).toHaveText('1');
  await expect(count('Mensagens')).toHaveText(/^[1-9]\d*$/);
  await expectNoAxeViolations(admin, 'the erasure receipt (dark)');
  await receipt.locator('footer').getByRole('button', { name: 'Fechar' }).click();
  await expect(receipt).toHaveCount(0);
  return { ana, admin };
}

test('R-PRIV-03 an admin erases a contact whose conversations are finished: the counts show, the contact closes, and an agent’s replica holds nothing of them after its reset on the next sync', async ({ server, newContext }) => {
  test.setTimeout(120_000);
  const { ana } = await eraseFinishedCustomer(server, newContext);
  // Ana's app syncs again (reopened): its checkpoint is of the store before the purge, so the
  // server answers 409 replica_reset, the replica is wiped and filled again.
  await ana.reload();
  await expect(ana.locator('[data-sync-state="synced"]')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => erasedLeft(ana, 'ana'), { timeout: 45_000, message: 'Ana’s replica still holds the erased contact' }).toEqual([]);
  // Filled again, not merely empty: the demo's other contacts are back.
  await expect.poll(() => replicaText(ana, 'ana'), { timeout: 30_000 }).toContain('Maria Oliveira');
});

// The purge signal reaches live sockets (realtime/hub.ts `store.identity`): the open app pulls, is told
// replica_reset and wipes its replica, without a reload.
test('R-PRIV-03 an agent’s app left open loses the erased contact from its replica without reconnecting (the live purge signal)', async ({ server, newContext }) => {
  test.setTimeout(120_000);
  const { ana } = await eraseFinishedCustomer(server, newContext);
  await expect.poll(() => erasedLeft(ana, 'ana'), { timeout: 45_000, message: 'Ana’s replica still holds the erased contact' }).toEqual([]);
  await expect.poll(() => replicaText(ana, 'ana'), { timeout: 30_000 }).toContain('Maria Oliveira');
});

test('R-PRIV-01 R-PRIV-03 legal holds from the contact and the conversation; erasing is refused with the reason (an open conversation, then the hold); agents see no privacy action; axe light and dark', async ({ server, newContext }) => {
  test.setTimeout(120_000);
  const name = 'Otávio Retido';
  const said = 'Quero cancelar o contrato';
  const visitor = await (await newContext()).newPage();
  const ana = await signedIn(newContext, server, 'ana@demo.local');
  const admin = await signedIn(newContext, server, 'admin@demo.local');
  await openWidget(visitor, server, { name, email: 'otavio.retido@example.com' });
  await visitorSends(visitor, said);
  await takeCard(ana, said);

  // The agent: no privacy section beside the conversation, no "Privacidade" among its options.
  await expect(ana.getByTestId('contact-name')).toHaveText(name);
  await expect(ana.getByTestId('privacy-actions')).toHaveCount(0);
  await ana.getByRole('button', { name: 'Opções', exact: true }).click();
  await expect(ana.getByRole('menuitem', { name: 'Histórico' })).toBeVisible();
  await expect(ana.getByRole('menuitem', { name: 'Privacidade (LGPD)…' })).toHaveCount(0);
  await ana.keyboard.press('Escape');

  // The admin looks at Ana's open conversation: the contact panel offers the privacy actions.
  await openFromPalette(admin, name);
  const privacy = admin.getByTestId('privacy-actions');
  await privacy.getByRole('button', { name: 'Excluir dados do cliente' }).click();
  let erase = admin.getByRole('dialog', { name: `Excluir dados de ${name}` });
  await expect(erase).toBeVisible();
  // Keyboard: focus stays inside while it is open (Tab goes round its controls)…
  for (let step = 0; step < 6; step++) {
    await admin.keyboard.press('Tab');
    expect(await erase.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  }
  // …and Esc closes it, nothing done.
  await admin.keyboard.press('Escape');
  await expect(erase).toHaveCount(0);
  await privacy.getByRole('button', { name: 'Excluir dados do cliente' }).click();
  await erase.getByLabel('Confirmação').fill('EXCLUIR');
  await erase.getByLabel('Confirmação').press('Enter');
  await expect(erase.getByRole('alert')).toHaveText('Nada foi excluído: há uma conversa aberta deste cliente. Finalize-a antes.');
  await admin.keyboard.press('Escape');
  await expect(erase).toHaveCount(0);

  // Legal hold on the contact: the replicated field shows the badge, on the admin's and on Ana's desk.
  const contactHold = privacy.getByRole('switch', { name: 'Retenção legal do cliente' });
  await expect(contactHold).not.toBeChecked();
  await contactHold.check();
  await expect(admin.getByRole('img', { name: 'Em retenção legal' })).toBeVisible();
  await expect(ana.getByRole('img', { name: 'Em retenção legal' })).toBeVisible();
  await expect(contactHold).toBeChecked();

  // Legal hold on the conversation, from its options; the dialog is axe clean in both themes.
  let dialog = await privacyDialog(admin, admin.getByTestId('peek'), name);
  const conversationHold = dialog.getByRole('switch', { name: 'Retenção legal desta conversa' });
  await conversationHold.check();
  await expect(conversationHold).toBeChecked();
  await expect(dialog.getByRole('switch', { name: 'Retenção legal do cliente' })).toBeChecked();
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(admin, theme);
    await expectNoAxeViolations(admin, `the privacy dialog (${theme})`);
  }
  await admin.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // Finished now, but held: the erasure is refused for the hold.
  await finish(ana);
  dialog = await privacyDialog(admin, admin.getByTestId('peek'), name);
  await expect(dialog.getByRole('switch', { name: 'Retenção legal desta conversa' })).toBeChecked();
  await dialog.getByRole('button', { name: 'Excluir dados do cliente' }).click();
  erase = admin.getByRole('dialog', { name: `Excluir dados de ${name}` });
  await erase.getByLabel('Confirmação').fill(name);
  await erase.getByRole('button', { name: 'Excluir definitivamente' }).click();
  await expect(erase.getByRole('alert')).toHaveText('Nada foi excluído: o cliente ou uma de suas conversas está em retenção legal.');
  await erase.getByRole('button', { name: 'Cancelar' }).click();
  await expect(erase).toHaveCount(0);

  // Lifted again: opened afresh, the switch shows the replicated state.
  await dialog.getByRole('switch', { name: 'Retenção legal do cliente' }).uncheck();
  await expect(dialog.getByRole('switch', { name: 'Retenção legal do cliente' })).not.toBeChecked();
  await admin.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  dialog = await privacyDialog(admin, admin.getByTestId('peek'), name);
  await expect(dialog.getByRole('switch', { name: 'Retenção legal do cliente' })).not.toBeChecked();
  await expect(dialog.getByRole('switch', { name: 'Retenção legal desta conversa' })).toBeChecked();
});
