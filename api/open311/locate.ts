/**
 * Where an Open311 report arose, when the client gives no `address_id` (most GeoReport clients send
 * only a map point or an address line): the nearest grid of the directory within a radius, else the
 * nearest community, for `lat`/`long`; a grid or community named in `address_string` (by its name,
 * its name without 网格/社区/小区, or one of its aliases), for an address. Ambiguous or unknown
 * places are not guessed: the caller answers the spec's 400 with a pick-list of codes.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

/** Default radius around a map point within which a grid or community takes the report (metres). */
export const DEFAULT_NEAREST_METRES = 1500;

export type Located = { code: string; by: 'address_id' | 'lat/long' | 'address_string' };
export type NotLocated = { problem: string; pickList: Array<{ code: string; name: string }> };

interface UnitPlace {
  code: string;
  name: string;
  level: 'grid' | 'community';
  path: string;
  latitude: number | null;
  longitude: number | null;
  aliases: string[] | null;
}

const EARTH_METRES = 6_371_000;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine): exact enough at a city's scale. */
export function metresBetween(a: { lat: number; long: number }, b: { lat: number; long: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLong = rad(b.long - a.long);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLong / 2) ** 2;
  return 2 * EARTH_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** `lat`/`long` as the spec sends them (decimal degrees in strings), or why they are not a point. */
export function parsePoint(lat?: string, long?: string): { lat: number; long: number } | string | undefined {
  if (lat === undefined && long === undefined) return undefined;
  if (lat === undefined || long === undefined) return 'lat 与 long 须同时提供 / lat and long go together';
  const point = { lat: Number(lat), long: Number(long) };
  const decimal = /^\s*-?\d{1,3}(\.\d{1,12})?\s*$/;
  if (!decimal.test(lat) || !decimal.test(long) || Math.abs(point.lat) > 90 || Math.abs(point.long) > 180)
    return 'lat/long 须为十进制经纬度 / lat and long must be decimal degrees (-90..90, -180..180)';
  return point;
}

// Grids and communities of the region tree only: a map point or an address is never a county's centre.
const PLACES_SQL = `select code, name, level, path, latitude, longitude, aliases from units
  where kind = 'region' and level in ('grid', 'community')`;

/** The nearest grid within `radius` metres, else the nearest community within it. */
export async function nearestUnit(
  em: EntityManager,
  point: { lat: number; long: number },
  radius: number,
): Promise<string | undefined> {
  // A box around the point first (one degree of latitude is ~111 km), then exact distances.
  const dLat = radius / 111_000;
  const dLong = radius / (111_000 * Math.max(0.01, Math.cos(rad(point.lat))));
  const rows = await em.execute<UnitPlace[]>(
    `${PLACES_SQL} and latitude between ? and ? and longitude between ? and ?`,
    [point.lat - dLat, point.lat + dLat, point.long - dLong, point.long + dLong],
  );
  const within = rows
    .map((u) => ({ u, d: metresBetween(point, { lat: u.latitude!, long: u.longitude! }) }))
    .filter((x) => x.d <= radius)
    .sort((a, b) => a.d - b.d);
  return (within.find((x) => x.u.level === 'grid') ?? within[0])?.u.code;
}

/** A place name without the suffix of its kind: 桃李网格 → 桃李, 渔父祠社区 → 渔父祠. */
const stem = (name: string) => name.replace(/(社区|网格|小区|居委会|村委会|村)$/u, '');

/**
 * The grid or community an address names. Full names and aliases first, then stems (at least two
 * characters); among the matches, those on one branch give the deepest (the grid inside the
 * community); matches on different branches are ambiguous (undefined, with the candidates).
 */
export async function unitNamedIn(
  em: EntityManager,
  address: string,
): Promise<{ code?: string; candidates: UnitPlace[] }> {
  const units = await em.execute<UnitPlace[]>(PLACES_SQL);
  // The city, counties and streets named first are taken out: 穿紫河街道 must not read as 河街.
  const above = await em.execute<Array<{ name: string }>>(
    `select name from units where level in ('city', 'county', 'street') order by length(name) desc`,
  );
  let text = address.normalize('NFKC').replace(/\s+/g, '');
  for (const { name } of above) if (name.length >= 2) text = text.split(name).join('|');
  const names = (u: UnitPlace) => [u.name, ...(u.aliases ?? [])];
  let found = units.filter((u) => names(u).some((n) => n.length >= 2 && text.includes(n)));
  if (found.length === 0)
    found = units.filter((u) => names(u).some((n) => stem(n).length >= 2 && text.includes(stem(n))));
  if (found.length === 0) return { candidates: [] };
  const deepest = found.reduce((a, b) => (b.path.length > a.path.length ? b : a));
  // One branch: every match is the deepest one or one of its ancestors.
  const oneBranch = found.every((u) => deepest.path.startsWith(u.path));
  return oneBranch ? { code: deepest.code, candidates: found } : { candidates: found };
}

/** The grids and communities a client may name as `address_id`, for the 400's hint (at most `max`). */
export async function pickList(em: EntityManager, max = 30): Promise<Array<{ code: string; name: string }>> {
  return em.execute(`${PLACES_SQL} order by path limit ?`, [max]);
}

/**
 * Where a report arose: `address_id` as given (reportCase checks it), else the map point, else the
 * address line; or what is missing, with the codes a client may choose from.
 */
export async function locateReport(
  em: EntityManager,
  form: { address_id?: string; lat?: string; long?: string; address_string?: string },
  radius: number,
): Promise<Located | NotLocated> {
  if (form.address_id) return { code: form.address_id, by: 'address_id' };
  const point = parsePoint(form.lat, form.long);
  const hints: string[] = [];
  if (typeof point === 'string') hints.push(point);
  else if (point) {
    const code = await nearestUnit(em, point, radius);
    if (code) return { code, by: 'lat/long' };
    hints.push(`lat/long ${radius} 米内没有网格或社区 / no grid or community within ${radius} m of lat/long`);
  }
  let candidates: UnitPlace[] = [];
  if (form.address_string?.trim()) {
    const named = await unitNamedIn(em, form.address_string);
    if (named.code) return { code: named.code, by: 'address_string' };
    candidates = named.candidates;
    hints.push(
      candidates.length > 1
        ? `address_string 指向多个单位 / address_string names several units: ${candidates.map((u) => u.code).join(', ')}`
        : 'address_string 无法识别为网格或社区 / address_string names no grid or community of the directory',
    );
  }
  const list = candidates.length > 1 ? candidates.map(({ code, name }) => ({ code, name })) : await pickList(em);
  const problem = [
    '缺少地点：请提供 address_id（网格或社区代码）、lat/long 或可识别的 address_string / a location is missing: address_id (grid or community code), lat/long or a recognisable address_string',
    ...hints,
    `address_id 可选 / address_id may be: ${list.map((u) => `${u.code}（${u.name}）`).join(', ')}`,
  ].join('; ');
  return { problem, pickList: list };
}
