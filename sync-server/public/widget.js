// @ts-check
/**
 * Atende website-chat widget (R-CH-02). Embed with one tag:
 *   <script src="https://atende.example.com/widget.js" data-account="demo-site" async></script>
 * Plain browser JavaScript, no framework, rendered in a shadow root so the host page's styles
 * cannot break it. Message text is always rendered as text, never as HTML.
 * Files go up through the same ordered outbox as text; received files are fetched with the
 * visitor's token (the media routes need the Authorization header) and shown from blob: URLs.
 */
(function () {
  'use strict';
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script) return;
  const base = new URL(script.src).origin;
  const account = script.dataset.account || 'demo-site';
  const title = script.dataset.title || 'Fale conosco';
  const storageKey = 'atende.visitor.' + account;
  // Mirrors MEDIA_LIMITS.webchat.maxBytes in protocol/src/media.ts; the server enforces the real limit.
  const MAX_FILE_BYTES = 20 * 1024 * 1024;

  /** @type {{visitorId: string, token: string} | null} */
  let visitor = null;
  try {
    visitor = JSON.parse(localStorage.getItem(storageKey) || 'null');
  } catch (_) {
    visitor = null;
  }
  /** @typedef {{mediaId: string, name: string, mimeType: string, size: number}} Attachment */
  /** @typedef {{id: string, direction: string, authorName: string, text: string, createdAt: number, attachments?: Attachment[], pending?: boolean}} ChatMessage */
  /** @type {Map<string, ChatMessage>} */
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
    '.status{font-size:11px;color:#a00;padding:0 10px}.status.info{color:#555}' +
    'button.attach{background:none;border:0;padding:0 4px;cursor:pointer;color:#0b6bcb}button.attach svg{width:20px;height:20px}' +
    '.file{display:block;color:#0b4f96;text-decoration:underline;cursor:pointer}.thumb{display:block;max-width:100%;max-height:160px;border-radius:6px;margin-top:4px}' +
    '</style>' +
    '<div class="panel" role="dialog" aria-label="Chat"><div class="head"></div>' +
    '<div class="log" role="log" aria-live="polite"></div><div class="typing" aria-live="polite"></div>' +
    '<div class="status" role="status"></div>' +
    '<form><textarea rows="2" aria-label="Mensagem" placeholder="Digite sua mensagem"></textarea>' +
    '<button class="attach" type="button" aria-label="Anexar arquivo" title="Anexar arquivo">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' +
    '<path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48"/></svg></button>' +
    '<input type="file" hidden>' +
    '<button class="send" type="submit">Enviar</button></form></div>' +
    '<button class="toggle" type="button"></button>';
  const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (root.querySelector(sel));
  const panel = $('.panel');
  const log = $('.log');
  const typingLine = $('.typing');
  const statusLine = $('.status');
  const input = /** @type {HTMLTextAreaElement} */ ($('textarea'));
  const fileInput = /** @type {HTMLInputElement} */ ($('input[type=file]'));
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
        if (m.text) el.append(document.createTextNode(m.text));
        for (const file of m.attachments || []) el.append(...attachmentView(file));
        return el;
      }),
    );
    log.scrollTop = log.scrollHeight;
  }

  let renderQueued = false;
  /** Coalesces the re-renders that arriving files ask for. */
  function renderSoon() {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => {
      renderQueued = false;
      render();
    });
  }

  const sizeFormat = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });
  function formatSize(/** @type {number} */ bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return sizeFormat.format(bytes / 1024) + ' KB';
    return sizeFormat.format(bytes / (1024 * 1024)) + ' MB';
  }

  /**
   * A file in a message: a link that downloads it under its name, and for pictures a thumbnail.
   * A file still uploading (no mediaId yet) shows its name only.
   * @param {Attachment} file @returns {HTMLElement[]}
   */
  function attachmentView(file) {
    const link = document.createElement('a');
    link.className = 'file';
    link.textContent = file.name + ' (' + formatSize(file.size) + ')';
    if (!file.mediaId) return [link];
    link.href = mediaUrls.get(file.mediaId + ':file') || '#';
    link.download = file.name;
    link.addEventListener('click', (event) => {
      if (link.href.startsWith('blob:')) return;
      event.preventDefault();
      void mediaUrl(file.mediaId, 'file').then((url) => url && saveAs(url, file.name));
    });
    if (!file.mimeType.startsWith('image/')) return [link];
    const thumb = document.createElement('img');
    thumb.className = 'thumb';
    thumb.alt = file.name;
    const url = mediaUrls.get(file.mediaId + ':thumbnail');
    if (url) thumb.src = url;
    else void mediaUrl(file.mediaId, 'thumbnail').then((loaded) => loaded && renderSoon());
    return [thumb, link];
  }

  function saveAs(/** @type {string} */ url, /** @type {string} */ name) {
    const save = document.createElement('a');
    save.href = url;
    save.download = name;
    save.click();
  }

  /** blob: URLs of files already fetched, by `mediaId:variant`; revoked when the page goes away. */
  /** @type {Map<string, string>} */
  const mediaUrls = new Map();
  /** @type {Map<string, Promise<string | undefined>>} */
  const mediaLoads = new Map();

  /**
   * The file (or its thumbnail) as a blob: URL, fetched once with the visitor's token. A picture
   * stored without a thumbnail falls back to the file itself.
   * @param {string} mediaId @param {'file' | 'thumbnail'} variant @returns {Promise<string | undefined>}
   */
  function mediaUrl(mediaId, variant) {
    const key = mediaId + ':' + variant;
    let loading = mediaLoads.get(key);
    if (!loading) {
      loading = fetchMedia(mediaId, variant).then((blob) => {
        if (blob) return remember(key, URL.createObjectURL(blob));
        mediaLoads.delete(key); // try again on a later render
        return variant === 'thumbnail' ? mediaUrl(mediaId, 'file').then((url) => url && remember(key, url)) : undefined;
      });
      mediaLoads.set(key, loading);
    }
    return loading;
  }

  function remember(/** @type {string} */ key, /** @type {string} */ url) {
    mediaUrls.set(key, url);
    return url;
  }

  /** @param {string} mediaId @param {'file' | 'thumbnail'} variant @returns {Promise<Blob | undefined>} */
  async function fetchMedia(mediaId, variant) {
    if (!visitor) return undefined;
    const query = variant === 'thumbnail' ? '?thumbnail=1' : '';
    try {
      const res = await fetch(base + '/api/webchat/media/' + encodeURIComponent(mediaId) + query, {
        headers: { Authorization: 'Bearer ' + visitor.token },
      });
      return res.ok ? await res.blob() : undefined;
    } catch (_) {
      return undefined;
    }
  }

  function revokeMedia() {
    for (const url of new Set(mediaUrls.values())) URL.revokeObjectURL(url);
    mediaUrls.clear();
    mediaLoads.clear();
  }
  window.addEventListener('pagehide', revokeMedia);
  // A page restored from the back-forward cache fetches its files again.
  window.addEventListener('pageshow', (event) => event.persisted && render());

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

  /** Messages typed or files chosen but not yet stored, oldest first: sent one at a time, in order. */
  /** @typedef {{id: string, text: string, file?: File, attachments?: Attachment[]}} OutboxEntry */
  /** @type {OutboxEntry[]} */
  const outbox = [];
  let flushing = false;
  let sendRetries = 0;

  /** @typedef {'done' | 'failed' | 'retry'} Outcome */

  function showStatus(/** @type {string} */ text, isError = false) {
    statusLine.textContent = text;
    statusLine.classList.toggle('info', !isError);
  }

  /**
   * What a refused request means for the entry: 401 forgets the visitor (the retry creates a new
   * one), other 4xx but 429 will never succeed, anything else is tried again later.
   * @param {unknown} error @param {unknown} sentAs @returns {Outcome}
   */
  function outcomeOf(error, sentAs) {
    const status = /** @type {{status?: number}} */ (error).status;
    if (status === 401) {
      // Forget only the visitor this request was refused for, not one created meanwhile.
      if (visitor === sentAs) forgetVisitor();
      return 'retry';
    }
    return status !== undefined && status >= 400 && status < 500 && status !== 429 ? 'failed' : 'retry';
  }

  /**
   * Sends one message. 'retry' means "try again later with the same id": the server answers a
   * repeat without duplicating it (R-CH-11).
   * @param {OutboxEntry} entry @returns {Promise<Outcome>}
   */
  async function deliver(entry) {
    const sentAs = visitor;
    const attachments = entry.attachments || [];
    const mediaIds = attachments.length > 0 ? { mediaIds: attachments.map((a) => a.mediaId) } : {};
    try {
      const body = await api('/api/webchat/messages', { method: 'POST', body: JSON.stringify({ id: entry.id, text: entry.text, ...mediaIds }) });
      messages.delete('local:' + entry.id);
      messages.set(body.message.id, { id: body.message.id, direction: 'in', authorName: '', text: entry.text, createdAt: body.message.createdAt, attachments });
      showStatus('');
      render();
      return 'done';
    } catch (error) {
      const outcome = outcomeOf(error, sentAs);
      showStatus(outcome === 'failed' ? 'Mensagem não enviada.' : 'Sem conexão. Tentando reenviar…', true);
      return outcome;
    }
  }

  const UPLOAD_REFUSALS = /** @type {Record<number, string>} */ ({ 413: 'Arquivo grande demais.', 415: 'Tipo de arquivo não aceito.' });

  /**
   * Uploads the entry's file; the stored attachment is kept on the entry, so a retried message
   * does not upload it again. A refused file is dropped: nothing is sent.
   * @param {OutboxEntry} entry @param {File} file @param {{token: string}} owner @returns {Promise<Outcome>}
   */
  async function upload(entry, file, owner) {
    showStatus('Enviando arquivo…');
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const res = await fetch(base + '/api/webchat/media', { method: 'POST', headers: { Authorization: 'Bearer ' + owner.token }, body: form });
      if (!res.ok) throw Object.assign(new Error('HTTP ' + res.status), { status: res.status });
      const media = await res.json();
      entry.attachments = [{ mediaId: media.id, name: media.name, mimeType: media.mimeType, size: media.size }];
      return 'done';
    } catch (error) {
      const outcome = outcomeOf(error, owner);
      if (outcome === 'failed') {
        messages.delete('local:' + entry.id);
        render();
      }
      const status = /** @type {{status?: number}} */ (error).status || 0;
      showStatus(outcome === 'retry' ? 'Sem conexão. Tentando reenviar…' : UPLOAD_REFUSALS[status] || 'Arquivo não enviado.', true);
      return outcome;
    }
  }

  /** @param {OutboxEntry} entry @param {{token: string}} owner @returns {Promise<Outcome>} */
  async function send(entry, owner) {
    if (entry.file && !entry.attachments) {
      const uploaded = await upload(entry, entry.file, owner);
      if (uploaded !== 'done') return uploaded;
    }
    return deliver(entry);
  }

  /** Sends the outbox in order; the next message waits until the one before it is stored. */
  async function flush() {
    if (flushing) return;
    flushing = true;
    while (outbox.length > 0) {
      const head = outbox[0];
      const outcome = await ensureVisitor().then(
        (owner) => send(head, owner),
        () => /** @type {Outcome} */ ('retry'),
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

  /** Shows the message as pending at once and queues it behind the ones before it. */
  function enqueue(/** @type {string} */ text, /** @type {File | undefined} */ file) {
    const id = newId();
    const attachments = file ? [{ mediaId: '', name: file.name, mimeType: file.type, size: file.size }] : [];
    messages.set('local:' + id, { id: 'local:' + id, direction: 'in', authorName: '', text, createdAt: Date.now(), attachments, pending: true });
    render();
    outbox.push(file ? { id, text, file } : { id, text });
    void flush();
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
    enqueue(text, undefined);
  });
  $('.attach').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = ''; // choosing the same file again fires change again
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      showStatus('Arquivo grande demais.', true);
      return;
    }
    enqueue('', file);
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
