import { card, expect, openWidget, signIn, test, visitorSends } from './fixtures';

test('R-WS-02 two agents take the same waiting card at once: exactly one gets it, the other is told', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  const bruno = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await Promise.all([signIn(ana, server, 'ana@demo.local'), signIn(bruno, server, 'bruno@demo.local')]);

  await openWidget(visitor, server);
  await visitorSends(visitor, 'Quem me atende primeiro?');
  const anaCard = card(ana, 'Quem me atende primeiro?');
  const brunoCard = card(bruno, 'Quem me atende primeiro?');
  await expect(anaCard).toBeVisible();
  await expect(brunoCard).toBeVisible();

  // Both clicks leave together as raw input: no actionability wait may let one page see the
  // other's win (the card vanishing) before its own click.
  const [anaBox, brunoBox] = await Promise.all([anaCard.boundingBox(), brunoCard.boundingBox()]);
  if (!anaBox || !brunoBox) throw new Error('the waiting card has no box');
  await Promise.all([
    ana.mouse.click(anaBox.x + anaBox.width / 2, anaBox.y + anaBox.height / 2),
    bruno.mouse.click(brunoBox.x + brunoBox.width / 2, brunoBox.y + brunoBox.height / 2),
  ]);

  const taken = 'Este atendimento já foi puxado por outro agente.';
  const outcome = async (page: typeof ana) => {
    await expect(page.getByText(taken).or(page.getByTestId('protocol'))).toBeVisible();
    return (await page.getByText(taken).isVisible()) ? 'lost' : 'won';
  };
  const results = await Promise.all([outcome(ana), outcome(bruno)]);
  expect([...results].sort()).toEqual(['lost', 'won']);
  const [winner, loser] = results[0] === 'won' ? [ana, bruno] : [bruno, ana];

  await expect(winner.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(winner.getByRole('tab', { name: /Em atendimento/ })).toContainText('1');
  await expect(card(winner, 'Quem me atende primeiro?')).toBeVisible();
  await expect(winner.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();

  await expect(loser.getByRole('alert')).toHaveText(taken);
  await expect(loser.getByRole('tab', { name: /Em espera/ })).toHaveAttribute('aria-selected', 'true');
  await expect(card(loser, 'Quem me atende primeiro?')).toHaveCount(0);
  await expect(loser.getByRole('tab', { name: /Em espera/ })).toContainText('0');
  await expect(loser.getByRole('tab', { name: /Em atendimento/ })).toContainText('0');
});
