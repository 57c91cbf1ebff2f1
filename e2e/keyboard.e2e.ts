import type { Locator, Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { card, expect, messageLog, openWidget, signIn, takeNewConversation, test, visitorSends } from './fixtures';

/**
 * Issue 18 point 4, the keyboard-first desk: shortcuts, "/" predefined messages, the command
 * palette (Ctrl+K) and the "?" list, in Chromium against the real server and widget.
 */

const composerField = (page: Page) => page.getByRole('textbox', { name: 'Mensagem' });

/** Tab (only the keyboard) until `target` has the focus; fails if it never comes. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let step = 0; step < 8; step++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

test('issue 18 R-WS-04 keyboard only: sign in, take the next waiting conversation, reply with a predefined message via "/", finish', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();

  // Signing in: Tab to the e-mail, type, Tab, type, Enter — no pointer anywhere on the agent's page.
  await agent.goto(`${server.url}/`);
  await tabTo(agent, agent.getByLabel('E-mail'));
  await agent.keyboard.type('ana@demo.local');
  await agent.keyboard.press('Tab');
  await agent.keyboard.type('atende123');
  await agent.keyboard.press('Enter');
  await expect(agent.locator('[data-sync-state="synced"]')).toBeVisible();

  await openWidget(visitor, server);
  await visitorSends(visitor, 'Quando chega minha entrega?');
  await expect(card(agent, 'Quando chega minha entrega?')).toBeVisible();

  // Alt+N takes the longest-waiting conversation, as a click on its card would.
  await agent.keyboard.press('Alt+n');
  await expect(agent.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(messageLog(agent)).toContainText('Quando chega minha entrega?');
  await expect(composerField(agent)).toBeEnabled();

  // Alt+R: the composer. "/aguard" lists the matching predefined messages; Enter puts one in.
  await agent.keyboard.press('Alt+r');
  await expect(composerField(agent)).toBeFocused();
  await agent.keyboard.type('/aguard');
  const inline = agent.getByRole('listbox', { name: 'Mensagens predefinidas' });
  await expect(inline.getByRole('option')).toHaveText([/Aguarde/]);
  await expect(inline.getByRole('option', { name: /Aguarde/ })).toHaveAttribute('aria-selected', 'true');
  await agent.keyboard.press('Enter');
  await expect(composerField(agent)).toHaveValue('Um momento, por favor, estou verificando.');
  await expect(inline).toHaveCount(0);
  await agent.keyboard.press('Enter');
  await expect(composerField(agent)).toHaveValue('');
  await expect(visitor.getByText('Um momento, por favor, estou verificando.')).toBeVisible();

  // Esc leaves the composer; Alt+X opens "Finalizar"; Tab to its confirm button, Enter.
  await agent.keyboard.press('Escape');
  await expect(composerField(agent)).not.toBeFocused();
  await agent.keyboard.press('Alt+x');
  const finish = agent.getByRole('dialog', { name: 'Finalizar' });
  await expect(finish).toBeVisible();
  await tabTo(agent, finish.getByRole('button', { name: 'Finalizar', exact: true }));
  await agent.keyboard.press('Enter');
  await expect(finish).toHaveCount(0);

  // Finished: out of the agent's lists, and the customer's widget says so.
  await expect(agent.getByRole('tab', { name: /Em atendimento/ })).toContainText('0');
  await expect(visitor.getByText('Conversa encerrada.')).toBeVisible();
  await expect(visitor.getByText('Um momento, por favor, estou verificando.')).toBeVisible();

  // The finished conversation is still found from the replica with Ctrl+K, and opens read-only.
  await agent.keyboard.press('Control+k');
  await agent.keyboard.type('visitante');
  const found = agent.getByRole('dialog', { name: 'Paleta de comandos' }).getByRole('group', { name: 'Conversas' }).getByRole('option');
  await expect(found).toHaveText([/Visitante.*Finalizada/]);
  await agent.keyboard.press('Enter');
  await expect(agent.getByText('Somente leitura')).toBeVisible();
  await expect(messageLog(agent)).toContainText('Um momento, por favor, estou verificando.');
});

test('issue 18 Ctrl+K: the palette finds conversations by contact name and by protocol and opens them; its actions run; axe clean', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  const marina = await (await newContext()).newPage();
  await openWidget(marina, server, { name: 'Marina Prado', email: 'marina@example.com' });
  await visitorSends(marina, 'Oi, sou a Marina');
  await card(agent, 'Oi, sou a Marina').click();
  const protocol = agent.getByTestId('protocol');
  await expect(protocol).toHaveText(/^\d{8}-\d{6}$/);
  const marinaProtocol = (await protocol.textContent()) ?? '';
  const otavio = await (await newContext()).newPage();
  await agent.getByRole('tab', { name: /Em espera/ }).click();
  await takeNewConversation(agent, otavio, server, 'Oi, sou o Otávio');
  await expect(protocol).not.toHaveText(marinaProtocol);
  const otavioProtocol = (await protocol.textContent()) ?? '';

  await agent.keyboard.press('Control+k');
  const palette = agent.getByRole('dialog', { name: 'Paleta de comandos' });
  const search = palette.getByRole('combobox', { name: 'Buscar conversas, contatos e ações' });
  await expect(search).toBeFocused();
  await agent.keyboard.type('marina');
  const results = palette.getByRole('listbox', { name: 'Resultados' });
  await expect(results.getByRole('group', { name: 'Conversas' }).getByRole('option')).toHaveText([/Marina Prado/]);
  await expect(results.getByRole('group', { name: 'Contatos' }).getByRole('option')).toHaveText([/Marina Prado/]);
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(agent, theme);
    await expectNoAxeViolations(agent, `the command palette (${theme})`);
  }
  await agent.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(protocol).toHaveText(marinaProtocol);

  // By protocol number, back to the other one.
  await agent.keyboard.press('Control+k');
  await agent.keyboard.type(otavioProtocol);
  await expect(results.getByRole('option')).toHaveCount(1);
  await agent.keyboard.press('Enter');
  await expect(protocol).toHaveText(otavioProtocol);

  // Alt+J / Alt+K step through "Em atendimento" (newest first: Otávio, then Marina).
  await agent.keyboard.press('Alt+j');
  await expect(protocol).toHaveText(marinaProtocol);
  await agent.keyboard.press('Alt+k');
  await expect(protocol).toHaveText(otavioProtocol);

  // An action by name: "transf" → Transferir opens the transfer dialog.
  await agent.keyboard.press('Control+k');
  await agent.keyboard.type('transf');
  await expect(results.getByRole('option', { name: /Transferir/ })).toContainText('Alt');
  await agent.keyboard.press('Enter');
  await expect(agent.getByRole('dialog', { name: 'Transferir' })).toBeVisible();
  await agent.keyboard.press('Escape');
  await expect(agent.getByRole('dialog')).toHaveCount(0);
});

test('issue 18 "?" lists the shortcuts (keyboard-operable, axe clean); shortcuts never fire while typing, except the composer’s own', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Pode me ajudar?');

  await agent.locator('body').press('?');
  const help = agent.getByRole('dialog', { name: 'Atalhos de teclado' });
  await expect(help).toBeVisible();
  for (const name of ['Puxar o próximo da fila', 'Paleta de comandos', 'Transferir', 'Finalizar', 'Mensagens predefinidas (no início do texto)']) {
    await expect(help.getByRole('term').filter({ hasText: name })).toHaveCount(1);
  }
  await expect(help.locator('dl > div').filter({ has: agent.getByRole('term').filter({ hasText: 'Transferir' }) }).locator('kbd')).toHaveText(['Alt', 'T']);
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(agent, theme);
    await expectNoAxeViolations(agent, `the list of shortcuts (${theme})`);
  }
  await agent.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // Typed in the composer, "?", "/" in the middle and Alt+X are text or nothing: no dialog, no list.
  await composerField(agent).focus();
  await agent.keyboard.type('Claro? Veja em a/b');
  await agent.keyboard.press('Alt+x');
  await expect(agent.getByRole('dialog')).toHaveCount(0);
  await expect(agent.getByRole('listbox')).toHaveCount(0);
  await expect(composerField(agent)).toHaveValue(/^Claro\? Veja em a\/b/);

  // The hints beside the actions: keyshortcuts on the buttons, keycaps in "Opções".
  await expect(agent.getByRole('button', { name: 'Transferir' })).toHaveAttribute('aria-keyshortcuts', 'Alt+T');
  await expect(agent.getByRole('button', { name: 'Finalizar' })).toHaveAttribute('aria-keyshortcuts', 'Alt+X');
  await agent.getByRole('button', { name: 'Opções' }).click();
  await expect(agent.getByRole('menuitem', { name: /Finalizar/ }).locator('kbd')).toHaveText(['Alt', 'X']);
  await agent.keyboard.press('Escape');
});

test('issue 18 R-DT-03 in a pop-out conversation window Alt+R, Alt+T, Alt+X and "?" work; the desk-only ones are not listed', async ({ server, newContext }) => {
  const context = await newContext();
  const agent = await context.newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Abro numa janela');
  const id = await card(agent, 'Abro numa janela').getAttribute('data-conversation-id');
  const popout = await context.newPage();
  await popout.goto(`${server.url}/#/conversation/${encodeURIComponent(id ?? '')}`);
  await expect(messageLog(popout)).toContainText('Abro numa janela');
  // Two pages of one browser: the pop-out must be the focused window, as the user's would be, or
  // focus inside it reads "inactive" (a CI run with three workers once saw that).
  await popout.bringToFront();
  // The window's own connection comes up after the shared replica shows the text; until then the
  // composer is disabled (offline, R-NET-01) and Alt+R has nothing to focus (seen once in a full run).
  await expect(composerField(popout)).toBeEnabled();

  await popout.locator('body').press('Alt+r');
  await expect(composerField(popout)).toBeFocused();
  await popout.keyboard.type('/sauda');
  await expect(popout.getByRole('listbox', { name: 'Mensagens predefinidas' }).getByRole('option')).toHaveText([/Saudação/]);
  await expectNoAxeViolations(popout, 'the composer with its "/" list open');
  // Esc closes the list first, then leaves the composer.
  await popout.keyboard.press('Escape');
  await expect(popout.getByRole('listbox')).toHaveCount(0);
  await expect(composerField(popout)).toHaveValue('/sauda');
  await popout.keyboard.press('Escape');
  await expect(composerField(popout)).not.toBeFocused();

  await popout.keyboard.press('Alt+t');
  await expect(popout.getByRole('dialog', { name: 'Transferir' })).toBeVisible();
  await popout.keyboard.press('Escape');
  await popout.keyboard.press('Alt+x');
  await expect(popout.getByRole('dialog', { name: 'Finalizar' })).toBeVisible();
  await popout.keyboard.press('Escape');
  await expect(popout.getByRole('dialog')).toHaveCount(0);

  await popout.keyboard.press('?');
  const help = popout.getByRole('dialog', { name: 'Atalhos de teclado' });
  await expect(help.getByRole('term').filter({ hasText: 'Transferir' })).toHaveCount(1);
  await expect(help.getByRole('term').filter({ hasText: 'Puxar o próximo da fila' })).toHaveCount(0);
  // Ctrl+K belongs to the desk: nothing opens over the list, nothing in the window behind it.
  await popout.keyboard.press('Escape');
  await popout.locator('body').press('Control+k');
  await expect(popout.getByRole('dialog')).toHaveCount(0);
});
