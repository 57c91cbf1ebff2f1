// @ts-check
/**
 * The simulators' strip (issue 11): links to every simulator page running now, the current one
 * marked. The page names itself in `<nav id="simulators" data-current="…">`; the Meta page's
 * current tab follows the address's #messenger / #instagram.
 */
(function () {
  'use strict';
  const nav = document.getElementById('simulators');
  if (!nav) return;
  const list = document.createElement('ul');
  nav.append(list);

  function current() {
    const hash = location.hash.replace('#', '');
    return nav?.dataset.current === 'meta' ? (hash === 'instagram' ? 'instagram' : 'messenger') : nav?.dataset.current || '';
  }

  /** @param {Array<{page: string, label: string, url: string}>} links */
  function draw(links) {
    list.replaceChildren();
    for (const link of links) {
      const item = document.createElement('li');
      const a = document.createElement('a');
      a.textContent = link.label;
      a.dataset.page = link.page;
      const meta = link.page === 'messenger' || link.page === 'instagram';
      a.href = `${link.url.replace(/\/+$/, '')}/${meta ? `#${link.page}` : ''}`;
      item.append(a);
      list.append(item);
    }
    mark();
  }

  function mark() {
    for (const a of list.querySelectorAll('a')) {
      if (a.dataset.page === current()) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  window.addEventListener('hashchange', mark);
  fetch('/simulators/links')
    .then((res) => (res.ok ? res.json() : { links: [] }))
    .then((answer) => draw(Array.isArray(answer.links) ? answer.links : []))
    .catch(() => {
      /* the strip is an aid: without it the page still works */
    });
})();
