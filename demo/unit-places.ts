/**
 * Where the demo units are (WGS-84, plausible points in 武陵区 and 津市市; the communities are
 * fictional) and the other names residents give them, for Open311 reports that give only a map
 * point or an address (api/open311/locate.ts). Units above the street and the county's centres and
 * professional committees have none: a map point is routed to a grid or community only.
 */
export const DEMO_UNIT_PLACES: Record<string, { latitude: number; longitude: number; aliases?: string[] }> = {
  'wangjiaqiao-community': { latitude: 29.6195, longitude: 111.8812 },
  'wangjiaqiao-g1': { latitude: 29.6203, longitude: 111.8798, aliases: ['汪家桥一网格'] },
  'xindi-community': { latitude: 29.612, longitude: 111.8905 },
  'xindi-g1': { latitude: 29.6128, longitude: 111.8914 },
  'hejie-community': { latitude: 29.5995, longitude: 111.87 },
  'hejie-g1': { latitude: 29.599, longitude: 111.8689 },
  'yufuci-community': { latitude: 29.0405, longitude: 111.6962 },
  'yufuci-taoli': { latitude: 29.0419, longitude: 111.6979, aliases: ['桃李小区', '桃李苑'] },
};
