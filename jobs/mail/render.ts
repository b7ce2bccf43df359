/**
 * Turns a mail job into subject, HTML and text. Templates sit beside this file as `<template>.<lang>.html` and
 * `.txt`, wrapped by `_layout.html` / `_layout.txt`; subjects are in `subjects.json`. Everything is read and
 * compiled once, on first use (or at start-up through loadMailTemplates, which also reports broken files early).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { MailJob, MailTemplate } from '../../src/queues/mail-queue.js';

export interface RenderOptions {
  /** Link prefix, scheme included (BARONG_DOMAIN, e.g. `https://example.com`). */
  domain: string;
  appName: string;
  logoLink?: string | null;
  defaultLanguage: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** A job that can never render (missing data, unknown template): retrying it cannot help. */
export class MailRenderError extends Error {
  override name = 'MailRenderError';
}

type Compiled = Handlebars.TemplateDelegate;
interface Variant {
  subject: Compiled;
  html: Compiled;
  text: Compiled;
}
/** template → language → compiled variant */
type Catalogue = Map<string, Map<string, Variant>>;

const TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));
const FILE_NAME = /^([a-z_]+)\.([a-z]{2,3}(?:-[a-z0-9]+)?)\.(html|txt)$/;
// strict: a field the template uses but the job lacks fails the job instead of sending a mail with a hole in it.
const COMPILE_OPTIONS = { strict: true } as const;

function environment(layout: string, escape: boolean): typeof Handlebars {
  const hbs = Handlebars.create();
  hbs.registerPartial('layout', hbs.compile(layout, { ...COMPILE_OPTIONS, noEscape: !escape }));
  hbs.registerHelper('url', (value: unknown) => {
    if (value === undefined || value === null || value === '') throw new MailRenderError('a link is missing its value');
    return encodeURIComponent(String(value));
  });
  return hbs;
}

function load(dir: string): Catalogue {
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  const htmlEnv = environment(read('_layout.html'), true);
  // Text parts and subjects are not HTML: no escaping, or `&` in a link would reach the reader as `&amp;`.
  const textEnv = environment(read('_layout.txt'), false);
  const subjects = JSON.parse(read('subjects.json')) as Record<string, Record<string, string>>;

  const files = new Map<string, string>();
  for (const file of readdirSync(dir)) if (FILE_NAME.test(file)) files.set(file, read(file));

  const catalogue: Catalogue = new Map();
  const problems: string[] = [];
  for (const file of files.keys()) {
    const [, template, lang, kind] = FILE_NAME.exec(file) ?? [];
    if (!template || !lang || kind !== 'html') continue;
    const text = files.get(`${template}.${lang}.txt`);
    const subject = subjects[lang]?.[template];
    if (text === undefined) problems.push(`${template}.${lang}.txt is missing`);
    if (subject === undefined) problems.push(`subjects.json has no ${lang}.${template}`);
    if (text === undefined || subject === undefined) continue;
    const variants = catalogue.get(template) ?? new Map<string, Variant>();
    variants.set(lang, {
      subject: textEnv.compile(subject, { ...COMPILE_OPTIONS, noEscape: true }),
      html: htmlEnv.compile(files.get(file) ?? '', COMPILE_OPTIONS),
      text: textEnv.compile(text, { ...COMPILE_OPTIONS, noEscape: true }),
    });
    catalogue.set(template, variants);
  }
  for (const file of files.keys()) {
    const [, template, lang, kind] = FILE_NAME.exec(file) ?? [];
    if (kind === 'txt' && !files.has(`${template}.${lang}.html`)) problems.push(`${template}.${lang}.html is missing`);
  }
  if (problems.length) throw new Error(`mail templates in ${dir}: ${problems.join('; ')}`);
  return catalogue;
}

let cached: Catalogue | undefined;
function catalogue(): Catalogue {
  return (cached ??= load(TEMPLATES_DIR));
}

/** Compiles every template now; returns the languages found per template (for the start-up log). */
export function loadMailTemplates(): Record<string, string[]> {
  return Object.fromEntries([...catalogue()].map(([name, variants]) => [name, [...variants.keys()].sort()]));
}

/**
 * The language a job is rendered in: its own, case-insensitively (`RU`, `ru-RU` → `ru`; Barong's mailer matched
 * case-sensitively and silently skipped, issue opendax#207), else the default language, else English.
 */
export function resolveLanguage(
  template: MailTemplate,
  language: string | null | undefined,
  defaultLanguage: string,
): string {
  const variants = catalogue().get(template);
  if (!variants) throw new MailRenderError(`no mail template named ${JSON.stringify(template)}`);
  const wanted = (language ?? '').trim().toLowerCase();
  const candidates = [wanted, wanted.split(/[-_]/)[0], defaultLanguage.trim().toLowerCase(), 'en'];
  const found = candidates.find((lang) => lang && variants.has(lang));
  if (!found) throw new MailRenderError(`mail template ${template} has no ${defaultLanguage} or en version`);
  return found;
}

export function renderMail(job: Pick<MailJob, 'template' | 'language' | 'data'>, options: RenderOptions): RenderedMail {
  const lang = resolveLanguage(job.template, job.language, options.defaultLanguage);
  const variant = catalogue().get(job.template)?.get(lang);
  if (!variant) throw new MailRenderError(`no mail template ${job.template}.${lang}`);
  // The fixed fields come last so job data cannot replace the link prefix.
  const context: Record<string, unknown> = {
    ...job.data,
    appName: options.appName,
    domain: options.domain.replace(/\/+$/, ''),
    logo: options.logoLink || null,
    lang,
  };
  try {
    context.subject = variant.subject(context).trim();
    return { subject: context.subject as string, html: variant.html(context), text: variant.text(context) };
  } catch (err) {
    if (err instanceof MailRenderError) throw err;
    // Handlebars' strict-mode message names the missing field, never a value.
    throw new MailRenderError(`cannot render ${job.template}.${lang}: ${(err as Error).message}`);
  }
}
