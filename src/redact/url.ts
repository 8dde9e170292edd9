// Credentials inside URLs and connection strings: the user-information part
// (`https://user:pass@host`, `postgres://u:p@db/x`), query and fragment parameters whose names
// say they carry a secret (`?token=`, `&api_key=`, `&sig=`, `X-Amz-Signature=` …) and libpq's
// `password=` keyword. Found by pattern, so they are hidden even when nothing told drctl the
// value is secret.

export const SENSITIVE_VALUE = '(sensitive value)';

// The authority's user information: everything up to the last "@" before the path, query or
// fragment (greedy, so a raw "@" in a password still ends at the separator, as URL parsers do).
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>\\]*)@/gi;

// A parameter whose name holds one of these words carries a credential.
const SECRET_PARAM_WORDS = 'token|key|secret|passw|pwd|passphrase|sig|credential|auth|session';
const PARAM = new RegExp(`([?&;#])([^=&#\\s"'<>;]*(?:${SECRET_PARAM_WORDS})[^=&#\\s"'<>;]*)=([^&#\\s"'<>;\\\\]*)`, 'gi');

// libpq's keyword form: `host=db user=drctl password=…`.
const KEYWORD = /(^|\s)((?:ssl)?password)=('(?:[^'\\]|\\.)*'|[^\s'"\\]+)/gi;

/** Cheap test before the patterns run: most text has no URL and no parameter. */
function mayHold(text: string): boolean {
  return text.includes('@') || text.includes('=');
}

/** `text` with every URL credential replaced by "(sensitive value)". */
export function redactUrlCredentials(text: string): string {
  if (!mayHold(text)) return text;
  let out = text;
  if (out.includes('@'))
    out = out.replace(USERINFO, (_m, scheme: string, info: string) => {
      const colon = info.indexOf(':');
      // A user name alone may itself be a token (https://TOKEN@host): hide it too.
      return colon < 0 ? `${scheme}${SENSITIVE_VALUE}@` : `${scheme}${info.slice(0, colon)}:${SENSITIVE_VALUE}@`;
    });
  if (out.includes('=')) {
    // A value already hidden is left as it is, so redacting twice changes nothing.
    const hidden = (whole: string, at: number) => whole.startsWith(SENSITIVE_VALUE, at);
    out = out.replace(PARAM, (m, sep: string, name: string, value: string, at: number, whole: string) =>
      value === '' || hidden(whole, at + sep.length + name.length + 1) ? m : `${sep}${name}=${SENSITIVE_VALUE}`,
    );
    out = out.replace(KEYWORD, (m, lead: string, name: string, _v: string, at: number, whole: string) =>
      hidden(whole, at + lead.length + name.length + 1) ? m : `${lead}${name}=${SENSITIVE_VALUE}`,
    );
  }
  return out;
}

/** Whether `text` holds a URL credential (a user-information part or a secret parameter). */
export function hasUrlCredentials(text: string): boolean {
  return redactUrlCredentials(text) !== text;
}

/**
 * The credentials inside `text` as they are written: user names, passwords and secret parameter
 * values, each also percent-decoded. A redactor that learns them finds them anywhere, not only
 * where a pattern points (in a message that quotes the password alone, say).
 */
export function urlCredentials(text: string): string[] {
  if (!mayHold(text)) return [];
  const found = new Set<string>();
  const add = (s: string | undefined) => {
    if (!s) return;
    found.add(s);
    try {
      const decoded = decodeURIComponent(s);
      if (decoded) found.add(decoded);
    } catch {
      // not percent-encoded
    }
  };
  for (const m of text.matchAll(USERINFO)) {
    const info = m[2];
    const colon = info.indexOf(':');
    if (colon < 0) add(info);
    else add(info.slice(colon + 1));
  }
  for (const m of text.matchAll(PARAM)) add(m[3]);
  for (const m of text.matchAll(KEYWORD)) add(m[3].replace(/^'|'$/g, ''));
  return [...found];
}
