// @ts-check
import { accepted, notice, polling, post, threadView, upload } from '/simulators/thread.js';
import { customerFields } from '/simulators/who.js';

/**
 * The Meta simulator's customer page (issue 11): a tab per platform (Messenger | Instagram, also
 * chosen by #messenger / #instagram). In each, pick an id and a name, write text, send a photo,
 * and on Instagram mention the business in a story or answer its story; see the business's
 * replies, its typing and "seen". Business messages shown while the page is visible are reported
 * read. Only the open tab polls. Both panels are one template (meta.html), cloned here.
 */
const PLATFORMS = /** @type {const} */ (['messenger', 'instagram']);
/** The words that differ between the two panels (the rest is meta.html's <template>). */
const WORDS = {
  messenger: {
    idLabel: 'ID do cliente na página (PSID)', idHint: 'Só dígitos (ex.: 7012345678901234).',
    title: 'Conversa com a empresa no Messenger',
  },
  instagram: {
    idLabel: 'ID do cliente no Instagram (IGSID)', idHint: 'Só dígitos (ex.: 5512345678901234); diferente dos IDs do Messenger.',
    title: 'Conversa com a empresa no Instagram',
  },
};

/**
 * The page's settings from the simulator (`GET /customer/config.json`): each platform's text
 * limit, from the protocol's CHANNEL_TEXT_MAX, so the page never disagrees with the server.
 * @returns {Promise<{textMax: Record<string, number>}>}
 */
async function loadConfig() {
  try {
    const res = await fetch('/customer/config.json');
    if (res.ok) return await res.json();
  } catch {
    /* the simulator's own checks still refuse a text too long */
  }
  return { textMax: {} };
}

/** One platform's panel, cloned from meta.html's template. */
function buildPanel(/** @type {'messenger' | 'instagram'} */ platform, /** @type {number | undefined} */ textMax) {
  const template = /** @type {HTMLTemplateElement} */ (document.getElementById('panel'));
  const panel = /** @type {HTMLElement} */ (/** @type {DocumentFragment} */ (template.content.cloneNode(true)).firstElementChild);
  const own = (/** @type {string} */ value) => value.replace(/(^|\s)P-/g, `$1${platform}-`);
  for (const el of [panel, ...panel.querySelectorAll('*')]) {
    for (const name of ['id', 'for', 'aria-describedby', 'aria-labelledby']) {
      const value = el.getAttribute(name);
      if (value) el.setAttribute(name, own(value));
    }
    const only = el.getAttribute('data-only');
    if (only && only !== platform) el.remove();
    const text = el.getAttribute('data-text');
    if (text) el.textContent = WORDS[platform][/** @type {keyof typeof WORDS.messenger} */ (text)];
    if (el.getAttribute('data-maxlength') === 'text' && textMax) el.setAttribute('maxlength', String(textMax));
  }
  panel.id = `${platform}-panel`;
  panel.dataset.platform = platform;
  panel.setAttribute('aria-labelledby', `${platform}-tab`);
  panel.hidden = platform !== 'messenger';
  return panel;
}

const config = await loadConfig();
const main = /** @type {HTMLElement} */ (document.querySelector('main'));
for (const p of PLATFORMS) main.append(buildPanel(p, config.textMax[p]));

