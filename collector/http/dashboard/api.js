// Calls to the collector's JSON API. With API tokens (README "Security") the first 401 asks for
// one; it is kept for this browser session only and sent with every call.
const TOKEN_KEY = 'hopwatch.apiToken';
const REFUSED = { 401: 'an API token is needed: reload the page to enter one', 403: 'not in this token\'s scope' };
/** The page asks once; calls refused meanwhile wait for the answer and try again with it. */
let asking;

function askForToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  const entered = window.prompt('This collector needs an API token (hopwatch tokens create):');
  if (entered && entered.trim()) sessionStorage.setItem(TOKEN_KEY, entered.trim());
}

async function call(path) {
  for (let retried = false; ; retried = true) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const res = await fetch(path, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    if (res.status === 401 && !retried) {
      asking ??= Promise.resolve().then(askForToken);
      await asking;
      if (sessionStorage.getItem(TOKEN_KEY)) continue;
    }
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new Error(REFUSED[res.status] ?? body.message ?? `${path}: ${res.status}`);
    }
    return res;
  }
}

export const get = async (path) => (await call(path)).json();
export const getText = async (path) => (await call(path)).text();

/** A path with query parameters, leaving out empty ones. */
export function url(path, params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  return q.size ? `${path}?${q}` : path;
}
