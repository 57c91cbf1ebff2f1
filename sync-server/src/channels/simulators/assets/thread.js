// @ts-check
/**
 * What the simulators' customer pages share (WhatsApp, Telegram, Meta): drawing a customer's
 * thread (text always as text, never HTML), the business's typing line, the page's JSON calls and
 * the one-request-at-a-time polling that stops when the page goes away.
 */

/**
 * One message as the simulators' `…/api/thread` routes return it (simulators/threads.ts).
 * @typedef {{id: string, from: string, at: number, text: string, media?: {kind: string, url: string, filename?: string}, status: string, label?: string,
 *   choices?: Array<{id: string, title: string}>}} ThreadMessage
 * @typedef {{id: string, name: string, typing: boolean, messages: ThreadMessage[]}} Thread
 */

/**
 * Icons drawn as inline SVG, never emoji (an emoji shows as an empty box where no emoji font is
 * installed): Lucide's `file-text` and `clock` (lucide.dev, @lucide/vue 1.48.0), their elements
 * copied as [tag, attributes], under Lucide's ISC licence:
 *   Copyright (c) 2026 Lucide Icons and Contributors
 *   Permission to use, copy, modify, and/or distribute this software for any purpose with or
 *   without fee is hereby granted, provided that the above copyright notice and this permission
 *   notice appear in all copies. THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL
 *   WARRANTIES WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND
 *   FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT, OR
 *   CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS,
 *   WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR IN
 *   CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 * @type {Record<string, Array<[string, Record<string, string>]>>}
 */
const ICONS = {
  file: [
    ['path', { d: 'M6 22a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h8a2.4 2.4 0 0 1 1.704.706l3.588 3.588A2.4 2.4 0 0 1 20 8v12a2 2 0 0 1-2 2z' }],
    ['path', { d: 'M14 2v5a1 1 0 0 0 1 1h5' }], ['path', { d: 'M10 9H8' }], ['path', { d: 'M16 13H8' }], ['path', { d: 'M16 17H8' }],
  ],
  clock: [['circle', { cx: '12', cy: '12', r: '10' }], ['path', { d: 'M12 6v6l4 2' }]],
};

/** A decorative icon (hidden from screen readers: the words beside it say what it means). */
function icon(/** @type {keyof typeof ICONS} */ name) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const attributes = {
    class: 'icon', viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', 'stroke-width': '2',
    'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', focusable: 'false',
  };
  for (const [key, value] of Object.entries(attributes)) svg.setAttribute(key, value);
  for (const [tag, attrs] of ICONS[name]) {
    const part = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [key, value] of Object.entries(attrs)) part.setAttribute(key, value);
    svg.append(part);
  }
  return svg;
}

/**
 * How a status shows: a visible mark (may be none; plain text such as ✓, or `icon:<name>`) and
 * the words a screen reader says.
 */
const STATUS = {
  sending: ['icon:clock', 'Enviando'], received: ['✓✓', 'Entregue'], failed: ['!', 'Não enviada'], seen: ['✓✓', 'Vista'],
  sent: ['', 'Recebida'], delivered: ['', 'Recebida'], read: ['', 'Vista'],
};

/** The JSON POST the page makes; the simulator's `{error}` becomes the thrown message. */
export async function post(/** @type {string} */ url, /** @type {unknown} */ body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return answerOf(res);
}

/** A file sent as the raw request body (its type in content-type), the rest in the query. */
export async function upload(/** @type {string} */ url, /** @type {File} */ file) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': file.type || 'application/octet-stream' }, body: file });
  return answerOf(res);
}

async function answerOf(/** @type {Response} */ res) {
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.error || `HTTP ${res.status}`);
  return answer;
}

/** Our server took the customer's message (it may already be seen). */
export const accepted = (/** @type {{message?: {status?: string}}} */ answer) => ['received', 'seen'].includes(answer.message?.status || '');

function time(/** @type {number} */ at) {
  return new Date(at).toLocaleTimeString('pt-BR', { hour: '2-digit', minute: '2-digit' });
}

/**
 * @param {ThreadMessage} m @param {string} statusClass
 * @param {((messageId: string, choiceId: string) => void) | undefined} onPick
 */
