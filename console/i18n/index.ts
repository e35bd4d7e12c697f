/**
 * The console's words, Chinese first (the working language of the offices) with an English switch.
 * Codes the API uses (stages, actions, deadline and alert kinds, problem codes) map to labels here;
 * documents have their own labels in templates/labels.ts. One file per part of the console, so each
 * can be read (and translated) on its own; the dictionary is their union.
 */
import * as admin from './admin';
import * as alerts from './alerts';
import * as calendars from './calendars';
import * as kase from './case';
import * as core from './core';
import * as evidence from './evidence';
import * as forms from './forms';
import * as inbox from './inbox';
import * as lifecycle from './lifecycle';
import * as problems from './problems';
import * as stats from './stats';
import * as summons from './summons';

export const CONSOLE_LANGS = ['zh-CN', 'en'] as const;
export type ConsoleLang = (typeof CONSOLE_LANGS)[number];

const zh = {
  ...core.zh,
  ...lifecycle.zh,
  ...forms.zh,
  ...inbox.zh,
  ...kase.zh,
  ...alerts.zh,
  ...summons.zh,
  ...admin.zh,
  ...calendars.zh,
  ...evidence.zh,
  ...stats.zh,
  ...problems.zh,
};

type Dict = typeof zh;

const en: Dict = {
  ...core.en,
  ...lifecycle.en,
  ...forms.en,
  ...inbox.en,
  ...kase.en,
  ...alerts.en,
  ...summons.en,
  ...admin.en,
  ...calendars.en,
  ...evidence.en,
  ...stats.en,
  ...problems.en,
};

export const DICTS: Record<ConsoleLang, Dict> = { 'zh-CN': zh, en };

/** A dictionary phrase with its {placeholders} filled in. */
export function fill(phrase: string, vars: Record<string, string | number>): string {
  return phrase.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}
export type ConsoleDict = Dict;
