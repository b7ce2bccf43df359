/**
 * The development inbox as HTML: every value escaped, mail shown as text with its http(s) links clickable, no
 * script. A confirmation or reset link in a mail points at the front end (BARONG_DOMAIN), which a newcomer may not
 * run, so beside the mail the page offers the same step as a plain form posting the token to this server's own API.
 */
import type { DevInboxEntry } from '../../lib/dev-inbox.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Runs on escaped text, so a link stops before an escaped quote or bracket. */
const ESCAPED_LINK = /https?:\/\/(?:(?!&quot;|&#39;|&lt;|&gt;)[^\s])+/g;

function linkify(text: string): string {
  return escapeHtml(text).replace(ESCAPED_LINK, (url) => `<a href="${url}" rel="noreferrer">${url}</a>`);
}

/** The first value of a query parameter named in the text (Barong's mail links), decoded. */
export function tokenIn(text: string, name: string): string | undefined {
  const match = new RegExp(`[?&]${name}=([^&\\s"'<>]+)`).exec(text);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}

function actions(entry: DevInboxEntry, apiBase: string): string {
  if (entry.kind !== 'mail') return '';
  const confirmation = tokenIn(entry.text, 'confirmation_token');
  const reset = tokenIn(entry.text, 'reset_token');
  const forms: string[] = [];
  if (confirmation)
    forms.push(`<form method="post" action="${escapeHtml(`${apiBase}/identity/users/email/confirm_code`)}">
<input type="hidden" name="token" value="${escapeHtml(confirmation)}"><button>Confirm this e-mail</button></form>`);
  if (reset)
    forms.push(`<form method="post" action="${escapeHtml(`${apiBase}/identity/users/password/confirm_code`)}">
<input type="hidden" name="reset_password_token" value="${escapeHtml(reset)}">
<input type="password" name="password" placeholder="new password" autocomplete="new-password" required>
<input type="password" name="confirm_password" placeholder="again" autocomplete="new-password" required>
<button>Set the new password</button></form>`);
  return forms.join('\n');
}

function entryHtml(entry: DevInboxEntry, apiBase: string): string {
  const when = escapeHtml(entry.receivedAt);
  if (entry.kind === 'sms')
    return `<article class="sms"><h2>SMS to ${escapeHtml(entry.to)} <small>${when}</small></h2>
<p>Code: <code class="code">${escapeHtml(entry.code)}</code></p><pre>${escapeHtml(entry.text)}</pre></article>`;
  return `<article class="mail"><h2>${escapeHtml(entry.subject)} <small>${when}</small></h2>
<p>From ${escapeHtml(entry.from)} to ${escapeHtml(entry.to)}</p>
${actions(entry, apiBase)}
<pre>${linkify(entry.text)}</pre></article>`;
}

export function renderDevInboxPage(entries: DevInboxEntry[], apiBase: string): string {
  const body = entries.length
    ? entries.map((e) => entryHtml(e, apiBase)).join('\n')
    : '<p>Nothing yet. Mail (when no BARONG_SMTP_HOST is set) and the codes of the mock SMS provider land here.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Barong development inbox</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}article{border-top:1px solid #ccc;padding:.5rem 0}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}small{color:#666;font-weight:normal}.code{font-size:1.5rem}form{margin:.5rem 0}</style>
</head><body><h1>Development inbox</h1>
<p>Newest first, the last 200 for a day. Only this machine sees this page; production has none. <a href="">Reload</a> ·
<a href="inbox.json">JSON</a></p>
${body}
</body></html>`;
}
