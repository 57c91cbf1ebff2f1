// @ts-check
/**
 * Atende website-chat widget (R-CH-02). Embed with one tag:
 *   <script src="https://atende.example.com/widget.js" data-account="demo-site" async></script>
 * Plain browser JavaScript, no framework, rendered in a shadow root so the host page's styles
 * cannot break it. Message text is always rendered as text, never as HTML.
 * Files go up through the same ordered outbox as text; received files are fetched with the
 * visitor's token (the media routes need the Authorization header) and shown from blob: URLs.
 * Before chatting: the account's articles and pre-chat form (GET /api/webchat/:id/config).
 * Lifecycle events show as centred notices in the page's language (<html lang> en, es; else
 * pt-BR). The visitor's token stays in localStorage: a reload keeps the conversation.
 * After a finish the team may ask for a rating (issue 18): 1–5 stars and a comment under the
 * question, posted to POST /api/webchat/rating; what became of it is kept in localStorage too.
 */
(function () {
  'use strict';
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script) return;
  const base = new URL(script.src).origin;
  const account = script.dataset.account || 'demo-site';
  const STRINGS = {
    'pt-BR': {
      title: 'Fale conosco', close: 'Fechar chat', message: 'Mensagem', placeholder: 'Digite sua mensagem', send: 'Enviar',
      attach: 'Anexar arquivo', name: 'Nome', email: 'E-mail', start: 'Iniciar conversa', articles: 'Perguntas frequentes',
      intro: 'Antes de começar, conte quem é você.', required: 'Preencha este campo.', badEmail: 'Informe um e-mail válido, como nome@exemplo.com.',
      startFailed: 'Não foi possível iniciar a conversa. Tente novamente.', typing: 'Atendente digitando…',
      queued: 'Você está na fila de atendimento. Posição: {p}.', wait: ' Espera estimada: cerca de {w} min.',
      joined: '{n} entrou na conversa.', invited: '{n} entrou na conversa a convite.', left: '{n} saiu da conversa.', transferred: 'Sua conversa foi transferida. Aguarde um momento.',
      returned: 'Sua conversa voltou para a fila de atendimento.', finished: 'Conversa encerrada.',
      again: 'Se precisar, escreva de novo para iniciar uma nova conversa.', newConversation: 'Nova conversa',
      notSent: 'Mensagem não enviada.', offline: 'Sem conexão. Tentando reenviar…', uploading: 'Enviando arquivo…',
      tooLarge: 'Arquivo grande demais.', badType: 'Tipo de arquivo não aceito.', fileNotSent: 'Arquivo não enviado.',
      closed: 'Estamos fora do horário de atendimento', closedLead: 'Deixe sua mensagem: responderemos assim que abrirmos.',
      opens: 'Abrimos {when}.', hours: 'Horário de atendimento ({tz})', days: ['Dom', 'Seg', 'Ter', 'Qua', 'Qui', 'Sex', 'Sáb'], closedDay: 'fechado',
      score: 'Sua nota', star: '{n} de 5', comment: 'Comentário (opcional)', rate: 'Enviar avaliação', pickScore: 'Escolha de 1 a 5 estrelas antes de enviar.',
      rated: 'Obrigado pela sua avaliação!', late: 'O prazo para avaliar este atendimento terminou.', gone: 'Este atendimento não pode mais ser avaliado.',
      rateFailed: 'Não foi possível enviar sua avaliação. Tente novamente.',
    },
    en: {
      title: 'Contact us', close: 'Close chat', message: 'Message', placeholder: 'Type your message', send: 'Send',
      attach: 'Attach file', name: 'Name', email: 'Email', start: 'Start chat', articles: 'Frequently asked questions',
      intro: 'Before we start, tell us who you are.', required: 'Fill in this field.', badEmail: 'Enter a valid email, like name@example.com.',
      startFailed: 'The chat could not start. Please try again.', typing: 'Agent is typing…',
      queued: 'You are in the queue. Position: {p}.', wait: ' Estimated wait: about {w} min.',
      joined: '{n} joined the conversation.', invited: '{n} was invited to the conversation.', left: '{n} left the conversation.', transferred: 'Your conversation was transferred. One moment, please.',
      returned: 'Your conversation is back in the queue.', finished: 'Conversation finished.',
      again: 'Write again any time to start a new conversation.', newConversation: 'New conversation',
      notSent: 'Message not sent.', offline: 'No connection. Retrying…', uploading: 'Sending file…',
      tooLarge: 'File too large.', badType: 'File type not accepted.', fileNotSent: 'File not sent.',
      closed: 'We are outside our service hours', closedLead: 'Leave your message: we will answer as soon as we open.',
      opens: 'We open {when}.', hours: 'Service hours ({tz})', days: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'], closedDay: 'closed',
      score: 'Your rating', star: '{n} of 5', comment: 'Comment (optional)', rate: 'Send rating', pickScore: 'Choose 1 to 5 stars before sending.',
      rated: 'Thank you for your rating!', late: 'The time to rate this conversation has passed.', gone: 'This conversation can no longer be rated.',
      rateFailed: 'Your rating could not be sent. Please try again.',
    },
    es: {
      title: 'Contáctenos', close: 'Cerrar chat', message: 'Mensaje', placeholder: 'Escriba su mensaje', send: 'Enviar',
      attach: 'Adjuntar archivo', name: 'Nombre', email: 'Correo electrónico', start: 'Iniciar conversación', articles: 'Preguntas frecuentes',
      intro: 'Antes de empezar, díganos quién es usted.', required: 'Complete este campo.', badEmail: 'Ingrese un correo válido, como nombre@ejemplo.com.',
      startFailed: 'No se pudo iniciar la conversación. Inténtelo de nuevo.', typing: 'El agente está escribiendo…',
      queued: 'Usted está en la fila de atención. Posición: {p}.', wait: ' Espera estimada: unos {w} min.',
      joined: '{n} se unió a la conversación.', invited: '{n} fue invitado(a) a la conversación.', left: '{n} salió de la conversación.', transferred: 'Su conversación fue transferida. Un momento, por favor.',
      returned: 'Su conversación volvió a la fila de atención.', finished: 'Conversación finalizada.',
      again: 'Si lo necesita, escriba de nuevo para iniciar una nueva conversación.', newConversation: 'Nueva conversación',
      notSent: 'Mensaje no enviado.', offline: 'Sin conexión. Reintentando…', uploading: 'Enviando archivo…',
      tooLarge: 'Archivo demasiado grande.', badType: 'Tipo de archivo no aceptado.', fileNotSent: 'Archivo no enviado.',
      closed: 'Estamos fuera del horario de atención', closedLead: 'Deje su mensaje: le responderemos en cuanto abramos.',
      opens: 'Abrimos {when}.', hours: 'Horario de atención ({tz})', days: ['Dom', 'Lun', 'Mar', 'Mié', 'Jue', 'Vie', 'Sáb'], closedDay: 'cerrado',
      score: 'Su calificación', star: '{n} de 5', comment: 'Comentario (opcional)', rate: 'Enviar calificación', pickScore: 'Elija de 1 a 5 estrellas antes de enviar.',
      rated: '¡Gracias por su calificación!', late: 'El plazo para calificar esta atención terminó.', gone: 'Esta atención ya no se puede calificar.',
      rateFailed: 'No se pudo enviar su calificación. Inténtelo de nuevo.',
    },
  };
  const lang = String((document.documentElement && document.documentElement.lang) || 'pt-BR').toLowerCase();
  const T = lang.startsWith('en') ? STRINGS.en : lang.startsWith('es') ? STRINGS.es : STRINGS['pt-BR'];
  const title = script.dataset.title || T.title;
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
  /** @typedef {{event: string, position?: number, waitMinutes?: number | null, agentName?: string}} ChatEvent */
  /** @typedef {{id: string, direction: string, authorName: string, text: string, createdAt: number, attachments?: Attachment[], pending?: boolean, event?: ChatEvent, ratingRequest?: boolean}} ChatMessage */
  /** @type {Map<string, ChatMessage>} */
  const messages = new Map();
  /** @type {WebSocket | null} */
  let socket = null;
  let retryDelay = 1000;
  // SERVER_RESTARTING_CLOSE in protocol/src/frames.ts: the server drained to restart and is back within seconds.
  const SERVER_RESTARTING = 1012;
  // UNAUTHENTICATED_CLOSE in protocol/src/frames.ts: the visitor's token was refused.
  const UNAUTHENTICATED = 4401;
  /** Until when failed reconnections keep to about a second (after a 1012), not the doubling backoff. */
  let restartingUntil = 0;
  let typingSent = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typingTimer;

  // A landmark of its own, so the host page's structure stays whole (axe "region").
  const host = document.createElement('aside');
  host.id = 'atende-widget';
  host.setAttribute('aria-label', title);
  const root = host.attachShadow({ mode: 'open' });
  // The <template> at the end is the rating form (issue 18), cloned under the question; texts are set then.
  root.innerHTML =
    '<style>' +
    ':host{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000;font:14px/1.4 system-ui,sans-serif;color:#1e293b}' +
    'button{font:inherit;cursor:pointer}:focus-visible{outline:2px solid #1d4ed8;outline-offset:2px}' +
    '.toggle{background:#0b5cad;color:#fff;border:0;border-radius:24px;padding:12px 18px;float:right}' +
    '.panel{display:none;flex-direction:column;width:340px;height:480px;max-height:calc(100vh - 90px);background:#fff;border:1px solid #ccd;border-radius:8px;box-shadow:0 4px 16px #0003;margin-bottom:8px}' +
    '.panel.open{display:flex}.head{display:flex;align-items:center;background:#0b5cad;color:#fff;padding:6px 8px 6px 12px;border-radius:8px 8px 0 0}' +
    'h2{flex:1;margin:0;font-size:15px}.close{background:none;border:0;color:#fff;padding:4px;display:flex}.close svg{width:20px;height:20px}' +
    '.intro{overflow-y:auto;max-height:75%;flex-shrink:0;padding:8px 12px;border-bottom:1px solid #eee}.intro h3{font-size:13px;margin:4px 0}' +
    'details{border-bottom:1px solid #eee;padding:4px 0}summary{cursor:pointer;font-weight:600}.body{white-space:pre-wrap;margin:4px 0}' +
    '.prechat{display:flex;flex-direction:column;gap:4px;padding-top:8px}.prechat label{font-weight:600}.prechat input{font:inherit;padding:6px;border:1px solid #64748b;border-radius:4px}' +
    '.err{color:#b91c1c;font-size:12px;min-height:0}.start{background:#0b5cad;color:#fff;border:0;border-radius:6px;padding:8px;margin-top:4px}' +
    '.log{flex:1;overflow-y:auto;padding:8px;display:flex;flex-direction:column;gap:6px}' +
    '.msg{max-width:80%;padding:6px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}' +
    '.in{align-self:flex-end;background:#dbeafe}.out{align-self:flex-start;background:#f1f5f9}.pending{opacity:.6}' +
    '.notice{align-self:center;text-align:center;font-size:12px;color:#475569;max-width:90%}' +
    '.divider{align-self:stretch;text-align:center;font-size:12px;font-weight:600;color:#334155;border-top:1px solid #cbd5e1;padding-top:4px;margin-top:6px}' +
    '.who{display:block;font-size:11px;color:#475569}.typing{min-height:18px;padding:0 10px;font-size:12px;color:#475569}' +
    'form.chat{display:flex;gap:6px;padding:8px;border-top:1px solid #eee}textarea{flex:1;resize:none;font:inherit;padding:6px}' +
    'button.send{background:#0b5cad;color:#fff;border:0;border-radius:6px;padding:0 12px}' +
    '.status{font-size:11px;color:#b91c1c;padding:0 10px}.status.info{color:#475569}' +
    'button.attach{background:none;border:0;padding:0 4px;color:#0b5cad}button.attach svg{width:20px;height:20px}' +
    '.file{display:block;color:#0b4f96;text-decoration:underline;cursor:pointer}.thumb{display:block;max-width:100%;max-height:160px;border-radius:6px;margin-top:4px}' +
    '.closed{flex-shrink:0;max-height:35%;overflow-y:auto;padding:6px 12px;background:#fef3c7;color:#78350f;border-bottom:1px solid #fcd34d;font-size:13px}' +
    '.closed p{margin:2px 0}.closed h3{font-size:13px;margin:2px 0}.closed details{border:0;padding:0}.closed ul{margin:4px 0;padding-left:16px}' +
    '.rating{align-self:flex-start;flex-shrink:0;width:80%;box-sizing:border-box;display:flex;flex-direction:column;gap:4px;padding:6px 10px;border:1px solid #cbd5e1;border-radius:10px}' +
    '.rating fieldset{border:0;margin:0;padding:0}.rating legend{padding:0;font-size:12px;font-weight:600}.rating label{font-size:12px;font-weight:600}' +
    '.star{position:relative;display:inline-flex;padding:2px;color:#64748b}.star input{position:absolute;inset:0;opacity:0;margin:0;cursor:pointer}' +
    '.star svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:1.5;border-radius:4px}.star.on{color:#b45309}.star.on svg{fill:currentColor}' +
    '.star input:focus-visible+svg{outline:2px solid #1d4ed8;outline-offset:1px}' +
    '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}' +
    '.rating textarea{display:block;width:100%;box-sizing:border-box;margin-top:2px;font-weight:400;resize:vertical;border:1px solid #64748b;border-radius:4px}' +
    '.rating .note{margin:0;font-size:12px;color:#b91c1c}.rating .note:empty{display:none}' +
    'button.rate{align-self:flex-start;background:#0b5cad;color:#fff;border:0;border-radius:6px;padding:6px 10px}' +
    '[hidden]{display:none!important}' +
    '</style>' +
    '<div class="panel" role="dialog" aria-labelledby="atende-title"><div class="head"><h2 id="atende-title"></h2>' +
    '<button class="close" type="button"><svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">' +
    '<path d="M18 6 6 18M6 6l12 12"/></svg></button></div>' +
    '<section class="closed" aria-labelledby="atende-closed" hidden><h3 id="atende-closed"></h3><p class="closed-lead"></p><p class="opens"></p>' +
    '<details><summary class="hours-title"></summary><ul class="hours"></ul></details></section>' +
    '<div class="intro" hidden><section class="articles" aria-labelledby="atende-articles" hidden><h3 id="atende-articles"></h3><div class="list"></div></section>' +
    '<form class="prechat" novalidate hidden><p class="lead"></p>' +
    '<label for="atende-name" class="name-label"></label><input id="atende-name" name="name" autocomplete="name" maxlength="200" aria-describedby="atende-name-err">' +
    '<span class="err" id="atende-name-err"></span>' +
    '<label for="atende-email" class="email-label"></label><input id="atende-email" name="email" type="email" autocomplete="email" maxlength="254" aria-describedby="atende-email-err">' +
    '<span class="err" id="atende-email-err"></span><button class="start" type="submit"></button></form></div>' +
    '<div class="log" role="log" aria-live="polite"></div><div class="typing" aria-live="polite"></div>' +
    '<div class="status" role="status"></div>' +
    '<form class="chat" hidden><textarea rows="2"></textarea>' +
    '<button class="attach" type="button">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' +
    '<path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48"/></svg></button>' +
    '<input type="file" hidden>' +
    '<button class="send" type="submit"></button></form></div>' +
    '<button class="toggle" type="button" aria-expanded="false"></button>' +
    '<template id="atende-rating"><form class="rating" novalidate><fieldset><legend></legend>' +
    '<label class="star"><input type="radio" name="score"><svg viewBox="0 0 24 24" aria-hidden="true" stroke-linejoin="round">' +
    '<path d="M12 2.5l2.94 5.96 6.56.95-4.75 4.63 1.12 6.54L12 17.49l-5.87 3.09 1.12-6.54L2.5 9.41l6.56-.95z"/></svg><span class="sr"></span></label>' +
    '</fieldset><label><span></span><textarea rows="2" maxlength="1000"></textarea></label>' +
    '<p class="note" aria-live="polite"></p><button class="rate" type="submit"></button></form></template>';
  const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (root.querySelector(sel));
  const panel = $('.panel');
  const log = $('.log');
  const typingLine = $('.typing');
  const statusLine = $('.status');
  const intro = $('.intro');
  const prechat = /** @type {HTMLFormElement} */ ($('form.prechat'));
  const chatForm = /** @type {HTMLFormElement} */ ($('form.chat'));
  const input = /** @type {HTMLTextAreaElement} */ ($('textarea'));
  const fileInput = /** @type {HTMLInputElement} */ ($('input[type=file]'));
  const toggle = $('.toggle');
  // Every text of the chrome from the page's language (the template above holds none).
  $('h2').textContent = title;
  toggle.textContent = title;
  $('.close').setAttribute('aria-label', T.close);
  $('.attach').setAttribute('aria-label', T.attach);
  $('.attach').setAttribute('title', T.attach);
  input.setAttribute('aria-label', T.message);
  input.setAttribute('placeholder', T.placeholder);
  $('.send').textContent = T.send;
  $('#atende-articles').textContent = T.articles;
  $('.lead').textContent = T.intro;
  $('.name-label').textContent = T.name;
  $('.email-label').textContent = T.email;
  $('.start').textContent = T.start;

  /** @typedef {{enabled: boolean, fields: string[], required: string[]}} Prechat */
  /** @typedef {{timeZone: string, days: {from: string, to: string}[][]}} WeeklyHours */
  /** @type {{prechat: Prechat, articles: {id: string, title: string, body: string}[], online?: boolean, hours?: WeeklyHours | null, nextOpening?: number | null}} */
  let config = { prechat: { enabled: false, fields: [], required: [] }, articles: [] };

  /** Opened before the settings came, no field could take the focus yet: the settings give it. */
  let focusPending = false;
  /** Open or closed; Esc and the close button give focus back to the button that opened it. */
  function setOpen(/** @type {boolean} */ open) {
    panel.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
    focusPending = false;
    if (!open) return toggle.focus();
    const field = !intro.hidden && !prechat.hidden ? $('#atende-' + (config.prechat.fields[0] || 'name')) : input;
    field.focus();
    focusPending = root.activeElement !== field;
  }
  toggle.addEventListener('click', () => setOpen(!panel.classList.contains('open')));
  $('.close').addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (event) => {
    if (/** @type {KeyboardEvent} */ (event).key === 'Escape') setOpen(false);
  });

  /** Before the first message: the articles, and the pre-chat form when the account asks for it. */
  function showIntro() {
    const asking = !visitor && config.prechat.enabled && config.prechat.fields.length > 0;
    const articles = config.articles.length > 0 && messages.size === 0;
    intro.hidden = !asking && !articles;
    $('.articles').hidden = !articles;
    prechat.hidden = !asking;
    chatForm.hidden = asking;
    for (const field of ['name', 'email']) {
      const el = /** @type {HTMLInputElement} */ ($('#atende-' + field));
      const asked = config.prechat.fields.includes(field);
      el.hidden = !asked;
      $('.' + field + '-label').hidden = !asked;
      if (config.prechat.required.includes(field)) el.setAttribute('aria-required', 'true');
    }
  }

  function renderArticles() {
    $('.list').replaceChildren(
      ...config.articles.map((a) => {
        const item = document.createElement('details');
        const summary = document.createElement('summary');
        summary.textContent = a.title;
        const body = document.createElement('p');
        body.className = 'body';
        body.textContent = a.body;
        item.append(summary, body);
        return item;
      }),
    );
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let reopenTimer;
  /**
   * Outside the team's business hours (R-RT-03): a note that it is closed, when it opens (in the
   * visitor's own clock) and the week's hours (in the team's time zone). The chat stays usable: the
   * visitor may leave a message. At the next opening the settings are read again.
   */
  function renderAvailability() {
    const closed = config.online === false;
    $('.closed').hidden = !closed;
    clearTimeout(reopenTimer);
    if (!closed) return;
    $('#atende-closed').textContent = T.closed;
    $('.closed-lead').textContent = T.closedLead;
    const opens = config.nextOpening;
    const when = opens ? new Intl.DateTimeFormat(lang, { weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(opens) : '';
    $('.opens').textContent = when ? T.opens.replace('{when}', when) : '';
    const hours = config.hours;
    $('.hours-title').textContent = hours ? T.hours.replace('{tz}', hours.timeZone) : '';
    $('.hours').replaceChildren(...(hours ? hours.days : []).map((intervals, day) => {
      const item = document.createElement('li');
      const spans = intervals.map((i) => i.from + '–' + (i.to === '23:59' ? '24:00' : i.to)).join(', ');
      item.textContent = T.days[day] + ': ' + (spans || T.closedDay);
      return item;
    }));
    if (opens) reopenTimer = setTimeout(() => void loadConfig(), Math.min(Math.max(opens - Date.now(), 1000) + 1000, 2 ** 31 - 1));
  }

  async function loadConfig() {
    try {
      const loaded = await api('/api/webchat/' + encodeURIComponent(account) + '/config');
      if (loaded && loaded.prechat && Array.isArray(loaded.articles)) config = loaded;
    } catch (_) {
      // Without its settings the chat still works: no form, no articles.
    }
    renderArticles();
    renderAvailability();
    showIntro();
    // The clicked button kept the focus a hidden field could not take; the visitor may have moved on.
    if (focusPending && panel.classList.contains('open') && !panel.contains(root.activeElement)) setOpen(true);
  }

  const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  /** The form's answers, or null after marking (and focusing) what is missing or malformed. */
  function prechatAnswers() {
    /** @type {Record<string, string>} */
    const answers = {};
    /** @type {HTMLElement | null} */
    let firstBad = null;
    for (const field of config.prechat.fields) {
      const el = /** @type {HTMLInputElement} */ ($('#atende-' + field));
      const value = el.value.trim();
      const problem = !value && config.prechat.required.includes(field) ? T.required : field === 'email' && value && !EMAIL.test(value) ? T.badEmail : '';
      $('#atende-' + field + '-err').textContent = problem;
      if (problem) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
      if (problem && !firstBad) firstBad = el;
      if (value) answers[field] = value;
    }
    if (firstBad) firstBad.focus();
    return firstBad ? null : answers;
  }

  prechat.addEventListener('submit', (event) => {
    event.preventDefault();
    const answers = prechatAnswers();
    if (!answers) return;
    showStatus('');
    ensureVisitor(answers).then(
      () => {
        showIntro();
        input.focus();
      },
      () => showStatus(T.startFailed, true),
    );
  });

  /** A lifecycle event in the page's language; else the server's pt-BR sentence. */
  function noticeText(/** @type {ChatMessage} */ m) {
    const e = m.event || { event: '' };
    if (e.event === 'queued') return T.queued.replace('{p}', String(e.position)) + (e.waitMinutes ? T.wait.replace('{w}', String(e.waitMinutes)) : '');
    // 'invited'/'left': colleagues the agent brought in (R-WS-05).
    if (e.event === 'joined' || e.event === 'invited' || e.event === 'left') return T[e.event].replace('{n}', String(e.agentName));
    if (e.event === 'transferred' || e.event === 'returned' || e.event === 'finished') return T[e.event];
    return m.text;
  }

  function line(/** @type {string} */ className, /** @type {string} */ text) {
    const el = document.createElement('div');
    el.className = className;
    el.textContent = text;
    return el;
  }

  /** The transcript in order; what follows a finish opened a new conversation: a divider says so. */
  function render() {
    const sorted = [...messages.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    /** @type {HTMLElement[]} */
    const rows = [];
    let finished = false;
    const question = openQuestion(sorted);
    for (const m of sorted) {
      // The question after a finish belongs to the finished conversation: no "new conversation" divider.
      if (m.ratingRequest) {
        rows.push(bubble(m));
        const rating = ratingRow(m.id, m.id === question);
        if (rating) rows.push(rating);
        continue;
      }
      if (m.direction === 'system') {
        if (finished && m.event && m.event.event !== 'finished') rows.push(line('divider', T.newConversation));
        finished = Boolean(m.event && m.event.event === 'finished');
        rows.push(line('notice', noticeText(m)));
        continue;
      }
      if (finished) rows.push(line('divider', T.newConversation));
      finished = false;
      rows.push(bubble(m));
    }
    if (finished) rows.push(line('notice', T.again));
    const active = root.activeElement;
    log.replaceChildren(...rows);
    // A kept row (the rating form) moved back in loses focus on the way: give it back.
    if (active && root.activeElement !== active && log.contains(active)) /** @type {HTMLElement} */ (active).focus({ preventScroll: true });
    log.scrollTop = log.scrollHeight;
    if (!intro.hidden && messages.size > 0) showIntro();
  }

  function bubble(/** @type {ChatMessage} */ m) {
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
  }

  const ratingKey = 'atende.rating.' + account;
  /**
   * What became of each rating question by message id (rated, too late, nothing to rate): a reload
   * shows that instead of the form. @type {Record<string, 'rated' | 'late' | 'gone'>}
   */
  let ratingOutcomes = {};
  try {
    ratingOutcomes = JSON.parse(localStorage.getItem(ratingKey) || '{}') || {};
  } catch (_) {
    ratingOutcomes = {};
  }
  /** The rating rows shown, by question id: kept across renders, so a half-filled form keeps its state. */
  /** @type {Map<string, HTMLElement>} */
  const ratingRows = new Map();
  const RATING_REFUSALS = /** @type {Record<string, 'rated' | 'late' | 'gone'>} */ ({ already_rated: 'rated', rating_window_closed: 'late', nothing_to_rate: 'gone' });

  /**
   * The question the form may answer: the latest, unless a later conversation finished since (the
   * server rates the visitor's last finished conversation, which would then be another one).
   * @param {ChatMessage[]} sorted
   */
  function openQuestion(sorted) {
    let id = '';
    let talkedSince = false;
    for (const m of sorted) {
      if (m.ratingRequest) [id, talkedSince] = [m.id, false];
      else if (m.direction !== 'system') talkedSince = true;
      else if (talkedSince && m.event && m.event.event === 'finished') id = '';
    }
    return id;
  }

  /** Under a question: its outcome, the form when it is the open question, else nothing. */
  function ratingRow(/** @type {string} */ id, /** @type {boolean} */ open) {
    const outcome = ratingOutcomes[id];
    if (!outcome && !open) return null;
    let row = ratingRows.get(id);
    if (!row) {
      row = outcome ? line('notice', T[outcome]) : ratingForm(id);
      if (outcome) row.tabIndex = -1; // it takes the focus the form had
      ratingRows.set(id, row);
    }
    return row;
  }

  /** 1–5 stars as native radios (arrow keys move and choose), an optional comment and the send button. */
  function ratingForm(/** @type {string} */ id) {
    const template = /** @type {HTMLTemplateElement} */ ($('#atende-rating'));
    const form = /** @type {HTMLFormElement} */ (/** @type {Element} */ (template.content.firstElementChild).cloneNode(true));
    const q = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (form.querySelector(sel));
    q('legend').textContent = T.score;
    const star = q('.star');
    star.remove();
    const stars = [1, 2, 3, 4, 5].map((n) => {
      const label = /** @type {HTMLElement} */ (star.cloneNode(true));
      /** @type {HTMLInputElement} */ (label.querySelector('input')).value = String(n);
      /** @type {HTMLElement} */ (label.querySelector('.sr')).textContent = T.star.replace('{n}', String(n));
      return label;
    });
    q('fieldset').append(...stars);
    q('label:not(.star) span').textContent = T.comment;
    q('.rate').textContent = T.rate;
    form.addEventListener('change', () => {
      const score = chosenScore(form);
      stars.forEach((label, i) => label.classList.toggle('on', i < score));
      q('.note').textContent = '';
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void sendRating(id, form);
    });
    return form;
  }

  function chosenScore(/** @type {HTMLFormElement} */ form) {
    return Number(/** @type {RadioNodeList} */ (form.elements.namedItem('score')).value) || 0;
  }

  /**
   * Posts the rating. Rated (or rated already), too late and nothing to rate replace the form for
   * good; anything else keeps it, with what was chosen, to try again.
   * @param {string} id @param {HTMLFormElement} form
   */
  async function sendRating(id, form) {
    const note = /** @type {HTMLElement} */ (form.querySelector('.note'));
    const score = chosenScore(form);
    if (!score) {
      note.textContent = T.pickScore;
      return /** @type {HTMLElement} */ (form.querySelector('input')).focus();
    }
    if (form.dataset.sending) return;
    form.dataset.sending = '1';
    note.textContent = '';
    const comment = /** @type {HTMLTextAreaElement} */ (form.querySelector('textarea')).value.trim();
    const outcome = await api('/api/webchat/rating', { method: 'POST', body: JSON.stringify(comment ? { score, comment } : { score }) }).then(
      () => /** @type {'rated'} */ ('rated'),
      (error) => RATING_REFUSALS[/** @type {{code?: string}} */ (error).code || ''],
    );
    delete form.dataset.sending;
    if (!outcome) {
      note.textContent = T.rateFailed;
      return;
    }
    const focused = form.contains(root.activeElement);
    rememberOutcome(id, outcome);
    ratingRows.delete(id);
    render();
    const row = ratingRows.get(id);
    if (row && focused) row.focus();
  }

  function rememberOutcome(/** @type {string} */ id, /** @type {'rated' | 'late' | 'gone'} */ outcome) {
    ratingOutcomes[id] = outcome;
    // Only the latest question can be answered: the last few outcomes are plenty.
    ratingOutcomes = Object.fromEntries(Object.entries(ratingOutcomes).slice(-20));
    try {
      localStorage.setItem(ratingKey, JSON.stringify(ratingOutcomes));
    } catch (_) {
      // Storage full or refused: a reload asks again and the server answers "already rated".
    }
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
    if (!res.ok) {
      const refusal = await res.json().catch(() => ({}));
      throw Object.assign(new Error('HTTP ' + res.status), { status: res.status, code: refusal && refusal.error });
    }
    return res.json();
  }

  /** @type {Promise<{visitorId: string, token: string}> | null} */
  let creating = null;

  /** The pre-chat answers, kept for a visitor made again after its token was refused. */
  /** @type {Record<string, string>} */
  let details = {};

  /**
   * One visitor per browser: messages sent before the first answer share the same request. The
   * form's name and e-mail become the contact's. @param {Record<string, string>} [answers]
   */
  function ensureVisitor(answers) {
    if (answers) details = answers;
    if (visitor) return Promise.resolve(visitor);
    if (!creating) {
      creating = api('/api/webchat/' + encodeURIComponent(account) + '/visitors', { method: 'POST', body: JSON.stringify(details) })
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
      showStatus(outcome === 'failed' ? T.notSent : T.offline, true);
      return outcome;
    }
  }

  const UPLOAD_REFUSALS = /** @type {Record<number, string>} */ ({ 413: T.tooLarge, 415: T.badType });

  /**
   * Uploads the entry's file; the stored attachment is kept on the entry, so a retried message
   * does not upload it again. A refused file is dropped: nothing is sent.
   * @param {OutboxEntry} entry @param {File} file @param {{token: string}} owner @returns {Promise<Outcome>}
   */
  async function upload(entry, file, owner) {
    showStatus(T.uploading);
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
      showStatus(outcome === 'retry' ? T.offline : UPLOAD_REFUSALS[status] || T.fileNotSent, true);
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

  chatForm.addEventListener('submit', (event) => {
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
      showStatus(T.tooLarge, true);
      return;
    }
    enqueue('', file);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      chatForm.requestSubmit();
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
      restartingUntil = 0;
      typingSent = false;
      // Anything sent while we were away is in the transcript: the socket is never the only copy.
      void loadTranscript().catch(() => undefined);
      // The server is back: what waits in the outbox goes now rather than at its backoff's next turn.
      if (outbox.length > 0) void flush();
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
        if (frame.message.direction === 'out') typingLine.textContent = ''; // the agent's message ends their typing
        render();
      } else if (frame.type === 'typing') {
        typingLine.textContent = frame.typing ? T.typing : '';
      } else if (frame.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      }
    };
    ws.onclose = (event) => {
      socket = null;
      if (event.code === UNAUTHENTICATED) {
        if (visitor === owner) forgetVisitor();
        else connect(); // a new visitor was created while this socket was closing
        return;
      }
      // Restarting: back at once, jittered under a second so a node's visitors do not all arrive together.
      if (event.code === SERVER_RESTARTING) {
        restartingUntil = Date.now() + 30000;
        setTimeout(connect, Math.random() * 1000);
        return;
      }
      const restarting = Date.now() < restartingUntil;
      const delay = (restarting ? 1000 : retryDelay) * (0.5 + Math.random());
      if (!restarting) retryDelay = Math.min(retryDelay * 2, 30000);
      setTimeout(connect, delay);
    };
  }

  function mount() {
    document.body.append(host);
    // A returning visitor chats at once; a new one waits for the settings (form or not).
    if (visitor) showIntro();
    void loadConfig();
    if (visitor) {
      connect();
      void loadTranscript().catch(() => undefined);
    }
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
