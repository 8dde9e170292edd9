// Where a notification may post: http(s) only, and never to a link-local or cloud metadata
// address (169.254.169.254 and friends answer with the machine's cloud credentials) unless the
// notification says `allow_link_local = true`. validate checks the URL as written; delivery
// checks it again, and every address its host name resolves to (lifecycle/notify.ts).

/** Host names of cloud metadata services. */
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** Single addresses of metadata services outside the link-local ranges. */
const METADATA_ADDRESSES: Readonly<Record<string, string>> = {
  '100.100.100.200': 'the Alibaba Cloud metadata service',
  'fd00:ec2:0:0:0:0:0:254': 'the AWS metadata service over IPv6',
};

function ipv4Parts(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** An IPv6 address as its eight 16-bit groups (an embedded IPv4 tail included), or undefined. */
function ipv6Groups(s: string): number[] | undefined {
  let text = s.replace(/^\[|\]$/g, '').toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return undefined;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = ipv4Parts(tail[1]);
    if (!v4) return undefined;
    text = text.slice(0, -tail[1].length) + `${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === '' ? [] : h.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 2 ? fill < 1 : fill !== 0) || [...head, ...rest].some(Number.isNaN)) return undefined;
  return [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest];
}

/** Why an IP address is refused as a webhook target, as a phrase ("a link-local address, …"), or undefined. */
export function refusedAddress(address: string): string | undefined {
  const v4 = ipv4Parts(address);
  if (v4) {
    if (v4[0] === 169 && v4[1] === 254) return 'a link-local address, where cloud metadata services answer';
    return METADATA_ADDRESSES[address];
  }
  const g = ipv6Groups(address);
  if (!g) return undefined;
  if ((g[0] & 0xffc0) === 0xfe80) return 'a link-local IPv6 address';
  const known = METADATA_ADDRESSES[g.map((x) => x.toString(16)).join(':')];
  if (known) return known;
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) forms of a refused IPv4 address.
  const embedsV4 =
    (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) || (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0));
  if (embedsV4) {
    const v4text = `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
    const inner = refusedAddress(v4text);
    if (inner) return `${v4text} in IPv6 form, ${inner}`;
  }
  return undefined;
}

/** Why a host (a name or an address, as a URL's hostname) is refused as a webhook target, as a phrase, or undefined. */
export function refusedHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (METADATA_NAMES.has(host)) return 'the name of a cloud metadata service';
  return refusedAddress(host.replace(/^\[|\]$/g, ''));
}

export interface WebhookProblem {
  readonly summary: string;
  readonly detail: string;
}

/**
 * What is wrong with `url` as a webhook target, or undefined. `shown` names the URL in the
 * message (`"https://…" of notification "ops"`, or "(sensitive value)" for a sensitive one).
 */
export function webhookProblem(url: string, allowLinkLocal: boolean, shown = `"${url}"`): WebhookProblem | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { summary: 'Invalid webhook URL', detail: `The webhook ${shown} is not an http:// or https:// URL.` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return { summary: 'Invalid webhook URL', detail: `The webhook ${shown} is not an http:// or https:// URL.` };
  }
  const refused = allowLinkLocal ? undefined : refusedHost(u.hostname);
  if (refused) {
    return {
      summary: 'Webhook address refused',
      detail: `The webhook ${shown} posts to ${u.hostname}, ${refused}: a request there can read the machine's cloud credentials. If this really is your notification endpoint, set allow_link_local = true in the notification block.`,
    };
  }
  return undefined;
}
