/** Human-readable sizes the way restic prints them (1024-based, three decimals). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${goFixed3(value)} ${units[unit]}`;
}

/** Go's %.3f: a value exactly halfway between two results rounds to the even one (3.3125 → 3.312), as toFixed does not. */
function goFixed3(value: number): string {
  const scaled = value * 1000;
  if (scaled - Math.floor(scaled) === 0.5 && Math.floor(scaled) % 2 === 0) return (Math.floor(scaled) / 1000).toFixed(3);
  return value.toFixed(3);
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** "2026-11-25 10:00:00" in the local time zone, from an RFC 3339 time. */
export function formatLocalTime(goTime: string): string {
  const d = new Date(goTime.replace(/\.(\d{3})\d*/, '.$1'));
  if (Number.isNaN(d.getTime())) return goTime;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = '-'.repeat(Math.max(1, line(headers).length));
  return [line(headers), rule, ...rows.map(line), rule].join('\n');
}

/** Go's FileMode.String(): type letters ("dalTLDpSugct?" for the type bits that are set, else "-"), then rwxrwxrwx. */
export function formatGoMode(mode: number): string {
  const letters = 'dalTLDpSugct?';
  let out = '';
  for (let i = 0; i < letters.length; i++) if (mode & (2 ** (31 - i))) out += letters[i];
  if (out === '') out = '-';
  const rwx = 'rwxrwxrwx';
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? rwx[i] : '-';
  return out;
}
