// The session and the REST client shared by every part of the web app.
const ls = window.localStorage;

export const session = {
  token: ls.getItem('sb.token') || '',
  me: null, // GET /api/v1/me, with the caller's permission names
  onSignedOut: (_message) => {},
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function setToken(token) {
  session.token = token;
  if (token) ls.setItem('sb.token', token);
  else ls.removeItem('sb.token');
}

// POST /api/v1/auth/login for the sign-in forms (the inbox's and the simulator's):
// resolves with {token} or {error}, a sentence to show under the form.
export async function signIn(email, password) {
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const data = await res.json().catch(() => ({}));
  if (res.ok) return { token: data.token };
  return {
    error: data.error?.code === 'RATE_LIMITED'
      ? 'Too many attempts. Wait a moment and try again.' : 'Wrong email or password.',
  };
}

// One JSON call: resolves with the body, throws ApiError with the server's message.
export async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: {
      Authorization: `Bearer ${session.token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (res.status === 401) {
    session.onSignedOut(data?.error?.code === 'SESSION_EXPIRED' ? 'Your session expired. Please sign in again.' : '');
    throw new ApiError(401, data?.error?.code, 'signed out');
  }
  if (!res.ok) throw new ApiError(res.status, data?.error?.code, data?.error?.message || `HTTP ${res.status}`);
  return data;
}

// The permission names come from the server (GET /api/v1/me); they only hide
// controls: the server refuses anyway.
export const can = (perm) => Boolean(session.me?.permissions?.includes(perm));

// A file the server makes (a CSV export), saved under `filename`: fetched with the
// Bearer token, which a plain link cannot carry.
export async function download(path, filename) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${session.token}` } });
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    throw new ApiError(res.status, data?.error?.code, data?.error?.message || `HTTP ${res.status}`);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
