import type { BrowserContext, Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { attachByChooser, PIXEL_PNG, useTempFiles } from './files';
import { card, expect, messageLog, openWidget, signIn, test, visitorSends, type ServerProcess } from './fixtures';

/**
 * issue 9 point 2, the contacts screens: "Adicionar contato"/edit (R-CT-01/02), each channel's
 * contacts and the search beyond the replica (R-CT-03, R-WS-13), the contact panel's notes,
 * history and gallery (R-WS-03, R-CT-04, R-WS-05) and merging two contacts.
 */

const tempFile = useTempFiles('atende-contacts-');

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

async function signedIn(newContext: () => Promise<BrowserContext>, server: ServerProcess, email: string): Promise<Page> {
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

test('R-CT-04 R-WS-05 R-WS-03 history lists finished conversations with protocol, agent, team, disposition and opens the transcript; other teams only with permission; the gallery shows an earlier conversation\'s picture', async ({ server, newContext }) => {
  test.setTimeout(120_000); // three conversations, three agents, axe in two themes
  const [ana, bruno, carla] = await Promise.all([
    signedIn(newContext, server, 'ana@demo.local'),
    signedIn(newContext, server, 'bruno@demo.local'),
    signedIn(newContext, server, 'carla@demo.local'),
  ]);
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server, { name: 'Paula Reis', email: 'paula@example.com' });

  // 1st conversation (Suporte, Ana): a picture, finished with a disposition and a note.
  await visitorSends(visitor, 'Primeira dúvida');
  await takeCard(ana, 'Primeira dúvida');
  await attachByChooser(visitor, tempFile('pixel.png', PIXEL_PNG));
  await expect(visitor.locator('.msg.in:not(.pending)', { hasText: 'pixel.png' })).toBeVisible();
  const first = await panelOf(ana).getByTestId('contact-protocol').textContent();
  await finish(ana, 'Dúvida resolvida', 'Orientada sobre o pedido.');

  // 2nd conversation: Ana hands it to Comercial, where Carla finishes it.
  await visitorSends(visitor, 'Quero comprar');
  await takeCard(ana, 'Quero comprar');
  await ana.getByRole('button', { name: 'Transferir' }).click();
  const transfer = ana.getByRole('dialog', { name: 'Transferir' });
  await transfer.getByRole('combobox').selectOption({ label: 'Comercial' });
  await transfer.getByRole('button', { name: 'Transferir' }).click();
  await expect(transfer).toHaveCount(0);
  await takeCard(carla, 'Quero comprar');
  await finish(carla, 'Venda realizada', 'Pedido fechado.');

  // 3rd conversation, Ana again: her history shows her team's only, and says why.
  await visitorSends(visitor, 'Voltei');
  await takeCard(ana, 'Voltei');
  const panel = panelOf(ana);
  await panel.getByRole('tab', { name: 'Histórico' }).click();
  const entry = panel.locator(`[data-protocol="${first}"]`);
  await expect(entry).toContainText(`Protocolo ${first}`);
  await expect(entry).toContainText('Suporte · Ana Souza');
  await expect(entry).toContainText('Dúvida resolvida');
  await expect(entry).toContainText('Orientada sobre o pedido.');
  await expect(panel.getByTestId('history-hidden')).toContainText('outras equipes não são exibidos');
  await expect(panel.locator('[data-protocol]')).toHaveCount(1);
  await expect(panel).not.toContainText('Venda realizada');
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(ana, theme);
    await expectNoAxeViolations(ana, `contact panel, history (${theme})`);
  }
  await entry.getByRole('button').click();
  const transcript = ana.getByRole('dialog', { name: `Protocolo ${first}` });
  await expect(transcript.getByRole('list', { name: 'Conversa' })).toContainText('Primeira dúvida');
  await expect(transcript).toContainText('pixel.png');
  await expectNoAxeViolations(ana, 'transcript dialog');
  await ana.keyboard.press('Escape');
  await expect(transcript).toHaveCount(0);

  // The gallery: the picture of the earlier conversation, as a thumbnail fetched with the agent's token.
  await panel.getByRole('tab', { name: 'Galeria' }).click();
  const picture = panel.getByRole('img', { name: 'Imagem pixel.png' });
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(panel.getByRole('region', { name: /^Conversa de / })).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(ana, theme);
    await expectNoAxeViolations(ana, `contact panel, gallery (${theme})`);
  }

  // Bruno may read other teams' history: from the website chat's contacts, both conversations.
  await rail(bruno).getByRole('button', { name: 'Chat do site' }).click();
  await contactRow(bruno, 'Paula Reis').getByRole('button', { name: /Histórico/ }).click();
  const history = bruno.getByRole('dialog', { name: 'Histórico de Paula Reis' });
  await expect(history.locator('[data-protocol]')).toHaveCount(2);
  await expect(history).toContainText('Comercial · Carla Mendes');
  await expect(history).toContainText('Venda realizada');
  await expect(history.getByTestId('history-hidden')).toHaveCount(0);
  await expectNoAxeViolations(bruno, 'history dialog');
});

