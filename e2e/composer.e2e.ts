import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { attachByChooser, PIXEL_PNG, PIXEL_PNG_BASE64, useTempFiles } from './files';
import { expect, messageLog, signIn, takeNewConversation, test } from './fixtures';

/**
 * issue 9 point 4, R-WS-04: the composer's emoji picker, attachments (button, drag and drop,
 * paste, per-channel limits) and predefined messages with files, end to end to the website
 * visitor.
 */

const tempFile = useTempFiles('atende-composer-');

const composerField = (page: Page) => page.getByRole('textbox', { name: 'Mensagem' });
const chip = (page: Page, name: string) => page.getByTestId('attachment-chip').filter({ hasText: name });

/** The thumbnail was fetched with the visitor's token and decoded as a picture. */
async function expectPictureShown(page: Page, name: string): Promise<void> {
  const picture = page.getByRole('img', { name });
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
}

test('R-WS-04 an emoji picked in the popover goes in at the caret; Esc closes it and the text field has the focus', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Quero um emoji');

  const field = composerField(agent);
  await field.fill('Bom dia!');
  await field.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(3, 3));
  const emojiButton = agent.getByRole('button', { name: 'Inserir emoji', exact: true });
  await emojiButton.click();
  const picker = agent.locator('emoji-picker');
  // Portuguese names from the bundled data (no network); the picker's own search box has the focus.
  const grinning = picker.getByRole('menuitem', { name: /^😀, rosto risonho,/ });
  await expect(grinning).toBeVisible();
  await expect(picker.getByRole('combobox', { name: 'Procurar' })).toBeFocused();

  for (const theme of ['light', 'dark'] as const) {
    await useTheme(agent, theme);
    await expectNoAxeViolations(agent, `the emoji popover (${theme})`);
  }

  await grinning.click();
  await expect(picker).toHaveCount(0);
  await expect(field).toHaveValue('Bom😀 dia!');
  await expect(field).toBeFocused();
  // The caret follows the emoji: typing goes on right after it.
  await agent.keyboard.type(',');
  await expect(field).toHaveValue('Bom😀, dia!');

  // By keyboard: the search box filters, arrows choose, Enter inserts; Esc closes without inserting.
  await emojiButton.focus();
  await agent.keyboard.press('Enter');
  await expect(picker.getByRole('combobox', { name: 'Procurar' })).toBeFocused();
  await agent.keyboard.press('Escape');
  await expect(picker).toHaveCount(0);
  await expect(field).toBeFocused();
  await expect(field).toHaveValue('Bom😀, dia!');

  await agent.getByRole('button', { name: 'Enviar' }).click();
  await expect(visitor.getByText('Bom😀, dia!')).toBeVisible();
});

test('R-WS-04 files attached by the button and by drag and drop reach the visitor; an oversize file is refused before upload', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Pode mandar os arquivos?');
  const uploads: string[] = [];
  agent.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/media') uploads.push(request.url());
  });

  // Past the website chat's 20 MB: refused with the limit, before any byte leaves.
  await attachByChooser(agent, tempFile('grande.pdf', Buffer.alloc(21 * 1024 * 1024, 0x41)));
  await expect(agent.getByTestId('attach-refusal')).toHaveText('grande.pdf é grande demais para este canal (máximo 20 MB).');
  await expect(chip(agent, 'grande.pdf')).toHaveCount(0);
  expect(uploads).toEqual([]);

  await attachByChooser(agent, tempFile('foto.png', PIXEL_PNG));
  await expect(chip(agent, 'foto.png')).toHaveAttribute('data-state', 'ready');
  await expect(agent.getByTestId('attach-refusal')).toHaveCount(0);

  // Dropped on the conversation's history, not only on the composer.
  const dataTransfer = await agent.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['Pedido 123: pago.\n'], 'recibo.txt', { type: 'text/plain' }));
    return transfer;
  });
  const log = messageLog(agent);
  await log.dispatchEvent('dragenter', { dataTransfer });
  await log.dispatchEvent('dragover', { dataTransfer });
  await expect(agent.getByText('Solte os arquivos para anexar')).toBeVisible();
  await log.dispatchEvent('drop', { dataTransfer });
  await expect(chip(agent, 'recibo.txt')).toHaveAttribute('data-state', 'ready');
  await expect(agent.getByText('Solte os arquivos para anexar')).toHaveCount(0);
  expect(uploads).toHaveLength(2);

  for (const theme of ['light', 'dark'] as const) {
    await useTheme(agent, theme);
    await expectNoAxeViolations(agent, `the composer with attachment chips (${theme})`);
  }

  // A chip can be taken out again; the rest goes with the text.
  await attachByChooser(agent, tempFile('engano.png', PIXEL_PNG));
  await expect(chip(agent, 'engano.png')).toHaveAttribute('data-state', 'ready');
  await agent.getByRole('button', { name: 'Remover engano.png' }).click();
  await expect(chip(agent, 'engano.png')).toHaveCount(0);

  await composerField(agent).fill('Seguem os arquivos');
  await agent.getByRole('button', { name: 'Enviar' }).click();
  await expect(agent.getByTestId('attachment-chip')).toHaveCount(0);
  await expect(visitor.getByText('Seguem os arquivos')).toBeVisible();
  await expectPictureShown(visitor, 'foto.png');
  await expect(visitor.getByRole('link', { name: /^recibo\.txt/ })).toBeVisible();
  await expect(visitor.getByText('engano.png')).toHaveCount(0);
});

