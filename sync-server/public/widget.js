// @ts-check
/**
 * Atende website-chat widget (R-CH-02). Embed with one tag:
 *   <script src="https://atende.example.com/widget.js" data-account="demo-site" async></script>
 * Plain browser JavaScript, no framework, rendered in a shadow root so the host page's styles
 * cannot break it. Message text is always rendered as text, never as HTML.
 */
(function () {
  'use strict';
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script) return;
  const base = new URL(script.src).origin;
  const account = script.dataset.account || 'demo-site';
  const title = script.dataset.title || 'Fale conosco';
  const storageKey = 'atende.visitor.' + account;

  /** @type {{visitorId: string, token: string} | null} */
  let visitor = null;
  try {
    visitor = JSON.parse(localStorage.getItem(storageKey) || 'null');
  } catch (_) {
    visitor = null;
  }
  /** @type {Map<string, {id: string, direction: string, authorName: string, text: string, createdAt: number, pending?: boolean}>} */
  const messages = new Map();
  /** @type {WebSocket | null} */
  let socket = null;
  let retryDelay = 1000;
  let typingSent = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typingTimer;

  const host = document.createElement('div');
  host.id = 'atende-widget';
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML =
    '<style>' +
    ':host{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000;font:14px/1.4 system-ui,sans-serif}' +
    '.toggle{background:#0b6bcb;color:#fff;border:0;border-radius:24px;padding:12px 18px;cursor:pointer;font:inherit}' +
    '.panel{display:none;flex-direction:column;width:320px;height:420px;background:#fff;border:1px solid #ccd;border-radius:8px;box-shadow:0 4px 16px #0003;margin-bottom:8px}' +
    '.panel.open{display:flex}.head{background:#0b6bcb;color:#fff;padding:10px 12px;border-radius:8px 8px 0 0;font-weight:600}' +
    '.log{flex:1;overflow-y:auto;padding:8px;display:flex;flex-direction:column;gap:6px}' +
    '.msg{max-width:80%;padding:6px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}' +
    '.in{align-self:flex-end;background:#dbeafe}.out{align-self:flex-start;background:#f1f5f9}.pending{opacity:.6}' +
    '.who{display:block;font-size:11px;color:#555}.typing{min-height:18px;padding:0 10px;font-size:12px;color:#666}' +
    'form{display:flex;gap:6px;padding:8px;border-top:1px solid #eee}textarea{flex:1;resize:none;font:inherit;padding:6px}' +
    'button.send{background:#0b6bcb;color:#fff;border:0;border-radius:6px;padding:0 12px;cursor:pointer}' +
    '.status{font-size:11px;color:#a00;padding:0 10px}' +
    '</style>' +
    '<div class="panel" role="dialog" aria-label="Chat"><div class="head"></div>' +
    '<div class="log" role="log" aria-live="polite"></div><div class="typing" aria-live="polite"></div>' +
    '<div class="status" role="status"></div>' +
    '<form><textarea rows="2" aria-label="Mensagem" placeholder="Digite sua mensagem"></textarea>' +
    '<button class="send" type="submit">Enviar</button></form></div>' +
    '<button class="toggle" type="button"></button>';
  const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (root.querySelector(sel));
  const panel = $('.panel');
  const log = $('.log');
  const typingLine = $('.typing');
  const statusLine = $('.status');
  const input = /** @type {HTMLTextAreaElement} */ ($('textarea'));
  $('.head').textContent = title;
  $('.toggle').textContent = title;
  $('.toggle').addEventListener('click', () => {
    panel.classList.toggle('open');
    if (panel.classList.contains('open')) input.focus();
  });

  function render() {
    const sorted = [...messages.values()].sort((a, b) => a.createdAt - b.createdAt);
    log.replaceChildren(
      ...sorted.map((m) => {
        const el = document.createElement('div');
        el.className = 'msg ' + (m.direction === 'in' ? 'in' : 'out') + (m.pending ? ' pending' : '');
        if (m.direction !== 'in') {
          const who = document.createElement('span');
          who.className = 'who';
          who.textContent = m.authorName;
          el.append(who);
        }
        el.append(document.createTextNode(m.text));
        return el;
      }),
    );
    log.scrollTop = log.scrollHeight;
  }

  /** @param {string} path @param {RequestInit} [init] */
  async function api(path, init) {
    const headers = { 'Content-Type': 'application/json', ...(visitor ? { Authorization: 'Bearer ' + visitor.token } : {}) };
    const res = await fetch(base + path, { ...init, headers });
    if (!res.ok) throw Object.assign(new Error('HTTP ' + res.status), { status: res.status });
    return res.json();
  }

  /** @type {Promise<{visitorId: string, token: string}> | null} */
  let creating = null;

  /** One visitor per browser: messages sent before the first answer share the same request. */
  function ensureVisitor() {
    if (visitor) return Promise.resolve(visitor);
    if (!creating) {
      creating = api('/api/webchat/' + encodeURIComponent(account) + '/visitors', { method: 'POST', body: '{}' })
        .then((created) => {
          visitor = created;
          localStorage.setItem(storageKey, JSON.stringify(created));
          connect();
          return created;
        })
        .finally(() => {
          creating = null;
        });
    }
    return creating;
  }

  async function loadTranscript() {
    if (!visitor) return;
    const body = await api('/api/webchat/messages');
    for (const m of body.messages) messages.set(m.id, m);
    render();
  }

  function newId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Date.now().toString(36) + Array.from(bytes, (b) => (b % 36).toString(36)).join('');
  }

  /** Messages typed but not yet stored, oldest first: they are sent one at a time, in order. */
  /** @type {Array<{id: string, text: string}>} */
  const outbox = [];
  let flushing = false;
  let sendRetries = 0;

  /**
   * Sends one message. 'retry' means "try again later with the same id": the server answers a
   * repeat without duplicating it (R-CH-11).
   * @returns {Promise<'done' | 'failed' | 'retry'>}
   */
  async function deliver(/** @type {string} */ id, /** @type {string} */ text) {
    const sentAs = visitor;
    try {
      const body = await api('/api/webchat/messages', { method: 'POST', body: JSON.stringify({ id, text }) });
      messages.delete('local:' + id);
      messages.set(body.message.id, { id: body.message.id, direction: 'in', authorName: '', text, createdAt: body.message.createdAt });
      statusLine.textContent = '';
      render();
      return 'done';
    } catch (error) {
      const status = /** @type {{status?: number}} */ (error).status;
      if (status === 401) {
        // Forget only the visitor this request was refused for, not one created meanwhile.
        if (visitor === sentAs) forgetVisitor();
      } else if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
        statusLine.textContent = 'Mensagem não enviada.';
        return 'failed';
      }
      statusLine.textContent = 'Sem conexão. Tentando reenviar…';
      return 'retry';
    }
  }

  /** Sends the outbox in order; the next message waits until the one before it is stored. */
  async function flush() {
    if (flushing) return;
    flushing = true;
    while (outbox.length > 0) {
      const head = outbox[0];
      const outcome = await ensureVisitor().then(
        () => deliver(head.id, head.text),
        () => /** @type {'retry'} */ ('retry'),
      );
      if (outcome === 'retry') {
        flushing = false;
        setTimeout(() => void flush(), Math.min(30000, 1000 * 2 ** sendRetries++));
        return;
      }
      sendRetries = 0;
      outbox.shift();
    }
    flushing = false;
  }

  function sendTyping(/** @type {boolean} */ typing) {
    if (typingSent === typing) return;
    typingSent = typing;
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'typing', typing }));
  }

  root.querySelector('form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    clearTimeout(typingTimer);
    sendTyping(false);
    const id = newId();
    messages.set('local:' + id, { id: 'local:' + id, direction: 'in', authorName: '', text, createdAt: Date.now(), pending: true });
    render();
    outbox.push({ id, text });
    void flush();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      root.querySelector('form')?.requestSubmit();
    }
  });
  input.addEventListener('input', () => {
    if (!visitor) return;
    sendTyping(input.value.length > 0);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => sendTyping(false), 3000);
  });

  function forgetVisitor() {
    localStorage.removeItem(storageKey);
    visitor = null;
  }

  function connect() {
    if (!visitor || socket) return;
    const owner = visitor;
    const url = base.replace(/^http/, 'ws') + '/ws/webchat?token=' + encodeURIComponent(visitor.token);
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryDelay = 1000;
      typingSent = false;
      // Anything sent while we were away is in the transcript: the socket is never the only copy.
      void loadTranscript().catch(() => undefined);
    };
    ws.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(String(event.data));
      } catch (_) {
        return;
      }
      if (frame.type === 'message') {
        messages.set(frame.message.id, frame.message);
        typingLine.textContent = '';
        render();
      } else if (frame.type === 'typing') {
        typingLine.textContent = frame.typing ? 'Atendente digitando…' : '';
      } else if (frame.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      }
    };
    ws.onclose = (event) => {
      socket = null;
      if (event.code === 4401) {
        if (visitor === owner) forgetVisitor();
        else connect(); // a new visitor was created while this socket was closing
        return;
      }
      const delay = retryDelay * (0.5 + Math.random());
      retryDelay = Math.min(retryDelay * 2, 30000);
      setTimeout(connect, delay);
    };
  }

  function mount() {
    document.body.append(host);
    if (visitor) {
      connect();
      void loadTranscript().catch(() => undefined);
    }
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