test('R-WS-03 notes: written by one agent, seen by another agent of the team; only the author edits and deletes (after a confirmation)', async ({ server, newContext }) => {
  const [ana, bruno] = await Promise.all([signedIn(newContext, server, 'ana@demo.local'), signedIn(newContext, server, 'bruno@demo.local')]);
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server, { name: 'Rui Costa', email: 'rui@example.com' });
  await visitorSends(visitor, 'Olá, sou o Rui');
  await takeCard(ana, 'Olá, sou o Rui');
  const panel = panelOf(ana);
  await expect(panel.getByTestId('contact-name')).toHaveText('Rui Costa');
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(ana, theme);
    await expectNoAxeViolations(ana, `contact panel, details (${theme})`);
  }

  await panel.getByRole('tab', { name: 'Anotações' }).click();
  const draft = panel.getByLabel('Nova anotação');
  await draft.fill('Cliente prefere contato à tarde.');
  await panel.getByRole('button', { name: 'Adicionar anotação' }).click();
  const notes = panel.getByRole('list', { name: 'Anotações' });
  await expect(notes.getByRole('listitem')).toHaveCount(1);
  await expect(notes).toContainText('Ana Souza');
  await notes.getByRole('button', { name: 'Editar' }).click();
  await panel.getByLabel('Texto da anotação').fill('Cliente prefere contato pela manhã.');
  await panel.getByRole('button', { name: 'Salvar' }).click();
  await expect(notes).toContainText('Cliente prefere contato pela manhã.');
  await draft.fill('Anotação a excluir');
  await panel.getByRole('button', { name: 'Adicionar anotação' }).click();
  await expect(notes.getByRole('listitem')).toHaveCount(2);
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(ana, theme);
    await expectNoAxeViolations(ana, `contact panel, notes (${theme})`);
  }
  await notes.getByRole('listitem').filter({ hasText: 'Anotação a excluir' }).getByRole('button', { name: 'Excluir' }).click();
  const confirm = ana.getByRole('dialog', { name: 'Excluir anotação' });
  await expect(confirm).toContainText('Anotação a excluir');
  await expectNoAxeViolations(ana, 'delete-note confirmation');
  await confirm.getByRole('button', { name: 'Excluir' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(notes.getByRole('listitem')).toHaveCount(1);

  // Bruno serves the same customer: he reads Ana's note but may not change it.
  await ana.getByRole('button', { name: 'Transferir' }).click();
  const transfer = ana.getByRole('dialog', { name: 'Transferir' });
  await transfer.getByRole('combobox').selectOption({ label: 'Bruno Lima' });
  await transfer.getByRole('button', { name: 'Transferir' }).click();
  await bruno.getByRole('tab', { name: /Em atendimento/ }).click();
  await card(bruno, 'Olá, sou o Rui').click();
  const his = panelOf(bruno);
  await his.getByRole('tab', { name: 'Anotações' }).click();
  const seen = his.getByRole('list', { name: 'Anotações' });
  await expect(seen).toContainText('Cliente prefere contato pela manhã.');
  await expect(seen).toContainText('Ana Souza');
  await expect(seen.getByRole('button', { name: 'Editar' })).toHaveCount(0);
  await expect(seen.getByRole('button', { name: 'Excluir' })).toHaveCount(0);
  await his.getByLabel('Nova anotação').fill('Retornar na segunda.');
  await his.getByRole('button', { name: 'Adicionar anotação' }).click();
  await expect(seen.getByRole('listitem')).toHaveCount(2);
  await expect(seen.getByRole('listitem').filter({ hasText: 'Retornar na segunda.' }).getByRole('button', { name: 'Editar' })).toBeVisible();
});

