// @ts-check
/**
 * Who the simulators' customer pages write as: the customer's id on the channel (a WhatsApp
 * number, a Telegram user id, a PSID/IGSID), checked as typed (refused, never trimmed into another
 * id), and their name, kept per id on this browser (a new id starts with none, as a new contact).
 * Problems show under their field, tied to it by aria-describedby and aria-invalid.
 */
const NAMES_KEPT = 100;

/**
 * Hooks for what differs per page: `idParam` (the address's parameter naming the customer,
 * default "id"), `idFix` (what to say when the id must be corrected before sending), `upgrade`
 * (reads what an earlier version of the page stored), `onIdInput` (the id is being changed: the
 * page's notice about the last customer's action no longer applies).
 * @param {{idInput: HTMLInputElement, idError: HTMLElement, nameInput: HTMLInputElement, nameError: HTMLElement,
 *   storageKey: string, defaultId: string, defaultName: string, idProblem: (value: string) => string, nameMissing: string,
 *   onCustomer: () => void, onIdInput?: () => void, idParam?: string, idFix?: string,
 *   upgrade?: (saved: Record<string, unknown>) => {id?: unknown, names?: unknown}}} fields
 */
export function customerFields(fields) {
  const { idInput, idError, nameInput, nameError, storageKey, idProblem, onCustomer } = fields;
  /** @type {{id?: unknown, names?: unknown}} */
  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(storageKey) || '{}') || {};
    if (fields.upgrade) saved = fields.upgrade(saved);
  } catch {
    /* unreadable: start afresh */
  }
  /** @type {Map<string, string>} */
  const names = new Map(saved.names && typeof saved.names === 'object' ? Object.entries(saved.names).filter(([, n]) => typeof n === 'string') : []);
  if (names.size === 0) names.set(fields.defaultId, fields.defaultName);

  const id = () => idInput.value.trim();
  const name = () => nameInput.value.trim();
  const idValid = () => !idProblem(id());
  let named = '';

  function remember() {
    if (!idValid()) return;
    names.delete(id());
    if (name()) names.set(id(), name());
    while (names.size > NAMES_KEPT) names.delete(names.keys().next().value ?? '');
    try {
      localStorage.setItem(storageKey, JSON.stringify({ id: id(), names: Object.fromEntries(names) }));
    } catch {
      /* private mode: the fields still work for this visit */
    }
  }

  function show(/** @type {HTMLInputElement} */ input, /** @type {HTMLElement} */ error, /** @type {string} */ problem) {
    error.textContent = problem;
    error.hidden = !problem;
    input.setAttribute('aria-invalid', String(Boolean(problem)));
  }

  function checkId(sending = false) {
    const problem = idProblem(id());
    show(idInput, idError, id() || sending ? problem : '');
    return !problem;
  }

  function checkName(sending = false) {
    show(nameInput, nameError, sending && !name() ? fields.nameMissing : '');
    return Boolean(name());
  }

  function takeId() {
    if (!idValid() || id() === named) return;
    named = id();
    nameInput.value = names.get(named) ?? '';
    checkName();
    remember();
    onCustomer();
  }

  const params = new URL(location.href).searchParams;
  idInput.value = params.get(fields.idParam ?? 'id') || (typeof saved.id === 'string' ? saved.id : '') || fields.defaultId;
  const nameParam = params.get('name');
  if (nameParam && idValid()) names.set(id(), nameParam.trim());
  checkId();
  takeId();
  idInput.addEventListener('input', () => {
    fields.onIdInput?.();
    checkId();
    takeId();
  });
  nameInput.addEventListener('input', () => {
    checkName();
    if (id() === named) remember();
  });

  return {
    id, name, idValid,
    /** Before a send: shows what is missing under its field and focuses it; '' when both are fine, else what to say. */
    problem() {
      const idOk = checkId(true);
      const nameOk = checkName(true);
      if (!idOk) idInput.focus();
      else if (!nameOk) nameInput.focus();
      else remember();
      if (!idOk) return fields.idFix ?? 'Corrija a identificação do cliente antes de enviar.';
      return nameOk ? '' : 'Informe o nome do cliente antes de enviar.';
    },
  };
}
