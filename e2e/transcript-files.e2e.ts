import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { attachByChooser, PIXEL_PNG, useTempFiles } from './files';
import { expect, messageLog, signIn, takeNewConversation, test, visitorSent } from './fixtures';

/**
 * issue 9, R-WS-04 / R-CH-02: the files of a conversation show in the agent's own transcript, not
 * only in the contact panel's gallery: pictures as thumbnails, documents as chips that download.
 */

/** Enough of a PDF for the server's type check (it reads the magic bytes). */
const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

const tempFile = useTempFiles('atende-transcript-files-');

/** The picture in the agent's transcript: named by the file, fetched with the agent's token and decoded. */
async function expectThumbnail(page: Page, name: string): Promise<void> {
  const picture = messageLog(page).locator(`img[alt="${name}"]`);
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
}

test('R-WS-04 R-CH-02 files a visitor sends show in the agent\'s transcript (thumbnail, PDF chip that downloads), the agent\'s own files too; axe light and dark', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Vou mandar a foto e o boleto');

  // The visitor sends a picture and a PDF while the agent has the conversation open.
  await attachByChooser(visitor, tempFile('pixel.png', PIXEL_PNG));
  await expect(visitorSent(visitor, 'pixel.png')).toBeVisible();
  await attachByChooser(visitor, tempFile('boleto.pdf', TINY_PDF));
  await expect(visitorSent(visitor, 'boleto.pdf')).toBeVisible();

  const log = messageLog(agent);
  await expectThumbnail(agent, 'pixel.png');
  // The newest file is followed at the bottom of the transcript.
  const pdf = log.getByRole('button', { name: /^boleto\.pdf \d+ B$/ });
  await expect(pdf).toBeInViewport();
  // File-only messages carry no empty text bubble.
  await expect(log.locator('article.in', { has: agent.locator('img[alt="pixel.png"]') }).locator('.text')).toHaveCount(0);

  // The chip downloads the file under its name, same bytes; from the keyboard too.
  const [byClick] = await Promise.all([agent.waitForEvent('download'), pdf.click()]);
  expect(byClick.suggestedFilename()).toBe('boleto.pdf');
  expect(readFileSync(await byClick.path()).equals(TINY_PDF)).toBe(true);
  await pdf.focus();
  const [byKeyboard] = await Promise.all([agent.waitForEvent('download'), agent.keyboard.press('Enter')]);
  expect(byKeyboard.suggestedFilename()).toBe('boleto.pdf');
  // The thumbnail opens the full picture in a viewer (issue 10), which saves it too.
  await log.getByRole('button', { name: 'Ver pixel.png' }).click();
  const viewer = agent.getByRole('dialog', { name: 'pixel.png' });
  const [picture] = await Promise.all([agent.waitForEvent('download'), viewer.getByRole('button', { name: 'Baixar' }).click()]);
  expect(readFileSync(await picture.path()).equals(PIXEL_PNG)).toBe(true);
  await agent.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // The agent answers with a file: it shows in the agent's own transcript and reaches the visitor.
  await attachByChooser(agent, tempFile('resposta.png', PIXEL_PNG));
  await expect(agent.getByTestId('attachment-chip').filter({ hasText: 'resposta.png' })).toHaveAttribute('data-state', 'ready');
  await agent.getByRole('button', { name: 'Enviar' }).click();
  await expectThumbnail(agent, 'resposta.png');
  await expect(log.locator('article.out img[alt="resposta.png"]')).toBeInViewport();
  await expect(visitor.getByRole('img', { name: 'resposta.png' })).toBeVisible();

  for (const theme of ['light', 'dark'] as const) {
    await useTheme(agent, theme);
    await expectNoAxeViolations(agent, `the conversation with files (${theme})`);
  }
});
