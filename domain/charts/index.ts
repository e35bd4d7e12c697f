/** Server-rendered, accessible SVG charts (no scripts, no external fonts or tiles), each with its data table. */
export { escapeXml, formatNumber, niceTicks } from './common';
export type { Chart, ChartLang, ChartTable, Series } from './common';
export { barChart } from './bar';
export type { BarChartInput } from './bar';
export { lineChart } from './line';
export type { ChartBand, LineChartInput } from './line';
export { unitMap, BAND_CATEGORIES } from './map';
export type { MapCategory, MapPoint, MarkShape, UnitMapInput } from './map';
