import { maskText } from './pii';

/**
 * Query parameters whose values say nothing about anyone (formats, paging, filters by stage or
 * unit code): kept in logs and spans. Every other value is `[redacted]`: a search by name or phone
 * (the PIPL export, `q=`), an Open311 `api_key`, a verification code.
 */
const PLAIN_PARAMS = new Set([
  'format',
  'lang',
  'locale',
  'page',
  'limit',
  'offset',
  'cursor',
  'stage',
  'level',
  'status',
  'kind',
  'sort',
  'view',
  'download',
  'done',
]);

/**
 * A request URL as logs and spans may hold it: the bearer tokens of the parties' links (`/p/<token>`,
 * `/p/sign/<token>`, `/p/status/<token>`, valid for days) replaced by `[redacted]`, query values
 * redacted but for PLAIN_PARAMS, and what is left masked like any log text (phones, ID numbers).
 */
export function safeRequestUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(
    /^(\/p\/(?:sign\/|status\/)?)(?!(?:login|report|case|logout|sign|status|static|code|confirm|refuse)(?:[/?#]|$))[^/?#]+/,
    '$1[redacted]',
  );
  if (q < 0) return maskText(path);
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq < 0 || PLAIN_PARAMS.has(name.toLowerCase()) ? pair : `${name}=[redacted]`;
    })
    .join('&');
  return maskText(`${path}?${query}`);
}
