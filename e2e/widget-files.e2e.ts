import type { APIRequestContext, Page } from '@playwright/test';
import { attachByChooser, PIXEL_PNG, useTempFiles } from './files';
import { expect, openWidget, signIn, test, visitorSends, visitorSent, type ServerProcess } from './fixtures';

interface TranscriptMessage {
  id: string;
  direction: string;
  text: string;
  attachments: { mediaId: string; name: string; mimeType: string; size: number }[];
}

const tempFile = useTempFiles('atende-widget-files-');

/** What the server stored for the visitor of this page, read with the widget's own token. */
async function transcript(page: Page, request: APIRequestContext, server: ServerProcess): Promise<TranscriptMessage[]> {
  const stored = await page.evaluate(() => localStorage.getItem('atende.visitor.demo-site'));
  const { token } = JSON.parse(stored ?? 'null') as { token: string };
  const res = await request.get(`${server.url}/api/webchat/messages`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  // What the visitor and the agent wrote; lifecycle notices (direction 'system') are widget.e2e.ts's.
  return ((await res.json()) as { messages: TranscriptMessage[] }).messages.filter((m) => m.direction !== 'system');
}

/** The thumbnail was fetched with the visitor's token and decoded as a picture. */
async function expectPictureShown(page: Page, name: string): Promise<void> {
  const picture = page.getByRole('img', { name });
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
}

test('R-CH-02 the widget sends a picture through the outbox and receives the files an agent sends', async ({ server, newContext, request }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await openWidget(visitor, server);

  await attachByChooser(visitor, tempFile('pixel.png', PIXEL_PNG));
  await expect(visitorSent(visitor, 'pixel.png')).toBeVisible();
  await expectPictureShown(visitor, 'pixel.png');

  // The agent sees the new conversation waiting.
  const waiting = agent.locator('[data-conversation-id]');
  await expect(waiting).toHaveCount(1);
  await expect(agent.getByRole('tab', { name: /Em espera/ })).toContainText('1');
  const conversationId = await waiting.getAttribute('data-conversation-id');
  expect(conversationId).toBeTruthy();

  // The stored message carries the file (metadata), with an empty text.
  const [sent] = await transcript(visitor, request, server);
  expect(sent).toMatchObject({ direction: 'in', text: '', attachments: [{ name: 'pixel.png', mimeType: 'image/png', size: PIXEL_PNG.length }] });

  // The agent takes the conversation and can read the visitor's file.
  const login = await request.post(`${server.url}/api/auth/login`, { data: { email: 'ana@demo.local', password: 'atende123' } });
  const headers = { Authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  expect((await request.post(`${server.url}/api/conversations/${conversationId}/claim`, { headers, data: {} })).status()).toBe(200);
  const visitorFile = await request.get(`${server.url}/api/media/${sent?.attachments[0]?.mediaId}`, { headers });
  expect(visitorFile.status()).toBe(200);
  expect(Buffer.from(await visitorFile.body()).equals(PIXEL_PNG)).toBe(true);

  // The agent answers with a picture and a document.
  const upload = async (name: string, mimeType: string, buffer: Buffer) => {
    const res = await request.post(`${server.url}/api/media`, {
      headers,
      multipart: { channel: 'webchat', file: { name, mimeType, buffer } },
    });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const mediaIds = [await upload('resposta.png', 'image/png', PIXEL_PNG), await upload('recibo.txt', 'text/plain', Buffer.from('Pedido 123: pago.\n'))];
  const reply = await request.post(`${server.url}/api/conversations/${conversationId}/messages`, {
    headers,
    data: { id: 'reply-with-files-1', text: '', mediaIds },
  });
  expect(reply.status()).toBe(201);

  await expectPictureShown(visitor, 'resposta.png');
  const receipt = visitor.getByRole('link', { name: /^recibo\.txt \(\d+ B\)$/ });
  await expect(receipt).toBeVisible();
  const [download] = await Promise.all([visitor.waitForEvent('download'), receipt.click()]);
  expect(download.suggestedFilename()).toBe('recibo.txt');

  // After a reload everything comes back from the transcript, not from memory.
  await visitor.reload();
  await visitor.getByRole('button', { name: 'Fale conosco' }).click();
  await expectPictureShown(visitor, 'pixel.png');
  await expectPictureShown(visitor, 'resposta.png');
  await expect(visitor.getByRole('link', { name: /^recibo\.txt/ })).toBeVisible();
});

test('R-CH-02 a file too large or of a refused type shows an inline error and sends nothing', async ({ server, newContext, request }) => {
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server);
  await visitorSends(visitor, 'Antes do arquivo');
  await expect(visitorSent(visitor, 'Antes do arquivo')).toBeVisible();

  // Refused in the browser: 21 MB is past the website chat's 20 MB.
  await attachByChooser(visitor, tempFile('grande.pdf', Buffer.alloc(21 * 1024 * 1024, 0x41)));
  await expect(visitor.getByRole('status')).toHaveText('Arquivo grande demais.');
  await expect(visitor.getByText('grande.pdf')).toHaveCount(0);

  // Refused by the server (415): the bytes are a ZIP archive whatever the name says.
  const zip = Buffer.concat([Buffer.from('504b0506', 'hex'), Buffer.alloc(18)]);
  await attachByChooser(visitor, tempFile('fotos.jpg', zip));
  await expect(visitor.getByRole('status')).toHaveText('Tipo de arquivo não aceito.');
  await expect(visitor.getByText('fotos.jpg')).toHaveCount(0);

  // The outbox goes on; the server holds the two texts and nothing between them.
  await visitorSends(visitor, 'Depois do arquivo');
  await expect(visitorSent(visitor, 'Depois do arquivo')).toBeVisible();
  const stored = await transcript(visitor, request, server);
  expect(stored.map((m) => ({ text: m.text, files: m.attachments.length }))).toEqual([
    { text: 'Antes do arquivo', files: 0 },
    { text: 'Depois do arquivo', files: 0 },
  ]);
});
