// @ts-check
import { notice, polling, post } from '/simulators/thread.js';

/**
 * The Reclame Aqui simulator's page (issue 12): a consumer files a complaint, reads what the
 * company answered (public answers and private messages marked apart), writes back, evaluates;
 * and Reclame Aqui decides a moderation the company asked for. Every text is drawn as text.
 * Each complaint's card is built once and then only its changing parts are redrawn, so what a
 * person is typing in it survives the polling.
 */

/**
 * @typedef {{id: number, type: number, name: string, by: string, public: boolean, message: string, at: string, attachments: Array<{name: string, url: string}>}} Interaction
 * @typedef {{id: number, title: string, consumer: {name: string, email: string}, city: string, state: string, status: {id: number, name: string},
 *   publicPath: string, interactions: Interaction[], evaluation: {rating: number, resolved: boolean, backDoingBusiness: boolean} | null,
 *   evaluationRequestedAt: string | null, moderation: {status: string, reason: number, reasonName: string} | null}} Complaint
 */
(function () {
  'use strict';
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const form = /** @type {HTMLFormElement} */ ($('complaint'));
  const list = $('list');
  const template = /** @type {HTMLTemplateElement} */ ($('ticket'));
  const say = notice($('notice'));
  /** @type {Map<number, {item: HTMLElement, part: (name: string) => HTMLElement, say: (text: string, bad?: boolean) => void, key: string}>} */
  const cards = new Map();
  /** The complaint whose public page this is (/empresa/<company>/<slug>_<id>/), marked once drawn. */
  const marked = Number(/_(\d+)\/?$/.exec(location.pathname)?.[1] ?? 0);

  const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
  const when = (/** @type {string} */ at) => new Date(at).toLocaleString('pt-BR', { dateStyle: 'short', timeStyle: 'short' });
  const yes = (/** @type {boolean} */ value) => (value ? 'Sim' : 'Não');

  /** @returns {NonNullable<ReturnType<typeof cards.get>>} */
  function build(/** @type {Complaint} */ c) {
    const item = /** @type {HTMLElement} */ (template.content.firstElementChild?.cloneNode(true));
    const prefix = `c${c.id}-`;
    for (const el of item.querySelectorAll('[id], [for], [aria-labelledby]')) {
      for (const attr of ['id', 'for', 'aria-labelledby']) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/^C-/, prefix));
      }
    }
    for (const button of item.querySelectorAll('[data-action]')) button.setAttribute('data-testid', `${button.getAttribute('data-action')}-${c.id}`);
    const part = (/** @type {string} */ name) => /** @type {HTMLElement} */ (item.querySelector(`[data-part="${name}"]`));
    const rating = /** @type {HTMLSelectElement} */ (item.querySelector(`#${prefix}rating`));
    for (let n = 10; n >= 0; n--) rating.append(new Option(String(n), String(n)));
    const card = { item, part, say: notice(part('notice')), key: '' };
    const input = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (item.querySelector(`#${prefix}${name}`));

    part('reply').addEventListener('submit', (event) => {
      event.preventDefault();
      const message = input('reply').value.trim();
      if (!message) return card.say('Escreva a mensagem para a empresa.', true);
      act(card, 'Resposta enviada.', `/hugme/api/complaints/${c.id}/replies`, { message }, () => { input('reply').value = ''; });
    });
    part('evaluate').addEventListener('submit', (event) => {
      event.preventDefault();
      const comment = input('comment').value.trim();
      act(card, 'Avaliação enviada.', `/hugme/api/complaints/${c.id}/evaluation`, {
        rating: Number(rating.value), resolved: input('resolved').checked, backDoingBusiness: input('again').checked, ...(comment ? { comment } : {}),
      });
    });
    for (const accepted of [true, false]) {
      part('moderation-actions').querySelector(`[data-action="moderation-${accepted ? 'accept' : 'refuse'}"]`)?.addEventListener('click', () => {
        act(card, accepted ? 'Moderação aceita.' : 'Moderação recusada.', `/hugme/api/complaints/${c.id}/moderation`, { accepted });
      });
    }
    return card;
  }

  function interactionItem(/** @type {Interaction} */ i) {
    const li = document.createElement('li');
    li.className = `interaction ${i.by}`;
    const head = document.createElement('div');
    head.className = 'head';
    const mark = document.createElement('span');
    mark.className = `mark ${i.public ? 'public' : 'private'}`;
    mark.textContent = i.public ? 'Pública' : 'Privada';
    head.append(mark, ` · ${i.by === 'company' ? 'Empresa' : 'Consumidor'} · ${i.name} · ${when(i.at)}`);
    const text = document.createElement('div');
    text.textContent = i.message;
    li.append(head, text);
    for (const a of i.attachments) {
      const link = document.createElement('a');
      link.href = a.url;
      link.download = a.name;
      link.textContent = `Anexo: ${a.name}`;
      li.append(link);
    }
    return li;
  }

  /** Redraws the parts of a card that change, when something changed. */
  function fill(/** @type {NonNullable<ReturnType<typeof cards.get>>} */ card, /** @type {Complaint} */ c) {
    const key = JSON.stringify(c);
    if (card.key === key) return;
    card.key = key;
    const { part } = card;
    part('title').textContent = `#${c.id} — ${c.title}`;
    part('who').textContent = `${c.consumer.name} (${c.consumer.email}), ${c.city}/${c.state}`;
    part('status').textContent = c.status.name;
    /** @type {HTMLAnchorElement} */ (part('link')).href = c.publicPath;
    part('interactions').replaceChildren(...c.interactions.map(interactionItem));
    const moderation = c.moderation;
    part('moderation').hidden = !moderation;
    if (moderation) {
      const state = { pending: 'aguardando a decisão do Reclame Aqui', accepted: 'aceita', refused: 'recusada' }[moderation.status] ?? moderation.status;
      part('moderation-text').textContent = `A empresa pediu moderação (${moderation.reasonName}): ${state}.`;
      part('moderation-actions').hidden = moderation.status !== 'pending';
    }
    part('requested').hidden = !c.evaluationRequestedAt || c.evaluation !== null;
    part('evaluate').hidden = c.evaluation !== null;
    part('evaluated').hidden = c.evaluation === null;
    if (c.evaluation) {
      const e = c.evaluation;
      part('evaluated').textContent = `Sua avaliação: nota ${e.rating}; problema resolvido: ${yes(e.resolved)}; voltaria a fazer negócio: ${yes(e.backDoingBusiness)}.`;
    }
  }

  function show(/** @type {Complaint[]} */ complaints) {
    for (const c of complaints) {
      let card = cards.get(c.id);
      if (!card) {
        card = build(c);
        cards.set(c.id, card);
        list.prepend(card.item);
        if (c.id === marked) {
          card.item.classList.add('marked');
          card.item.scrollIntoView();
        }
      }
      fill(card, c);
    }
    $('empty').hidden = complaints.length > 0;
  }

  const poller = polling(async () => {
    const res = await fetch('/hugme/api/complaints');
    if (res.ok) show((await res.json()).complaints);
  }, 1500);

  function act(/** @type {{say: (text: string, bad?: boolean) => void}} */ card, /** @type {string} */ done, /** @type {string} */ url, /** @type {unknown} */ body, after = () => {}) {
    card.say('Enviando…');
    post(url, body)
      .then(() => {
        after();
        card.say(`${done} O Atende recebe na próxima consulta ao Reclame Aqui.`);
      })
      .catch((/** @type {Error} */ error) => card.say(`Não foi possível: ${error.message}`, true))
      .finally(() => poller.now());
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { name: field('name'), email: field('email'), title: field('title'), content: field('content'), city: field('city'), state: field('state') };
    const missing = Object.entries(body).find(([, value]) => !value);
    if (missing) return say('Preencha todos os campos da reclamação.', true);
    say('Registrando…');
    post('/hugme/api/complaints', body)
      .then((/** @type {{complaint: Complaint}} */ answer) => {
        /** @type {HTMLInputElement} */ (form.elements.namedItem('title')).value = '';
        /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('content')).value = '';
        say(`Reclamação #${answer.complaint.id} registrada. O Atende a recebe na próxima consulta ao Reclame Aqui.`);
      })
      .catch((/** @type {Error} */ error) => say(`Não foi possível registrar: ${error.message}`, true))
      .finally(() => poller.now());
  });
})();