(function () {
  'use strict';
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @type {'messenger' | 'instagram'} */
  let open = 'messenger';
  /** @type {Record<string, {now: () => void}>} */
  const pollers = {};

  function select(/** @type {'messenger' | 'instagram'} */ platform, focus = false) {
    open = platform;
    // The page's accent (tabs included) follows the open platform (meta.css).
    document.body.dataset.platform = platform;
    for (const p of PLATFORMS) {
      const tab = $(`${p}-tab`);
      tab.setAttribute('aria-selected', String(p === platform));
      tab.tabIndex = p === platform ? 0 : -1;
      $(`${p}-panel`).hidden = p !== platform;
    }
    if (focus) $(`${platform}-tab`).focus();
    if (location.hash !== `#${platform}`) history.replaceState(null, '', `#${platform}`);
    // nav.js marks the strip's current link on hashchange; replaceState fires none.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    pollers[platform]?.now();
  }

  for (const p of PLATFORMS) {
    $(`${p}-tab`).addEventListener('click', () => select(p));
    $(`${p}-tab`).addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      event.preventDefault();
      select(p === 'messenger' ? 'instagram' : 'messenger', true);
    });
  }

  function setUp(/** @type {'messenger' | 'instagram'} */ platform) {
    const part = (/** @type {string} */ name) => $(`${platform}-${name}`);
    const textInput = /** @type {HTMLTextAreaElement} */ (part('text'));
    const say = notice(part('notice'));
    const view = threadView({
      list: part('messages'), scroller: part('log'), empty: part('empty'), typing: part('typing'), typingText: 'Empresa digitando…',
      // A quick reply under the business's message: tapped, it goes back with its payload.
      onPick: (messageId, payload) => act('Resposta rápida', () => post('/customer/api/quick-reply', { platform, id: who.id(), name: who.name(), messageId, payload })),
    });
    const who = customerFields({
      idInput: /** @type {HTMLInputElement} */ (part('id')), idError: part('id-error'),
      nameInput: /** @type {HTMLInputElement} */ (part('name')), nameError: part('name-error'),
      storageKey: `atende-${platform}-simulator`,
      defaultId: platform === 'messenger' ? '7012345678901234' : '5512345678901234',
      defaultName: platform === 'messenger' ? 'Juliana Rocha' : 'Tiago Martins',
      idProblem: (value) => {
        if (!value) return 'Informe o ID do cliente.';
        return /^[1-9]\d{5,24}$/.test(value) ? '' : 'Use de 6 a 25 dígitos, sem letras, espaços ou símbolos.';
      },
      nameMissing: 'Informe o nome do cliente.',
      onCustomer: () => pollers[platform]?.now(),
      onIdInput: () => say(''),
    });

    pollers[platform] = polling(async () => {
      if (open !== platform) return;
      if (!who.idValid()) return void view.show({ id: '', name: '', typing: false, messages: [] }, '');
      const asked = who.id();
      const res = await fetch(`/customer/api/thread?platform=${platform}&id=${encodeURIComponent(asked)}`);
      if (!res.ok || asked !== who.id() || open !== platform) return;
      const unread = view.show(await res.json(), asked);
      // Read receipts only for what a person could have seen.
      if (unread.length > 0 && document.visibilityState === 'visible') void post('/customer/api/read', { platform, id: asked, ids: unread }).catch(() => {});
    });

    function act(/** @type {string} */ what, /** @type {() => Promise<any>} */ send) {
      const problem = who.problem();
      if (problem) return say(problem, true);
      say('Enviando…');
      send()
        .then((answer) => (accepted(answer) ? say(`${what} entregue ao Atende.`) : say(`O Atende não aceitou: ${what.toLowerCase()} não entregue.`, true)))
        .catch((/** @type {Error} */ error) => say(`Falha ao enviar (${what.toLowerCase()}): ${error.message}`, true))
        .finally(() => pollers[platform]?.now());
      pollers[platform]?.now();
    }

    part('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = textInput.value.trim();
      if (!text) return;
      act('Mensagem', () => {
        textInput.value = '';
        return post('/customer/api/messages', { platform, id: who.id(), name: who.name(), text });
      });
    });
    textInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        /** @type {HTMLFormElement} */ (part('composer')).requestSubmit();
      }
    });
    const photo = /** @type {HTMLInputElement} */ (part('photo'));
    photo.addEventListener('change', () => {
      const file = photo.files && photo.files[0];
      photo.value = '';
      if (!file) return;
      act('Foto', () => {
        const caption = textInput.value.trim();
        textInput.value = '';
        return upload(`/customer/api/images?${new URLSearchParams({ platform, id: who.id(), name: who.name(), caption })}`, file);
      });
    });
    if (platform !== 'instagram') return;
    part('mention').addEventListener('click', () => {
      act('Menção no story', () => post('/customer/api/story', { id: who.id(), name: who.name(), kind: 'mention' }));
    });
    const reply = /** @type {HTMLInputElement} */ (part('reply'));
    part('story').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = reply.value.trim();
      if (!text) return say('Escreva a resposta ao story.', true);
      act('Resposta ao story', () => {
        reply.value = '';
        return post('/customer/api/story', { id: who.id(), name: who.name(), kind: 'reply', text });
      });
    });
  }

  for (const p of PLATFORMS) setUp(p);
  const fromHash = () => (location.hash === '#instagram' ? 'instagram' : 'messenger');
  window.addEventListener('hashchange', () => {
    if (fromHash() !== open) select(fromHash());
  });
  select(fromHash());
})();
