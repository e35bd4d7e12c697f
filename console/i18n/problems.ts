/** problems: Chinese first; English is the translation. */

export const zh = {};

export const en: typeof zh = {};