test('R-WS-04 a pasted picture attaches, and a predefined message with a file sends its text and file (R-RT-05)', async ({ server, newContext }) => {
  const agentContext = await newContext();
  const agent = await agentContext.newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Qual o preço?');

  // A screenshot pasted into the text field (clipboard files come without a useful name).
  const field = composerField(agent);
  await field.focus();
  await field.evaluate((el, base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, PIXEL_PNG_BASE64);
  const pasted = agent.getByTestId('attachment-chip').filter({ hasText: /^imagem-.*\.png/ });
  await expect(pasted).toHaveAttribute('data-state', 'ready');
  await agent.getByRole('button', { name: 'Enviar' }).click();
  await expect(agent.getByTestId('attachment-chip')).toHaveCount(0);
  await expect(visitor.getByRole('img', { name: /^imagem-.*\.png$/ })).toBeVisible();

  // The demo's "Tabela de preços" carries a PDF stored on the server: attached without uploading.
  const uploads: string[] = [];
  agent.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/media') uploads.push(request.url());
  });
  await agent.getByRole('button', { name: 'Mensagens predefinidas' }).click();
  const option = agent.getByRole('option', { name: /Tabela de preços/ });
  await expect(option).toContainText('1 arquivo');
  await option.click();
  await expect(field).toHaveValue('Segue a nossa tabela de preços.');
  await expect(chip(agent, 'tabela-de-precos.pdf')).toHaveAttribute('data-state', 'ready');

  // Offline (R-NET-01), files cannot go: the composer says why instead of failing silently, and
  // keeps them for when the connection is back.
  await agentContext.setOffline(true);
  await expect(agent.getByText('os arquivos só podem ser enviados com conexão ao servidor.', { exact: false })).toBeVisible();
  await expect(agent.getByRole('button', { name: 'Anexar arquivo' })).toBeDisabled();
  await agentContext.setOffline(false);
  await expect(agent.getByRole('button', { name: 'Enviar' })).toBeEnabled();
  await expect(chip(agent, 'tabela-de-precos.pdf')).toHaveAttribute('data-state', 'ready');
  await agent.getByRole('button', { name: 'Enviar' }).click();
  await expect(visitor.getByText('Segue a nossa tabela de preços.')).toBeVisible();
  await expect(visitor.getByRole('link', { name: /^tabela-de-precos\.pdf/ })).toBeVisible();
  expect(uploads).toEqual([]);
});

test('R-WS-04 a reply over the 4,096-character limit is stopped with the reason; a refused reply says why and keeps the history on screen', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  await agent.setViewportSize({ width: 1366, height: 768 });
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Posso mandar um texto enorme?');
  const sends: string[] = [];
  agent.on('request', (request) => {
    if (request.method() === 'POST' && /\/api\/conversations\/[^/]+\/messages$/.test(new URL(request.url()).pathname)) sends.push(request.url());
  });

  const field = composerField(agent);
  const send = agent.getByRole('button', { name: 'Enviar' });
  // Over the limit: "Enviar" is disabled and says why; Enter sends nothing.
  await field.fill('o'.repeat(4097));
  const reason = 'O Chat do site aceita até 4.096 caracteres por mensagem; esta tem 4.097. Encurte o texto para enviar.';
  await expect(agent.getByTestId('text-limit')).toHaveText(reason);
  await expect(send).toBeDisabled();
  await expect(send).toHaveAccessibleDescription(reason);
  await field.press('Enter');
  await expect(field).toHaveValue('o'.repeat(4097));
  // Near the limit: a counter, and the reply may go.
  await field.fill('o'.repeat(4000));
  await expect(agent.getByTestId('text-counter')).toHaveText('4.000 de 4.096 caracteres');
  await expect(agent.getByTestId('text-limit')).toHaveCount(0);
  await expect(send).toBeEnabled();
  expect(sends).toEqual([]);
  await expectNoAxeViolations(agent, 'the composer near its text limit');

  // The server refuses it for good (as a 400 for a too-long text would be): the bubble shows the
  // server's reason, and the long text stays a few lines high instead of pushing the history away.
  await agent.route(/\/api\/conversations\/[^/]+\/messages$/, (route) =>
    route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'invalid_input', message: 'Recusada pelo servidor de teste.' }) }));
  await send.click();
  const refused = agent.getByTestId('outbox-reply');
  await expect(refused).toHaveAttribute('data-state', 'rejected');
  await expect(refused.getByRole('alert')).toHaveText('Não enviada: Recusada pelo servidor de teste.');
  const log = messageLog(agent);
  await expect(log).toContainText('Posso mandar um texto enorme?');
  expect((await log.boundingBox())?.height ?? 0).toBeGreaterThan(200);
  // The page itself never scrolls: the top bar and the lists stay where they are.
  expect(await agent.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(768);
  await refused.getByRole('button', { name: 'Editar' }).click();
  await expect(field).toHaveValue('o'.repeat(4000));
});
