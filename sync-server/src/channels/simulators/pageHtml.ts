/**
 * The HTML every simulator customer page shares (WhatsApp, Telegram, Meta): the head (shared
 * look and the simulators' strip) and the customer's "who" fields. Each page's .html file is
 * only its body; pageAssets (http.ts) serves it inside these.
 */
/** What a simulator page's <head> names: the rest of the head and the simulators' strip are every page's. */
export interface PageHead {
  /** "Simulador do …", before " — Atende". */
  title: string;
  /** The strip's current page (nav.js; 'meta' follows the address's #messenger / #instagram). */
  current: 'whatsapp' | 'telegram' | 'meta' | 'reclameaqui';
  /** The page's own stylesheets and module script, over the shared ones. */
  styles: readonly string[];
  script: string;
  /** The customer's id and name fields (who.js), put where the body says `<!-- customer fields -->`. */
  customer?: CustomerFieldsHtml;
  /** The conversation's title and what shows while it is empty, for the thread (thread.js) where the body says `<!-- customer thread -->`. */
  thread?: { title: string; empty: string };
}

/** The words of the customer fields; `id` names the id input (its hint and error take `<id>-hint`, `<id>-error`). */
export interface CustomerFieldsHtml { id: string; idLabel: string; idHint: string; nameHint: string }

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** Every customer page's "who" form: the id checked as typed and the name kept per id (assets/who.js). */
function customerFieldsHtml({ id, idLabel, idHint, nameHint }: CustomerFieldsHtml): string {
  const field = (name: string, label: string, hint: string, attributes: string) => [
    '        <div class="field">', `          <label for="${name}">${escapeHtml(label)}</label>`,
    `          <input id="${name}" name="${name}" ${attributes} aria-describedby="${name}-hint ${name}-error" />`,
    `          <p id="${name}-hint" class="hint">${escapeHtml(hint)}</p>`, `          <p id="${name}-error" class="error" hidden></p>`, '        </div>',
  ];
  return [
    '      <form id="who" class="who" novalidate>',
    ...field(id, idLabel, idHint, 'inputmode="numeric" autocomplete="off"'),
    ...field('name', 'Nome do cliente', nameHint, 'autocomplete="off" maxlength="80"'),
    '      </form>',
  ].join('\n');
}

/** The thread's parts thread.js draws into: the list in its scroller, the empty line, the typing line. */
function threadHtml({ title, empty }: { title: string; empty: string }): string {
  return [
    `        <h2 id="chat-title">${escapeHtml(title)}</h2>`,
    `        <div id="log" class="log" role="log" aria-label="${escapeHtml(title)}"><ol id="messages" class="messages"></ol></div>`,
    `        <p id="empty" class="hint">${escapeHtml(empty)}</p>`,
    '        <p id="typing" class="typing" aria-live="polite"></p>',
  ].join('\n');
}

/** The page's body with the shared parts it asks for. */
function fillIn(body: string, head: PageHead): string {
  let filled = body;
  if (head.customer) filled = filled.replace('      <!-- customer fields -->', customerFieldsHtml(head.customer));
  if (head.thread) filled = filled.replace('        <!-- customer thread -->', threadHtml(head.thread));
  return filled;
}

/** A whole page: the shared head (simulators' look and strip) around the page's own body (its .html file). */
export function simulatorHtml(head: PageHead, body: string): string {
  const styles = ['/simulators/customer.css', '/simulators/nav.css', ...head.styles].map((href) => `    <link rel="stylesheet" href="${href}" />`);
  return [
    '<!doctype html>', '<html lang="pt-BR">', '  <head>', '    <meta charset="utf-8" />',
    '    <meta name="viewport" content="width=device-width, initial-scale=1" />', `    <title>${escapeHtml(head.title)} — Atende</title>`,
    ...styles, `    <script type="module" src="${head.script}"></script>`, '    <script type="module" src="/simulators/nav.js"></script>',
    '  </head>', '  <body>', `    <nav id="simulators" data-current="${head.current}" aria-label="Simuladores"></nav>`,
    fillIn(body, head).trimEnd(), '  </body>', '</html>', '',
  ].join('\n');
}
