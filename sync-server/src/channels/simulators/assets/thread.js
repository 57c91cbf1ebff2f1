// @ts-check
/**
 * What the simulators' customer pages share (WhatsApp, Telegram, Meta): drawing a customer's
 * thread (text always as text, never HTML), the business's typing line, the page's JSON calls and
 * the one-request-at-a-time polling that stops when the page goes away.
 */

/**
 * One message as the simulators' `…/api/thread` routes return it (simulators/threads.ts).
 * @typedef {{id: string, from: string, at: number, text: string, media?: {kind: string, url: string, filename?: string}, status: string, label?: string}} ThreadMessage
 * @typedef {{id: string, name: string, typing: boolean, messages: ThreadMessage[]}} Thread
 */

/** How a status shows: a visible mark (may be none) and the words a screen reader says. */
const STATUS = {
  sending: ['🕓', 'Enviando'], received: ['✓✓', 'Entregue'], failed: ['!', 'Não enviada'], seen: ['✓✓', 'Vista'],
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

/** @param {ThreadMessage} m @param {string} statusClass */
function render(m, statusClass) {
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
      link.textContent = `📄 ${m.media.filename || 'Documento'}`;
      item.append(link);
    }
  }
  const text = document.createElement('div');
  text.className = 'text';
  item.append(text);
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
  if (mark) {
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
 * `statusClass` (the status element's class).
 * @param {{list: HTMLElement, scroller: HTMLElement, empty: HTMLElement, typing: HTMLElement, typingText: string,
 *   statuses?: Record<string, string[]>, statusClass?: string}} parts
 */
export function threadView({ list, scroller, empty, typing, typingText, statuses = {}, statusClass = 'status' }) {
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
          view = render(m, statusClass);
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
