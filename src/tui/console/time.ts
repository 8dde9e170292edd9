// Times as the console shows them: relative ("3 min ago") with the local clock time beside it,
// so an operator reads at a glance how fresh a reading or a run is. Pure: the clock comes in.

/** "just now", "42 s ago", "3 min ago", "5 h ago", "2 days ago"; "in the future" for a clock that ran ahead. */
export function relativeTime(at: Date, now: Date): string {
  const s = Math.round((now.getTime() - at.getTime()) / 1000);
  if (s < -5) return 'in the future';
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The local time: "14:35" today, else "2025-01-01 03:00". */
export function localTime(at: Date, now: Date): string {
  const hm = `${two(at.getHours())}:${two(at.getMinutes())}`;
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  return sameDay ? hm : `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${hm}`;
}

/** "3 min ago (14:35)"; the text as it is when it is not a time. */
export function whenText(iso: string | undefined, now: Date): string | undefined {
  if (iso === undefined) return undefined;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${relativeTime(at, now)} (${localTime(at, now)})`;
}
