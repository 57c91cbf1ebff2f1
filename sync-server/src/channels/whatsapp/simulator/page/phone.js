// @ts-check
import { customerFields } from './who.js';

/**
 * The WhatsApp simulator's customer page (issue 10): pick a number and a name, write as that
 * customer, see the business's messages with their ticks. Plain browser JavaScript served by the
 * simulator; message text is always rendered as text, never as HTML. The thread is polled (one
 * request at a time, stopped when the page goes away); business messages the page has shown
 * while visible are reported read. The number and name fields are who.js.
 */
(function () {
  'use strict';
  const POLL_MS = 700;
  const TICKS = {
    sending: ['🕓', 'Enviando'], received: ['✓✓', 'Entregue'], failed: ['!', 'Não enviada'], seen: ['✓✓', 'Lida'],
    sent: ['✓', 'Enviada'], delivered: ['✓✓', 'Entregue'], read: ['✓✓', 'Lida'],
  };

  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const textInput = /** @type {HTMLTextAreaElement} */ ($('text'));
  const photoInput = /** @type {HTMLInputElement} */ ($('photo'));
  const list = $('messages');
  const scroller = $('log');
  const empty = $('empty');
  const typing = $('typing');
  const notice = $('notice');

  /**
   * One message as `GET /phone/api/thread` returns it.
   * @typedef {{id: string, from: string, at: number, text: string, media?: {kind: string, url: string, filename?: string}, template?: string, status: string}} PhoneMessage
   */

  /** @type {Map<string, {item: HTMLElement, ticks: HTMLElement, status: string}>} */
  let shown = new Map();
  let shownPhone = '';
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  const who = customerFields({
    phoneInput: /** @type {HTMLInputElement} */ ($('phone')), phoneError: $('phone-error'),
    nameInput: /** @type {HTMLInputElement} */ ($('name')), nameError: $('name-error'),
    onNumber: () => pollNow(),
  });
  const { phone, name, phoneValid } = who;

  function say(/** @type {string} */ text, bad = false) {
    notice.textContent = text;
    notice.classList.toggle('bad', bad);
  }

  function time(/** @type {number} */ at) {
    return new Date(at).toLocaleTimeString('pt-BR', { hour: '2-digit', minute: '2-digit' });
  }

  function setTicks(/** @type {HTMLElement} */ ticks, /** @type {string} */ status) {
    const [mark, label] = TICKS[/** @type {keyof typeof TICKS} */ (status)] || ['', status];
    ticks.dataset.status = status;
    ticks.title = label;
    ticks.replaceChildren();
    const visible = document.createElement('span');
    visible.setAttribute('aria-hidden', 'true');
    visible.textContent = mark;
    const spoken = document.createElement('span');
    spoken.className = 'visually-hidden';
    spoken.textContent = label;
    ticks.append(visible, spoken);
  }

  /** @param {PhoneMessage} m */
  function render(m) {
    const item = document.createElement('li');
    item.className = `message ${m.from}`;
    item.dataset.messageId = m.id;
    if (m.template) {
      const label = document.createElement('div');
      label.className = 'template';
      label.textContent = `Template: ${m.template}`;
      item.append(label);
    }
    if (m.media) {
      const from = m.from === 'business' ? 'da empresa' : 'enviada por você';
      if (m.media.kind === 'image' || m.media.kind === 'sticker') {
        const img = document.createElement('img');
        img.src = m.media.url;
        img.alt = m.text ? `Imagem ${from}: ${m.text}` : `Imagem ${from}`;
        item.append(img);
      } else if (m.media.kind === 'audio' || m.media.kind === 'video') {
        const player = document.createElement(m.media.kind);
        player.controls = true;
        player.src = m.media.url;
        player.setAttribute('aria-label', m.media.kind === 'audio' ? `Áudio ${from}` : `Vídeo ${from}`);
        item.append(player);
      } else {
        const link = document.createElement('a');
        link.href = m.media.url;
        link.download = m.media.filename || 'arquivo';
        link.textContent = `📄 ${m.media.filename || 'Documento'}`;
        item.append(link);
      }
    }
    if (m.text) {
      const text = document.createElement('div');
      text.textContent = m.text;
      item.append(text);
    }
    const meta = document.createElement('div');
    meta.className = 'meta';
    const when = document.createElement('time');
    when.dateTime = new Date(m.at).toISOString();
    when.textContent = time(m.at);
    const ticks = document.createElement('span');
    ticks.className = 'ticks';
    setTicks(ticks, m.status);
    meta.append(when, ticks);
    item.append(meta);
    return { item, ticks, status: m.status };
  }

  /** @param {{phone: string, typing: boolean, messages: PhoneMessage[]}} thread */
  function show(thread) {
    const typingText = thread.typing ? 'Empresa digitando…' : '';
    if (typing.textContent !== typingText) typing.textContent = typingText;
    if (thread.phone !== shownPhone) {
      shown = new Map();
      list.replaceChildren();
      shownPhone = thread.phone;
    }
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
    for (const m of thread.messages) {
      const known = shown.get(m.id);
      if (!known) {
        const view = render(m);
        shown.set(m.id, view);
        list.append(view.item);
      } else if (known.status !== m.status) {
        known.status = m.status;
        setTicks(known.ticks, m.status);
      }
    }
    empty.hidden = thread.messages.length > 0;
    if (atBottom) scroller.scrollTop = scroller.scrollHeight;
    // Read receipts only for what a person could have seen.
    const unread = thread.messages.filter((m) => m.from === 'business' && m.status !== 'read').map((m) => m.id);
    if (unread.length > 0 && document.visibilityState === 'visible') {
      void post('/phone/api/read', { phone: thread.phone, ids: unread });
    }
  }

  /** Our server took the customer's message (it may already be read). */
  const accepted = (/** @type {{message?: {status?: string}}} */ answer) => ['received', 'seen'].includes(answer.message?.status || '');

  async function post(/** @type {string} */ url, /** @type {unknown} */ body) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(answer.error || `HTTP ${res.status}`);
    return answer;
  }

  async function poll() {
    timer = undefined;
    if (stopped) return;
    const asked = phone();
    if (phoneValid()) {
      try {
        const res = await fetch(`/phone/api/thread?phone=${encodeURIComponent(asked)}`);
        // The number may have changed meanwhile: that thread is no longer the one on screen.
        if (res.ok && asked === phone()) show(await res.json());
      } catch {
        /* the simulator stopped or restarted: the next poll tries again */
      }
    } else if (shownPhone) {
      // No conversation under a number being corrected, rather than the last valid one's.
      show({ phone: '', typing: false, messages: [] });
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  function pollNow() {
    if (timer === undefined) return;
    clearTimeout(timer);
    void poll();
  }

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textInput.value.trim();
    if (!text) return;
    const problem = who.problem();
    if (problem) return say(problem, true);
    textInput.value = '';
    say('Enviando…');
    post('/phone/api/messages', { phone: phone(), name: name(), text })
      .then((answer) => say(accepted(answer) ? 'Mensagem entregue ao Atende.' : 'O Atende não aceitou a mensagem.', !accepted(answer)))
      .catch((/** @type {Error} */ error) => say(`Mensagem não enviada: ${error.message}`, true))
      .finally(pollNow);
    pollNow();
  });
  textInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      /** @type {HTMLFormElement} */ ($('composer')).requestSubmit();
    }
  });

  photoInput.addEventListener('change', () => {
    const file = photoInput.files && photoInput.files[0];
    photoInput.value = '';
    if (!file) return;
    const problem = who.problem();
    if (problem) return say(problem, true);
    const caption = textInput.value.trim();
    textInput.value = '';
    say('Enviando foto…');
    const query = new URLSearchParams({ phone: phone(), name: name(), caption });
    fetch(`/phone/api/images?${query}`, { method: 'POST', headers: { 'content-type': file.type }, body: file })
      .then(async (res) => {
        const answer = await res.json().catch(() => ({}));
        if (!res.ok) throw new Error(answer.error || `HTTP ${res.status}`);
        say(accepted(answer) ? 'Foto entregue ao Atende.' : 'O Atende não aceitou a foto.', !accepted(answer));
      })
      .catch((/** @type {Error} */ error) => say(`Foto não enviada: ${error.message}`, true))
      .finally(pollNow);
  });

  document.addEventListener('visibilitychange', pollNow);
  window.addEventListener('pagehide', () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  });
  // Back from the browser's page cache: poll again.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted || !stopped) return;
    stopped = false;
    void poll();
  });
  void poll();
})();
