import { describe, expect, it } from 'vitest';
import {
  loadMailTemplates,
  MailRenderError,
  renderMail,
  resolveLanguage,
  type RenderOptions,
} from '../../jobs/mail/render.js';
import type { MailJob, MailTemplate } from '../../src/queues/mail-queue.js';

const options: RenderOptions = {
  domain: 'https://auth.example.com/',
  appName: 'Barong',
  logoLink: null,
  defaultLanguage: 'en',
};
const job = (template: MailTemplate, data: MailJob['data'], language: string | null = 'en') => ({
  template,
  data,
  language,
});

const DATA: Record<MailTemplate, MailJob['data']> = {
  email_confirmation: { token: 'tok' },
  password_reset: { token: 'tok' },
  password_changed: {},
  new_login: { ip: '203.0.113.7', userAgent: 'Firefox' },
  label_changed: { labelKey: 'document', labelValue: 'verified', level: 3, state: 'active' },
};

describe('mail templates', () => {
  it('has English and Russian for every template', () => {
    const languages = loadMailTemplates();
    for (const template of Object.keys(DATA)) expect(languages[template]).toEqual(['en', 'ru']);
  });

  it.each(Object.entries(DATA))('renders %s in both languages with a subject, HTML and text', (template, data) => {
    for (const language of ['en', 'ru']) {
      const mail = renderMail(job(template as MailTemplate, data, language), options);
      expect(mail.subject).not.toBe('');
      expect(mail.html).toMatch(new RegExp(`^<!DOCTYPE html>\\n<html lang="${language}">`));
      expect(mail.text).toContain('Barong');
    }
  });
});

describe('renderMail', () => {
  it('builds links on the configured domain, without a doubled slash', () => {
    const confirm = renderMail(job('email_confirmation', { token: 'abc.def' }), options);
    expect(confirm.text).toContain('https://auth.example.com/accounts/confirmation?confirmation_token=abc.def&lang=en');
    expect(confirm.html).toContain(
      'href="https://auth.example.com/accounts/confirmation?confirmation_token=abc.def&amp;lang=en"',
    );

    const reset = renderMail(job('password_reset', { token: 'r1' }, 'ru'), options);
    expect(reset.subject).toBe('Сброс пароля');
    expect(reset.text).toContain('https://auth.example.com/accounts/password_reset?reset_token=r1&lang=ru');
  });

  it('URL-encodes link values', () => {
    const mail = renderMail(job('password_reset', { token: 'a&b=c d' }), options);
    expect(mail.text).toContain('reset_token=a%26b%3Dc%20d&lang=en');
  });

  it('HTML-escapes values in the HTML part only', () => {
    const data = { ip: '203.0.113.7', userAgent: '<script>alert("x")</script>' };
    const mail = renderMail(job('new_login', data), { ...options, appName: 'A&B' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.html).toContain('A&amp;B');
    expect(mail.text).toContain('Browser:    <script>alert("x")</script>');
    expect(mail.text).toContain('203.0.113.7');
  });

  it('shows label, level and state in label_changed', () => {
    const mail = renderMail(job('label_changed', DATA.label_changed), options);
    expect(mail.subject).toBe('Label Updated');
    expect(mail.text).toMatch(/document: verified[\s\S]*level: 3[\s\S]*state: active/);
  });

  it('shows the logo when configured, the app name otherwise', () => {
    const withLogo = renderMail(job('password_changed', {}), {
      ...options,
      logoLink: 'https://cdn.example.com/logo.png',
    });
    expect(withLogo.html).toContain('<img src="https://cdn.example.com/logo.png" alt="Barong"');
    expect(renderMail(job('password_changed', {}), options).html).not.toContain('<img');
  });

  it('does not let job data replace the domain', () => {
    const mail = renderMail(job('email_confirmation', { token: 't', domain: 'https://evil.example' }), options);
    expect(mail.text).not.toContain('evil');
  });

  it('fails with MailRenderError when a field is missing', () => {
    expect(() => renderMail(job('email_confirmation', {}), options)).toThrow(MailRenderError);
    expect(() => renderMail(job('new_login', { ip: '203.0.113.7' }), options)).toThrow(/userAgent/);
  });
});

describe('resolveLanguage', () => {
  it('is case-insensitive and understands region tags', () => {
    for (const language of ['RU', 'ru', 'Ru', ' ru ', 'ru-RU'])
      expect(resolveLanguage('email_confirmation', language, 'en')).toBe('ru');
  });

  it('falls back to the default language, then English', () => {
    expect(resolveLanguage('email_confirmation', 'de', 'ru')).toBe('ru');
    expect(resolveLanguage('email_confirmation', 'de', 'RU')).toBe('ru');
    expect(resolveLanguage('email_confirmation', null, 'ru')).toBe('ru');
    expect(resolveLanguage('email_confirmation', undefined, 'de')).toBe('en');
  });

  it('rejects an unknown template', () => {
    expect(() => resolveLanguage('nope' as MailTemplate, 'en', 'en')).toThrow(MailRenderError);
  });
});
