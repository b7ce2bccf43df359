import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generalVerify } from 'jose';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { eventBody, exchangeFor, isPublishedEvent, routingKeyFor, signEvent } from '../../src/events/event-envelope.js';
import { redactAmqpUrl } from '../../src/events/rabbitmq-publisher.js';

const user = { uid: 'ID0000000001', username: null, email: 'a@example.com', referral_uid: null };

describe('Event API routing (reference §15.1)', () => {
  it('sends an event to barong.events.<category> with the rest of its name as routing key', () => {
    expect(exchangeFor('system.user.password.reset.token')).toBe('barong.events.system');
    expect(routingKeyFor('system.user.password.reset.token')).toBe('user.password.reset.token');
    expect(exchangeFor('model.user.created')).toBe('barong.events.model');
    expect(routingKeyFor('model.user.created')).toBe('user.created');
  });

  it('publishes Barong’s categories only, never internal events', () => {
    expect(isPublishedEvent('system.session.create')).toBe(true);
    expect(isPublishedEvent('model.label.updated')).toBe(true);
    expect(isPublishedEvent('internal.phone.code.requested')).toBe(false);
    expect(isPublishedEvent('system')).toBe(false);
  });
});

describe('eventBody', () => {
  it('adds the name; model events drop null fields of record and changes, one level deep', () => {
    const body = eventBody('model.label.updated', {
      record: { id: 1, key: 'email', value: 'verified', description: null, user },
      changes: { value: 'pending', description: null },
    });
    expect(body).toEqual({
      record: { id: 1, key: 'email', value: 'verified', user },
      changes: { value: 'pending' },
      name: 'model.label.updated',
    });
    expect(Object.keys(body)).toEqual(['record', 'changes', 'name']);
  });

  it('leaves system events as emitted', () => {
    const payload = { record: { user, domain: 'https://x.test', token: 't' } };
    expect(eventBody('system.user.email.confirmation.token', payload)).toEqual({
      ...payload,
      name: 'system.user.email.confirmation.token',
    });
  });
});

describe('signEvent', () => {
  it('makes jwt-multisig’s general JWS: protected alg, unprotected kid barong, Barong’s claims', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = new Date('2026-01-02T03:04:05Z');
    const jws = await signEvent(
      { record: {}, name: 'system.session.create' },
      { privateKey, alg: 'RS256' },
      { jti: 'j-1', now },
    );
    expect(Object.keys(jws)).toEqual(['payload', 'signatures']);
    expect(JSON.parse(Buffer.from(jws.signatures[0]!.protected!, 'base64url').toString())).toEqual({ alg: 'RS256' });
    expect(jws.signatures[0]!.header).toEqual({ kid: 'barong' });
    const { payload } = await generalVerify(jws, publicKey);
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
      iss: 'barong',
      jti: 'j-1',
      iat: 1767323045,
      exp: 1767323045 + 3600,
      event: { record: {}, name: 'system.session.create' },
    });
  });
});

describe('Event API settings', () => {
  it('is off unless a RabbitMQ URL or host is set', () => {
    const config = loadConfig({});
    expect(config.eventApi.enabled).toBe(false);
    expect(config.eventApi.url).toBe('amqp://guest:guest@localhost:5672');
  });

  it('is on with EVENT_API_RABBITMQ_URL, which wins over the host settings', () => {
    const config = loadConfig({
      EVENT_API_RABBITMQ_URL: 'amqp://u:p@mq:5673/vh',
      BARONG_EVENT_API_RABBITMQ_HOST: 'other',
    });
    expect(config.eventApi).toMatchObject({ enabled: true, url: 'amqp://u:p@mq:5673/vh' });
  });

  it('is on with Barong’s host settings (either spelling), credentials URL-encoded', () => {
    const config = loadConfig({
      BARONG_EVENT_API_RABBITMQ_HOST: 'rmq',
      BARONG_EVENT_API_RABBITMQ_PORT: '5674',
      BARONG_EVENT_API_RABBITMQ_USERNAME: 'barong',
      BARONG_EVENT_API_RABBITMQ_PASSWORD: 'p@ss/word',
    });
    expect(config.eventApi).toMatchObject({ enabled: true, url: 'amqp://barong:p%40ss%2Fword@rmq:5674' });
    expect(loadConfig({ EVENT_API_RABBITMQ_HOST: 'rmq' }).eventApi).toMatchObject({
      enabled: true,
      url: 'amqp://guest:guest@rmq:5672',
    });
  });

  it('refuses a URL that is not amqp(s)', () => {
    expect(() => loadConfig({ EVENT_API_RABBITMQ_URL: 'http://mq:5672' })).toThrow(ConfigError);
  });

  it('never logs the password', () => {
    expect(redactAmqpUrl('amqp://barong:secret@rmq:5672')).toBe('amqp://barong:***@rmq:5672');
  });
});
