// History routing: the server answers every client path with index.html.
import { html, useEffect, useState } from './html.js';

const listeners = new Set();

function notify() {
  listeners.forEach((fn) => fn(location.pathname));
}

window.addEventListener('popstate', notify);

export function navigate(path, { replace = false } = {}) {
  if (!replace && path === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', path);
  notify();
}

/** The current path, re-rendering the caller when it changes. */
export function useRoute() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    listeners.add(setPath);
    return () => listeners.delete(setPath);
  }, []);
  return path;
}

/** An <a> that navigates inside the app; modified clicks keep their usual meaning. */
export function Link({ href, children, ...rest }) {
  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return html`<a href=${href} onClick=${onClick} ...${rest}>${children}</a>`;
}