test('issue 9 merge: "Mesclar contato…" moves a duplicate\'s number to the contact served; a contact in service is refused with a clear message', async ({ server, newContext }) => {
  // Merging is a supervisor's (issue 14): Carla serves and merges.
  const ana = await signedIn(newContext, server, 'carla@demo.local');
  const rui = await (await newContext()).newPage();
  const sara = await (await newContext()).newPage();
  await openWidget(sara, server, { name: 'Sara Lima', email: 'sara@example.com' });
  await visitorSends(sara, 'Sou a Sara');
  await openWidget(rui, server, { name: 'Rui Costa', email: 'rui@example.com' });
  await visitorSends(rui, 'Olá, sou o Rui');

  // A duplicate registered by hand, with his WhatsApp number.
  await ana.getByRole('banner').getByRole('button', { name: 'Adicionar contato' }).click();
  const add = ana.getByRole('dialog', { name: 'Adicionar contato' });
  await add.getByLabel('Nome').fill('Rui C.');
  await add.getByLabel('E-mail').fill('rui.c@example.com');
  await add.getByRole('textbox', { name: 'WhatsApp', exact: true }).fill('11 93333-4444');
  await add.getByRole('button', { name: 'Salvar' }).click();
  await expect(add).toHaveCount(0);

  await takeCard(ana, 'Olá, sou o Rui');
  const panel = panelOf(ana);
  await panel.getByRole('button', { name: 'Mesclar contato…' }).click();
  const merge = ana.getByRole('dialog', { name: 'Mesclar com Rui Costa' });
  await merge.getByRole('searchbox').fill('Sara');
  await merge.getByRole('button', { name: /Sara Lima/ }).click();
  await merge.getByRole('button', { name: 'Mesclar', exact: true }).click();
  await expect(merge.getByRole('alert')).toHaveText('Sara Lima tem um atendimento em aberto; finalize-o antes de mesclar.');
  await merge.getByRole('button', { name: 'Voltar' }).click();
  await merge.getByRole('searchbox').fill('93333');
  await merge.getByRole('button', { name: /Rui C\./ }).click();
  await expect(merge).toContainText('Mesclar Rui C. em Rui Costa?');
  await expectNoAxeViolations(ana, 'merge confirmation');
  await merge.getByRole('button', { name: 'Mesclar', exact: true }).click();
  await expect(merge).toHaveCount(0);
  await expect(panel).toContainText('+55 11 93333-4444'); // formatted in the panel (issue 10)
  await rail(ana).getByRole('button', { name: 'WhatsApp' }).click();
  await expect(contactRow(ana, 'Rui Costa')).toContainText('5511933334444');
  await expect(contactRow(ana, 'Rui C.')).toHaveCount(0);

  // From the channel's list, the contact's conversation in progress opens in the lists.
  await contactRow(ana, 'Rui Costa').getByRole('button', { name: 'Abrir conversa de Rui Costa' }).click();
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(messageLog(ana)).toContainText('Olá, sou o Rui');
});

test('R-CT-01 R-NET-03 "Adicionar contato" without a connection is kept and saved once the connection is back', async ({ server, newContext }) => {
  const context = await newContext();
  const ana = await context.newPage();
  await signIn(ana, server, 'ana@demo.local');
  await context.setOffline(true);
  await expect(ana.getByRole('combobox', { name: 'Status' }).locator('option:checked')).toHaveText('Sem conexão');
  await ana.getByRole('banner').getByRole('button', { name: 'Adicionar contato' }).click();
  const add = ana.getByRole('dialog', { name: 'Adicionar contato' });
  await add.getByLabel('Nome').fill('Tânia Offline');
  await add.getByLabel('E-mail').fill('tania@example.com');
  await add.getByRole('textbox', { name: 'WhatsApp', exact: true }).fill('31 98888-7777');
  await add.getByRole('button', { name: 'Salvar' }).click();
  await expect(add.getByRole('status')).toHaveText('Sem conexão: o contato será salvo quando a conexão voltar.');
  await add.getByRole('button', { name: 'Fechar', exact: true }).first().click();
  await expect(add).toHaveCount(0);

  await context.setOffline(false);
  await rail(ana).getByRole('button', { name: 'WhatsApp' }).click();
  await expect(contactRow(ana, 'Tânia Offline')).toContainText('5531988887777');
});
