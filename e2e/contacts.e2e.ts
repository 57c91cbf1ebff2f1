import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { card, expect, messageLog, openWidget, signIn, test, visitorSends, type ServerProcess } from './fixtures';

/**
 * issue 9 point 2, the contacts screens: "Adicionar contato"/edit (R-CT-01/02), each channel's
 * contacts and the search beyond the replica (R-CT-03, R-WS-13), the contact panel's notes,
 * history and gallery (R-WS-03, R-CT-04, R-WS-05) and merging two contacts.
 */

/** A 1×1 PNG. */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
let folder = '';
test.beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'atende-contacts-'));
});
test.afterAll(() => rmSync(folder, { recursive: true, force: true }));

const panelOf = (page: Page) => page.getByRole('complementary', { name: 'Contato' });
const rail = (page: Page) => page.getByRole('navigation', { name: 'Canais' });
const contactRow = (page: Page, name: string) => page.locator('[data-contact-id]', { hasText: name });

async function takeCard(agent: Page, text: string): Promise<void> {
  await agent.getByRole('tab', { name: /Em espera/ }).click();
  await card(agent, text).click();
  await expect(messageLog(agent)).toContainText(text);
  await expect(agent.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
}

async function finish(agent: Page, disposition: string, note: string): Promise<void> {
  await agent.getByRole('button', { name: 'Finalizar atendimento' }).click();
  const dialog = agent.getByRole('dialog', { name: 'Finalizar atendimento' });
  await dialog.getByLabel('Motivo de contato').selectOption({ label: disposition });
  await dialog.getByLabel('Descrição do atendimento').fill(note);
  await dialog.getByRole('button', { name: 'Finalizar', exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

async function visitorAttaches(visitor: Page, name: string, bytes: Buffer): Promise<void> {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  const [chooser] = await Promise.all([
    visitor.waitForEvent('filechooser'),
    visitor.getByRole('button', { name: 'Anexar arquivo' }).click(),
  ]);
  await chooser.setFiles(file);
}

async function signedIn(newContext: () => Promise<import('@playwright/test').BrowserContext>, server: ServerProcess, email: string): Promise<Page> {
  const page = await (await newContext()).newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, server, email);
  return page;
}

test('R-CT-01 R-CT-02 R-CT-03 "Adicionar contato": required fields block saving, emoji warned, number stored as E.164 (55 added), a taken number names its owner, then listed under WhatsApp and found by number', async ({ server, newContext }) => {
  const ana = await signedIn(newContext, server, 'ana@demo.local');
  await ana.getByRole('banner').getByRole('button', { name: 'Adicionar contato' }).click();
  const dialog = ana.getByRole('dialog', { name: 'Adicionar contato' });
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(ana, theme);
    await expectNoAxeViolations(ana, `add-contact dialog (${theme})`);
  }

  // R-CT-01: nothing filled in → three messages under the required fields, nothing saved.
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  const name = dialog.getByLabel('Nome');
  const email = dialog.getByLabel('E-mail');
  const whatsapp = dialog.getByRole('textbox', { name: 'WhatsApp', exact: true });
  for (const field of [name, email, whatsapp]) {
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(field).toHaveAccessibleDescription(/Campo obrigatório/);
  }
  await expect(dialog).toBeVisible();
  await expectNoAxeViolations(ana, 'add-contact dialog with errors');

  // Emoji in the name: warned, not blocking.
  await name.fill('Pedro 😀 Alves');
  await expect(dialog.getByText('Evite emojis ou caracteres especiais no nome', { exact: false })).toBeVisible();
  await name.fill('Pedro Alves (ACME)');
  await expect(dialog.getByText('Evite emojis', { exact: false })).toHaveCount(0);
  await email.fill('pedro@acme.example');

  // R-CT-02/R-WA-03: a wrong number, then Brazilian input shown as it will be stored.
  await whatsapp.fill('113456');
  await whatsapp.blur();
  await expect(whatsapp).toHaveAccessibleDescription(/Número incompleto/);
  await whatsapp.fill('12a34');
  await expect(whatsapp).toHaveAccessibleDescription(/Número inválido, corrija e tente novamente/);
  await whatsapp.fill('11987654321');
  await expect(dialog.getByTestId('whatsapp-stored')).toHaveText('Será salvo como 5511987654321');
  // That number is Maria Oliveira's (demo seed): the store refuses it and says whose it is.
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(whatsapp).toHaveAccessibleDescription(/Este número já pertence a Maria Oliveira/);

  await whatsapp.fill('(11) 91111-2222');
  await expect(dialog.getByTestId('whatsapp-stored')).toHaveText('Será salvo como 5511911112222');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog).toHaveCount(0);

  // R-CT-03: listed under WhatsApp with the stored number, found by number (digits as typed).
  await rail(ana).getByRole('button', { name: 'WhatsApp' }).click();
  await expect(contactRow(ana, 'Pedro Alves (ACME)')).toContainText('5511911112222');
  await expect(contactRow(ana, 'Maria Oliveira')).toBeVisible();
  const search = ana.getByRole('searchbox', { name: 'Buscar contato por número ou nome' });
  await search.fill('91111');
  await expect(contactRow(ana, 'Pedro Alves (ACME)')).toBeVisible();
  await expect(contactRow(ana, 'Maria Oliveira')).toHaveCount(0);
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(ana, theme);
    await expectNoAxeViolations(ana, `WhatsApp contact list (${theme})`);
  }

  // "Editar contato" from the list: the same form, filled in.
  await contactRow(ana, 'Pedro Alves (ACME)').getByRole('button', { name: /Editar contato/ }).click();
  const edit = ana.getByRole('dialog', { name: 'Editar contato' });
  await expect(edit.getByLabel('Nome')).toHaveValue('Pedro Alves (ACME)');
  await edit.getByLabel('Nome').fill('Pedro Alves (ACME Ltda.)');
  await edit.getByRole('button', { name: 'Salvar' }).click();
  await expect(edit).toHaveCount(0);
  await expect(contactRow(ana, 'Pedro Alves (ACME Ltda.)')).toBeVisible();
});

test('R-WS-13 R-CT-03 contact search finds contacts beyond the replica (another team\'s) by number and by name', async ({ server, newContext }) => {
  const ana = await signedIn(newContext, server, 'ana@demo.local');
  await rail(ana).getByRole('button', { name: 'WhatsApp' }).click();
  await expect(contactRow(ana, 'Maria Oliveira')).toBeVisible();
  // João is a Comercial contact: not in Ana's replica.
  await expect(contactRow(ana, 'João Pereira')).toHaveCount(0);
  const search = ana.getByRole('searchbox', { name: 'Buscar contato por número ou nome' });
  await search.fill('21 99876');
  await expect(contactRow(ana, 'João Pereira')).toContainText('encontrado no servidor');
  await expect(contactRow(ana, 'João Pereira')).toContainText('5521998765432');
  await search.fill('pereira');
  await expect(contactRow(ana, 'João Pereira')).toBeVisible();
  await search.fill('');
  await expect(contactRow(ana, 'João Pereira')).toHaveCount(0);
});
