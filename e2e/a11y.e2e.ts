import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme, type Theme } from './axe';
import {
  card, expect, messageLog, openWidget, signIn, test, visitorSends,
} from './fixtures';

/** The labels of the list tabs whose text runs onto a second line (issue 9: it wrapped at 1366 px). */
async function wrappedTabs(page: Page): Promise<string[]> {
  return page.getByRole('tab').evaluateAll((tabs) => tabs.filter((tab) => {
    const tops: number[] = [];
    const walker = document.createTreeWalker(tab, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of Array.from(range.getClientRects())) if (rect.width > 0) tops.push(rect.top);
    }
    return Math.max(...tops) - Math.min(...tops) > 8;
  }).map((tab) => tab.textContent?.trim() ?? ''));
}

/**
 * issue 9 point 1: zero axe violations of any impact on the main screens, in both themes, at the
 * smallest size the layout promises (1280×720). Dialogs are checked where they are tested.
 */
for (const theme of ['light', 'dark'] as const satisfies readonly Theme[]) {
  test.describe(`${theme} theme`, () => {
    test(`issue 9: axe finds nothing on login, the lists, an open conversation and its pop-out (${theme})`, async ({ server, newContext }) => {
      // Many screens and an axe run on each: longer than one flow, on a shared 2-core machine.
      test.setTimeout(120_000);
      const context = await newContext();
      const agent = await context.newPage();
      await agent.setViewportSize({ width: 1280, height: 720 });
      await agent.goto(`${server.url}/`);
      await useTheme(agent, theme);
      await expect(agent.getByRole('button', { name: 'Entrar' })).toBeVisible();
      await expectNoAxeViolations(agent, `login (${theme})`);

      // A failed sign-in shows its alert; that state is checked too.
      await agent.getByLabel('E-mail').fill('ana@demo.local');
      await agent.getByLabel('Senha').fill('errada');
      await agent.getByRole('button', { name: 'Entrar' }).click();
      await expect(agent.getByRole('alert')).toBeVisible();
      await expectNoAxeViolations(agent, `login with an error (${theme})`);

      await signIn(agent, server, 'ana@demo.local');
      const visitor = await (await newContext()).newPage();
      await openWidget(visitor, server);
      await visitorSends(visitor, 'Preciso de ajuda com meu pedido');
      await expect(card(agent, 'Preciso de ajuda com meu pedido')).toBeVisible();
      await expectNoAxeViolations(agent, `home with the waiting list (${theme})`);
      expect(await wrappedTabs(agent), 'tabs on one line at 1280 px').toEqual([]);
      await agent.setViewportSize({ width: 1366, height: 768 });
      expect(await wrappedTabs(agent), 'tabs on one line at 1366 px').toEqual([]);
      await agent.setViewportSize({ width: 1280, height: 720 });

      await card(agent, 'Preciso de ajuda com meu pedido').click();
      const composer = agent.getByRole('textbox', { name: 'Mensagem' });
      await expect(composer).toBeEnabled();
      await composer.fill('Olá! Vou verificar.');
      await composer.press('Enter');
      await expect(messageLog(agent).locator('[data-message-id]', { hasText: 'Olá! Vou verificar.' })).toBeVisible();
      await expect(agent.getByTestId('contact-name')).toHaveText('Visitante');
      await expectNoAxeViolations(agent, `home with an open conversation and its contact (${theme})`);

      // The contact panel collapsed, and the conversation popped out into its own window.
      await agent.getByRole('button', { name: 'Recolher painel do contato' }).click();
      await expect(agent.getByRole('button', { name: 'Expandir painel do contato' })).toHaveAttribute('aria-expanded', 'false');
      await expectNoAxeViolations(agent, `home with the contact panel collapsed (${theme})`);
      const [popout] = await Promise.all([
        agent.waitForEvent('popup'),
        agent.getByRole('button', { name: 'Abrir em nova janela' }).click(),
      ]);
      await useTheme(popout, theme);
      await expect(messageLog(popout)).toContainText('Olá! Vou verificar.');
      await expectNoAxeViolations(popout, `pop-out conversation (${theme})`);
    });

    test(`issue 9: axe finds nothing on the supervisor boards (${theme})`, async ({ server, newContext }) => {
      const carla = await (await newContext()).newPage();
      await carla.setViewportSize({ width: 1280, height: 720 });
      await signIn(carla, server, 'carla@demo.local');
      const visitor = await (await newContext()).newPage();
      await openWidget(visitor, server);
      await visitorSends(visitor, 'Alguém na fila?');
      const [board] = await Promise.all([
        carla.waitForEvent('popup'),
        carla.getByRole('button', { name: 'Abrir painel de supervisão' }).click(),
      ]);
      await useTheme(board, theme);
      await expect(board.getByRole('table', { name: 'Agentes' }).getByRole('row', { name: /Carla Mendes/ })).toContainText('Disponível');
      await expectNoAxeViolations(board, `supervisor: agents (${theme})`);
      await board.getByRole('button', { name: 'Filas', exact: true }).click();
      await expect(board.getByRole('table', { name: 'Filas' }).getByRole('row', { name: /Suporte/ }).getByTestId('queue-waiting')).toHaveText('1');
      await expectNoAxeViolations(board, `supervisor: queues (${theme})`);
      await board.getByRole('button', { name: 'Atendimentos', exact: true }).click();
      await expect(board.getByRole('table', { name: 'Atendimentos' }).getByRole('row', { name: /Visitante/ })).toBeVisible();
      await expectNoAxeViolations(board, `supervisor: conversations (${theme})`);
    });
  });
}
