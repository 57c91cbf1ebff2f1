// @ts-check
import { accepted, notice, polling, post, threadView, upload } from '/simulators/thread.js';
import { customerFields } from '/simulators/who.js';

/**
 * The Telegram simulator's customer page (issue 11): pick a user id and a name, write to the bot
 * (text, a photo, a document, an edit of the last message, "/start <parameter>"), see the bot's
 * replies and its "digitando…". Telegram has no read receipts, so nothing is reported back.
 */
(function () {
  'use strict';
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const textInput = /** @type {HTMLTextAreaElement} */ ($('text'));
  const parameterInput = /** @type {HTMLInputElement} */ ($('parameter'));
  const say = notice($('notice'));
  const view = threadView({
    list: $('messages'), scroller: $('log'), empty: $('empty'), typing: $('typing'), typingText: 'Bot digitando…',
    // An inline button under the bot's message: pressed as Telegram does (a callback_query to the bot).
    onPick: (messageId, data) => act('Botão', () => post('/chat/api/press', { user: who.id(), name: who.name(), messageId, data })),
  });

  /** @type {{now: () => void} | undefined} */
  let poller;
  const who = customerFields({
    idInput: /** @type {HTMLInputElement} */ ($('user')), idError: $('user-error'),
    nameInput: /** @type {HTMLInputElement} */ ($('name')), nameError: $('name-error'),
    storageKey: 'atende-tg-simulator', defaultId: '100200300', defaultName: 'Rafael Gomes',
    idProblem: (value) => {
      if (!value) return 'Informe o ID do usuário.';
      return /^[1-9]\d{0,14}$/.test(value) ? '' : 'Use só dígitos, sem letras, espaços ou símbolos (ex.: 100200300).';
    },
    nameMissing: 'Informe o nome do cliente (o nome do perfil no Telegram).',
    onCustomer: () => poller?.now(),
    onIdInput: () => say(''),
  });

  poller = polling(async () => {
    if (!who.idValid()) return void view.show({ id: '', name: '', typing: false, messages: [] }, '');
    const asked = who.id();
    const res = await fetch(`/chat/api/thread?user=${encodeURIComponent(asked)}`);
    if (res.ok && asked === who.id()) view.show(await res.json(), asked);
  });

  /** What to say once the simulator answered an action of the customer. */
  function outcome(/** @type {string} */ what, /** @type {{message?: {status?: string}, webhookSet?: boolean}} */ answer) {
    if (accepted(answer)) return say(`${what} entregue ao Atende.`);
    if (answer.webhookSet === false) return say('O bot não tem webhook registrado: no Atende, abra a conta do Telegram e use "Testar conexão".', true);
    say(`O Atende não aceitou: ${what.toLowerCase()} não entregue.`, true);
  }

  function act(/** @type {string} */ what, /** @type {() => Promise<any>} */ send) {
    const problem = who.problem();
    if (problem) return say(problem, true);
    say('Enviando…');
    send()
      .then((answer) => outcome(what, answer))
      .catch((/** @type {Error} */ error) => say(`Falha ao enviar (${what.toLowerCase()}): ${error.message}`, true))
      .finally(() => poller?.now());
    poller?.now();
  }

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textInput.value.trim();
    if (!text) return;
    act('Mensagem', () => {
      textInput.value = '';
      return post('/chat/api/messages', { user: who.id(), name: who.name(), text });
    });
  });
  textInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      /** @type {HTMLFormElement} */ ($('composer')).requestSubmit();
    }
  });
  $('edit').addEventListener('click', () => {
    const text = textInput.value.trim();
    if (!text) return say('Escreva na caixa de mensagem o novo texto da sua última mensagem.', true);
    act('Edição', () => {
      textInput.value = '';
      return post('/chat/api/edit', { user: who.id(), name: who.name(), text });
    });
  });
  $('start').addEventListener('submit', (event) => {
    event.preventDefault();
    act('Comando /start', () => post('/chat/api/start', { user: who.id(), name: who.name(), parameter: parameterInput.value.trim() }));
  });

  for (const kind of /** @type {const} */ (['photo', 'document'])) {
    const input = /** @type {HTMLInputElement} */ ($(kind));
    input.addEventListener('change', () => {
      const file = input.files && input.files[0];
      input.value = '';
      if (!file) return;
      act(kind === 'photo' ? 'Foto' : 'Documento', () => {
        const caption = textInput.value.trim();
        textInput.value = '';
        const query = new URLSearchParams({ user: who.id(), name: who.name(), kind, filename: file.name || 'arquivo', caption });
        return upload(`/chat/api/files?${query}`, file);
      });
    });
  }
})();
