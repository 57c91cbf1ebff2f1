// @ts-check
/**
 * Who the customer page writes as (issue 10): the number, checked as typed (digits only — a
 * letter is refused, never dropped, or the message would go to another number), and the
 * customer's name, kept per number on this browser (the last name used with that number; a new
 * number starts with none, as a new contact). Problems show under their field, tied to it by
 * aria-describedby and aria-invalid.
 */
const DEFAULT_PHONE = '5511998765432';
const DEFAULT_NAME = 'Paula Costa';
const STORAGE_KEY = 'atende-wa-simulator';
/** Names kept on this browser, oldest forgotten first. */
const NAMES_KEPT = 100;

/** The page's rule for a number, with the server's (E.164 digits, 8–15, no leading 0). */
export function phoneProblem(/** @type {string} */ value) {
  if (!value) return 'Informe o número do cliente.';
  if (/\D/.test(value)) return 'Use só dígitos, sem letras, espaços ou símbolos (ex.: 5511998765432).';
  if (!/^[1-9]\d{7,14}$/.test(value)) return 'Número inválido: use de 8 a 15 dígitos, começando pelo código do país.';
  return '';
}

/** @returns {{phone?: unknown, name?: unknown, names?: unknown}} */
function load() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) || '{}') || {};
  } catch {
    return {};
  }
}

/**
 * Wires the number and name fields. `onNumber` runs when the number changes to a valid one.
 * @param {{phoneInput: HTMLInputElement, phoneError: HTMLElement, nameInput: HTMLInputElement, nameError: HTMLElement, onNumber: () => void}} fields
 */
export function customerFields({ phoneInput, phoneError, nameInput, nameError, onNumber }) {
  const saved = load();
  /** @type {Map<string, string>} */
  const names = new Map(saved.names && typeof saved.names === 'object' ? Object.entries(saved.names).filter(([, n]) => typeof n === 'string') : []);
  // The page's earlier storage kept one name for every number.
  if (typeof saved.phone === 'string' && typeof saved.name === 'string' && saved.name && !names.has(saved.phone)) names.set(saved.phone, saved.name);
  if (names.size === 0) names.set(DEFAULT_PHONE, DEFAULT_NAME);

  const params = new URL(location.href).searchParams;
  const phone = () => phoneInput.value.trim();
  const name = () => nameInput.value.trim();
  const phoneValid = () => !phoneProblem(phone());
  /** The number whose name the name field holds. */
  let named = '';

  function remember() {
    if (!phoneValid()) return;
    names.delete(phone());
    if (name()) names.set(phone(), name());
    while (names.size > NAMES_KEPT) names.delete(names.keys().next().value ?? '');
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ phone: phone(), names: Object.fromEntries(names) }));
    } catch {
      /* private mode: the fields still work for this visit */
    }
  }

  function show(/** @type {HTMLInputElement} */ input, /** @type {HTMLElement} */ error, /** @type {string} */ problem) {
    error.textContent = problem;
    error.hidden = !problem;
    input.setAttribute('aria-invalid', String(Boolean(problem)));
  }

  /** Shows the number's problem; an empty field only once the customer tries to send. Returns whether it is valid. */
  function checkPhone(sending = false) {
    const problem = phoneProblem(phone());
    show(phoneInput, phoneError, phone() || sending ? problem : '');
    return !problem;
  }

  function checkName(sending = false) {
    show(nameInput, nameError, sending && !name() ? 'Informe o nome do cliente (o nome do perfil no WhatsApp).' : '');
    return Boolean(name());
  }

  /** A valid number other than the one named: its own name (none for a new number). */
  function takeNumber() {
    if (!phoneValid() || phone() === named) return;
    named = phone();
    nameInput.value = names.get(named) ?? '';
    checkName();
    remember();
    onNumber();
  }

  phoneInput.value = params.get('phone') || (typeof saved.phone === 'string' ? saved.phone : '') || DEFAULT_PHONE;
  const nameParam = params.get('name');
  if (nameParam && phoneValid()) names.set(phone(), nameParam.trim());
  checkPhone();
  takeNumber();

  phoneInput.addEventListener('input', () => {
    checkPhone();
    takeNumber();
  });
  nameInput.addEventListener('input', () => {
    checkName();
    if (phone() === named) remember();
  });

  return {
    phone, name, phoneValid,
    /** Before a send: shows what is missing under its field and moves the focus there; '' when both are fine, else what to say. */
    problem() {
      const phoneOk = checkPhone(true);
      const nameOk = checkName(true);
      if (!phoneOk) phoneInput.focus();
      else if (!nameOk) nameInput.focus();
      else remember();
      if (!phoneOk) return 'Corrija o número do cliente antes de enviar.';
      return nameOk ? '' : 'Informe o nome do cliente antes de enviar.';
    },
  };
}
