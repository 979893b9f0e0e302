import { describe, expect, it } from 'vitest';
import { parseBounceReport, readDeliveryStatus } from '../../../core/mail/bounce-report';
import { arf, dsn, plainBounce } from '../../helpers/reports';

const TO = 'bounces+1-00000000000000000000@bounces.example.test';
const parse = (raw: string) => parseBounceReport(Buffer.from(raw));

describe('parseBounceReport', () => {
  it('reads a hard bounce: Action failed, its status code and the folded diagnostic', async () => {
    const report = await parse(
      dsn({
        to: TO,
        action: 'failed',
        status: '5.1.1',
        diagnostic: '550 5.1.1 <someone@example.org>: Recipient address rejected: User unknown',
      }),
    );
    expect(report).toEqual({
      kind: 'delivery-status',
      outcome: 'failed',
      status: '5.1.1',
      diagnostic: 'smtp; 550 5.1.1 <someone@example.org>: Recipient address rejected: User unknown',
      messageId: '<dsn.failed.5.1.1@relay.example.net>',
    });
  });

  it('reads delayed and delivered reports as such', async () => {
    expect((await parse(dsn({ to: TO, action: 'delayed', status: '4.4.1' }))).outcome).toBe('delayed');
    expect((await parse(dsn({ to: TO, action: 'delivered', status: '2.0.0' }))).outcome).toBe('delivered');
  });

  it('takes Action over the status class: failed with a 4.x.x code (retries given up) is a failure', async () => {
    const report = await parse(dsn({ to: TO, action: 'failed', status: '4.4.7' }));
    expect(report).toMatchObject({ outcome: 'failed', status: '4.4.7' });
  });

  it('falls back to the status class only when there is no Action', async () => {
    expect((await parse(dsn({ to: TO, action: null, status: '5.2.2' }))).outcome).toBe('failed');
    expect((await parse(dsn({ to: TO, action: null, status: '4.2.2' }))).outcome).toBe('delayed');
    expect((await parse(dsn({ to: TO, action: null, status: null }))).outcome).toBe('unknown');
  });

  it('reads a feedback report as a complaint, and never the quoted notice', async () => {
    const report = await parse(arf(TO));
    expect(report).toEqual({
      kind: 'feedback',
      outcome: 'complaint',
      status: null,
      diagnostic: 'feedback-type: abuse',
      messageId: '<arf.1@isp.example>',
    });
    expect(JSON.stringify(report)).not.toContain('4242');
  });

  it('records a bounce without a delivery-status part as unknown, without guessing from its words', async () => {
    const report = await parse(plainBounce(TO));
    expect(report).toMatchObject({ kind: 'plain', outcome: 'unknown', status: null, diagnostic: null });
  });
});

describe('readDeliveryStatus', () => {
  it('answers the worst outcome of several recipient blocks', () => {
    const text = [
      'Reporting-MTA: dns; relay.example.net',
      '',
      'Final-Recipient: rfc822; a@example.org',
      'Action: delivered',
      'Status: 2.0.0',
      '',
      'Final-Recipient: rfc822; b@example.org',
      'Action: failed',
      'Status: 5.7.1',
      'Diagnostic-Code: smtp; 550 5.7.1 refused',
      '',
    ].join('\r\n');
    expect(readDeliveryStatus(text)).toEqual({
      outcome: 'failed',
      status: '5.7.1',
      diagnostic: 'smtp; 550 5.7.1 refused',
    });
  });

  it('does not read the per-message group as a recipient', () => {
    expect(readDeliveryStatus('Reporting-MTA: dns; x\r\nStatus: 5.0.0\r\n').outcome).toBe('unknown');
  });
});