function render(m, statusClass, onPick) {
  const item = document.createElement('li');
  item.className = `message ${m.from}`;
  item.dataset.messageId = m.id;
  const label = document.createElement('div');
  label.className = 'label';
  item.append(label);
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
      link.className = 'document';
      const name = document.createElement('span');
      name.textContent = m.media.filename || 'Documento';
      link.append(icon('file'), name);
      item.append(link);
    }
  }
  const text = document.createElement('div');
  text.className = 'text';
  item.append(text);
  // The answers a business message offers (list rows, inline buttons, quick replies): the customer taps one.
  if (m.from === 'business' && m.choices?.length && onPick) {
    const choices = document.createElement('div');
    choices.className = 'choices';
    choices.setAttribute('role', 'group');
    choices.setAttribute('aria-label', 'Respostas');
    for (const choice of m.choices) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'choice';
      button.dataset.choiceId = choice.id;
      button.textContent = choice.title;
      button.addEventListener('click', () => onPick(m.id, choice.id));
      choices.append(button);
    }
    item.append(choices);
  }
  const meta = document.createElement('div');
  meta.className = 'meta';
  const when = document.createElement('time');
  when.dateTime = new Date(m.at).toISOString();
  when.textContent = time(m.at);
  const status = document.createElement('span');
  status.className = statusClass;
  meta.append(when, status);
  item.append(meta);
  return { item, label, text, status, key: '' };
}

/**
 * Fills the parts of a drawn message that may change (an edit, a status).
 * @param {ReturnType<typeof render>} view @param {ThreadMessage} m @param {Record<string, string[]>} statuses
 */
function update(view, m, statuses) {
  const key = `${m.status}|${m.label || ''}|${m.text}`;
  if (view.key === key) return;
  view.key = key;
  view.label.textContent = m.label || '';
  view.label.hidden = !m.label;
  view.text.textContent = m.text;
  view.text.hidden = !m.text;
  const [mark = '', spoken = m.status] = statuses[m.status] || [];
  view.status.dataset.status = m.status;
  view.status.title = spoken;
  view.status.replaceChildren();
  if (mark.startsWith('icon:')) {
    view.status.append(icon(/** @type {keyof typeof ICONS} */ (mark.slice('icon:'.length))));
  } else if (mark) {
    const visible = document.createElement('span');
    visible.setAttribute('aria-hidden', 'true');
    visible.textContent = mark;
    view.status.append(visible);
  }
  const words = document.createElement('span');
  words.className = mark ? 'visually-hidden' : '';
  words.textContent = spoken;
  view.status.append(words);
}

/**
 * The thread on screen. `show(thread)` draws what is new or changed and answers the business
 * messages not yet read (for pages whose channel reports reads). The hooks for what differs per
 * channel: `statuses` (marks and words per status, over the defaults, e.g. WhatsApp's ticks) and
 * `statusClass` (the status element's class), `onPick` (the customer tapped one of a message's choices).
 * @param {{list: HTMLElement, scroller: HTMLElement, empty: HTMLElement, typing: HTMLElement, typingText: string,
 *   statuses?: Record<string, string[]>, statusClass?: string, onPick?: (messageId: string, choiceId: string) => void}} parts
 */
export function threadView({ list, scroller, empty, typing, typingText, statuses = {}, statusClass = 'status', onPick }) {
  /** @type {Record<string, string[]>} */
  const shownStatuses = { ...STATUS, ...statuses };
  /** @type {Map<string, ReturnType<typeof render>>} */
  let shown = new Map();
  let shownKey = '';
  return {
    /** @param {Thread} thread @param {string} key which customer (and tab) this thread belongs to */
    show(thread, key) {
      const typingNow = thread.typing ? typingText : '';
      if (typing.textContent !== typingNow) typing.textContent = typingNow;
      if (key !== shownKey) {
        shown = new Map();
        list.replaceChildren();
        shownKey = key;
      }
      const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
      for (const m of thread.messages) {
        let view = shown.get(m.id);
        if (!view) {
          view = render(m, statusClass, onPick);
          shown.set(m.id, view);
          list.append(view.item);
        }
        update(view, m, shownStatuses);
      }
      empty.hidden = thread.messages.length > 0;
      if (atBottom) scroller.scrollTop = scroller.scrollHeight;
      return thread.messages.filter((m) => m.from === 'business' && m.status !== 'read').map((m) => m.id);
    },
  };
}

/**
 * Calls `poll` every `ms`, one call at a time, stopped while the page is away (page cache) and
 * resumed when it comes back. `now()` polls at once (after the customer did something).
 * @param {() => Promise<void>} poll
 */
export function polling(poll, ms = 700) {
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  async function run() {
    timer = undefined;
    if (stopped) return;
    try {
      await poll();
    } catch {
      /* the simulator stopped or restarted: the next poll tries again */
    }
    if (!stopped) timer = setTimeout(run, ms);
  }
  function now() {
    if (timer === undefined) return;
    clearTimeout(timer);
    void run();
  }
  document.addEventListener('visibilitychange', now);
  window.addEventListener('pagehide', () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  });
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted || !stopped) return;
    stopped = false;
    void run();
  });
  void run();
  return { now };
}

/** A line in the page's status area (role=status). */
export function notice(/** @type {HTMLElement} */ where) {
  return (/** @type {string} */ text, bad = false) => {
    where.textContent = text;
    where.classList.toggle('bad', bad);
  };
}
