import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { expect, messageLog, root, ServerProcess, signIn, test } from './fixtures';

/**
 * issue 10 point 5, R-CH-03 / R-WS-02: every kind of message WhatsApp brings renders in the
 * agent's transcript — pictures (with a viewer), audio, video, documents, stickers, locations,
 * contact cards, reactions, interactive replies, templates, unsupported messages and a file still
 * on its way. The conversation is seeded as the inbound adapter stores it (e2e/seed-media.ts).
 */
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const withMedia = test.extend<{ server: ServerProcess }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  server: async ({}, use) => {
    const server = await ServerProcess.launch({}, async (dataDir) => {
      const seeded = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'e2e/seed-media.ts'), dataDir], { cwd: root, encoding: 'utf8' });
      if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
    });
    await use(server);
    await server.dispose();
  },
});

/** The row of the seeded message number `n` (e2e/seed-media.ts numbers them in order). */
const row = (log: Locator, n: number): Locator => log.locator(`[data-message-id="message:media-${String(n).padStart(2, '0')}"]`);

async function expectDecoded(picture: Locator): Promise<void> {
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
}

withMedia('R-CH-03 R-WS-02 every WhatsApp message kind renders; the picture viewer opens, downloads and closes by keyboard; axe light and dark', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  // Tall enough for the whole (virtualised) conversation to be in the DOM at once.
  await agent.setViewportSize({ width: 1400, height: 1800 });
  await signIn(agent, server, 'ana@demo.local');
  await agent.locator('[data-conversation-id="conversation:media-kinds"]').click();
  const log = messageLog(agent);
  await expect(log).toContainText('Bom dia! Posso ajudar?');

  // A picture as a thumbnail with its caption; audio and video with the browser's controls; a document to download.
  const thumbnail = row(log, 2).getByRole('button', { name: 'Ver produto.png' });
  await expectDecoded(thumbnail.locator('img'));
  await expect(row(log, 2).locator('.text')).toHaveText('Foto do produto');
  await expect(row(log, 3).locator('audio[controls][aria-label="voz.wav"]')).toBeVisible();
  await expect(row(log, 4).locator('video[controls][aria-label="clipe.mp4"]')).toBeVisible();
  await expect(row(log, 4).locator('video')).not.toHaveAttribute('autoplay');
  await expect(row(log, 5).getByRole('button', { name: /^boleto\.pdf \d+ B$/ })).toBeVisible();
  // A sticker is a small picture, not a thumbnail that opens.
  await expectDecoded(row(log, 6).getByRole('img', { name: 'Figurinha figurinha.png' }));
  await expect(row(log, 6).getByRole('button')).toHaveCount(0);

  // A location card: place, address, coordinates in pt-BR, a map link that leaves the app.
  const location = row(log, 7).getByTestId('location-card');
  await expect(location).toContainText('Catedral da Sé');
  await expect(location).toContainText('Praça da Sé, São Paulo');
  await expect(location).toContainText('Lat. -23,55052 · Long. -46,633309');
  const map = location.getByRole('link', { name: 'Abrir no mapa (OpenStreetMap)' });
  await expect(map).toHaveAttribute('href', 'https://www.openstreetmap.org/?mlat=-23.55052&mlon=-46.633309#map=16/-23.55052/-46.633309');
  await expect(map).toHaveAttribute('target', '_blank');
  await expect(map).toHaveAttribute('rel', 'noopener noreferrer');

  await expect(row(log, 8).getByTestId('contacts-card')).toContainText('1 contato compartilhado');
  // Ana is an agent without "ver dados pessoais" (issue 19, R-PRIV-04): the shared number reaches her masked.
  await expect(row(log, 8).getByTestId('contacts-card')).toContainText('Joana Prado +55 11 *****-5678');
  // The reaction quotes the agent's message it answers, found by its WhatsApp id.
  await expect(row(log, 9).getByTestId('reaction-line')).toHaveText('reagiu com 👍 a “Bom dia! Posso ajudar?”');
  await expect(row(log, 9).locator('.text')).toHaveCount(0);
  await expect(row(log, 10).getByTestId('message-badge')).toHaveText('Resposta de botão');
  await expect(row(log, 10).locator('.text')).toHaveText('Sim, quero');
  await expect(row(log, 11).getByTestId('unsupported-message')).toHaveText('Mensagem não suportada pelo WhatsApp (tipo unsupported) — código 131051');
  await expect(row(log, 12).getByTestId('message-badge')).toHaveText('Template: pedido_enviado');
  await expect(row(log, 12).locator('.text')).toHaveText('Olá Maria, seu pedido 123 saiu para entrega.');
  await expect(row(log, 13).getByTestId('media-pending')).toHaveText('Imagem a caminho: o arquivo ainda está sendo recebido.');

  // The viewer: Enter on the thumbnail opens the full picture; download from it; Esc closes, focus returns.
  await thumbnail.focus();
  await agent.keyboard.press('Enter');
  const viewer = agent.getByRole('dialog', { name: 'produto.png' });
  await expect(viewer).toBeVisible();
  await expectDecoded(viewer.getByRole('img', { name: 'produto.png' }));
  const download = viewer.getByRole('button', { name: 'Baixar' });
  await expect(download).toBeFocused();
  const [saved] = await Promise.all([agent.waitForEvent('download'), agent.keyboard.press('Enter')]);
  expect(saved.suggestedFilename()).toBe('produto.png');
  expect(readFileSync(await saved.path()).equals(PIXEL_PNG)).toBe(true);
  await expectNoAxeViolations(agent, 'the picture viewer');
  await agent.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(thumbnail).toBeFocused();

  for (const theme of ['light', 'dark'] as const) {
    await useTheme(agent, theme);
    await expectNoAxeViolations(agent, `a conversation with every WhatsApp kind (${theme})`);
  }
});
