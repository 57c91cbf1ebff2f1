// @ts-check
import { accepted, notice, polling, post, threadView, upload } from '/simulators/thread.js';
import { customerFields } from '/simulators/who.js';

/**
 * The WhatsApp simulator's customer page (issue 10): pick a number and a name, write as that
 * customer, see the business's messages with their ticks. The thread, the fields and the polling
 * are the simulators' shared pieces (/simulators/thread.js, who.js); what is WhatsApp's own is here:
 * the ticks, the template line, the number's rule. Business messages the page has shown while
 * visible are reported read.
 */
(function () {
  'use strict';
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const textInput = /** @type {HTMLTextAreaElement} */ ($('text'));
  const photoInput = /** @type {HTMLInputElement} */ ($('photo'));
  const say = notice($('notice'));
  const view = threadView({
    list: $('messages'), scroller: $('log'), empty: $('empty'), typing: $('typing'), typingText: 'Empresa digitando…',
    // WhatsApp's ticks: the business's messages sent ✓, delivered ✓✓, read ✓✓ (blue); the customer's read by the business.
    statuses: { seen: ['✓✓', 'Lida'], sent: ['✓', 'Enviada'], delivered: ['✓✓', 'Entregue'], read: ['✓✓', 'Lida'] },
    statusClass: 'status ticks',
    // A row of the business's list (or a reply button): sent back as WhatsApp's list_reply.
    onPick: (messageId, choiceId) => {
      const problem = who.problem();
      if (problem) return say(problem, true);
      say('Enviando resposta…');
      post('/phone/api/pick', { phone: who.id(), name: who.name(), messageId, choiceId })
        .then((answer) => say(accepted(answer) ? 'Resposta entregue ao Atende.' : 'O Atende não aceitou a resposta.', !accepted(answer)))
        .catch((/** @type {Error} */ error) => say(`Resposta não enviada: ${error.message}`, true))
        .finally(() => poller?.now());
    },
  });

  /** The page's rule for a number, with the server's (E.164 digits, 8–15, no leading 0). */
  function phoneProblem(/** @type {string} */ value) {
    if (!value) return 'Informe o número do cliente.';
    if (/\D/.test(value)) return 'Use só dígitos, sem letras, espaços ou símbolos (ex.: 5511998765432).';
    if (!/^[1-9]\d{7,14}$/.test(value)) return 'Número inválido: use de 8 a 15 dígitos, começando pelo código do país.';
    return '';
  }

  /** @type {{now: () => void} | undefined} */
  let poller;
  const who = customerFields({
    idInput: /** @type {HTMLInputElement} */ ($('phone')), idError: $('phone-error'),
    nameInput: /** @type {HTMLInputElement} */ ($('name')), nameError: $('name-error'),
    storageKey: 'atende-wa-simulator', defaultId: '5511998765432', defaultName: 'Paula Costa', idParam: 'phone',
    idProblem: phoneProblem,
    idFix: 'Corrija o número do cliente antes de enviar.',
    nameMissing: 'Informe o nome do cliente (o nome do perfil no WhatsApp).',
    // Earlier versions kept {phone, names}, and before that one name for every number.
    upgrade: (saved) => {
      const names = saved.names && typeof saved.names === 'object' ? { ...saved.names } : {};
      if (typeof saved.phone === 'string' && typeof saved.name === 'string' && saved.name && !(saved.phone in names)) names[saved.phone] = saved.name;
      return { id: saved.id ?? saved.phone, names };
    },
    onCustomer: () => poller?.now(),
    onIdInput: () => say(''),
  });

  /** A template message shows its name above the text, as WhatsApp does. */
  const withTemplateLine = (/** @type {{messages: Array<{template?: string, label?: string}>}} */ thread) => ({
    ...thread, messages: thread.messages.map((m) => (m.template ? { ...m, label: `Template: ${m.template}` } : m)),
  });

  poller = polling(async () => {
    if (!who.idValid()) return void view.show({ id: '', name: '', typing: false, messages: [] }, '');
    const asked = who.id();
    const res = await fetch(`/phone/api/thread?phone=${encodeURIComponent(asked)}`);
    // The number may have changed meanwhile: that thread is no longer the one on screen.
    if (!res.ok || asked !== who.id()) return;
    const unread = view.show(withTemplateLine(await res.json()), asked);
    // Read receipts only for what a person could have seen.
    if (unread.length > 0 && document.visibilityState === 'visible') void post('/phone/api/read', { phone: asked, ids: unread }).catch(() => {});
  });

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textInput.value.trim();
    if (!text) return;
    const problem = who.problem();
    if (problem) return say(problem, true);
    textInput.value = '';
    say('Enviando…');
    post('/phone/api/messages', { phone: who.id(), name: who.name(), text })
      .then((answer) => say(accepted(answer) ? 'Mensagem entregue ao Atende.' : 'O Atende não aceitou a mensagem.', !accepted(answer)))
      .catch((/** @type {Error} */ error) => say(`Mensagem não enviada: ${error.message}`, true))
      .finally(() => poller?.now());
    poller?.now();
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
    upload(`/phone/api/images?${new URLSearchParams({ phone: who.id(), name: who.name(), caption })}`, file)
      .then((answer) => say(accepted(answer) ? 'Foto entregue ao Atende.' : 'O Atende não aceitou a foto.', !accepted(answer)))
      .catch((/** @type {Error} */ error) => say(`Foto não enviada: ${error.message}`, true))
      .finally(() => poller?.now());
  });
})();
