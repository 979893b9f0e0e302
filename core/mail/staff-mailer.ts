import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Config } from '../config';
import * as audit from '../db/audit';
import type { Incident } from '../db/incidents';
import type { Obligation } from '../db/obligations';
import type { Pool } from '../db/pool';
import { renderStaffAlert } from './render';
import type { StaffAlertKind } from './render';
import type { TemplateCache } from './template-cache';

export interface StaffAlert {
  kind: StaffAlertKind;
  incident: Incident;
  obligation: Obligation;
  /** The obligation waits on the notice's approval (the usual reason for a reminder). */
  waitsOnApproval: boolean;
  /** Figures the alert adds in plain words (a `codes_short` alert's counts). @default none */
  note?: string;
  /** For `forecast_late`: when the last notice is expected to go out, and what says so. @default none */
  forecastAt?: Date;
  forecastBy?: 'rate' | 'quotas';
}

/**
 * Sends reminders, escalations and overdue warnings to staff. Staff mail is low-volume, so it uses
 * nodemailer's ordinary transport; `sendOnce` skips an alert whose audit entry already exists.
 */
export class StaffMailer {
  private readonly transport: Transporter;

  constructor(
    private readonly pool: Pool,
    private readonly templates: TemplateCache,
    private readonly config: Readonly<Config>,
  ) {
    this.transport = nodemailer.createTransport(staffTransportOptions(config));
  }

  async sendOnce(key: string, to: string[], alert: StaffAlert): Promise<void> {
    if (to.length === 0 || (await audit.exists(this.pool, key))) return;
    const { version } = await this.templates.snapshotCurrent();
    const set = await this.templates.get(version);
    const mail = renderStaffAlert(set, {
      kind: alert.kind,
      incidentTitle: alert.incident.title,
      jurisdiction: alert.obligation.jurisdiction,
      audience: alert.obligation.audience,
      regime: alert.obligation.regime,
      citation: alert.obligation.citation,
      dueAt: alert.obligation.dueAt,
      waitsOnApproval: alert.waitsOnApproval,
      ...(alert.note ? { note: alert.note } : {}),
      ...(alert.forecastAt ? { forecastAt: alert.forecastAt, forecastBy: alert.forecastBy ?? 'rate' } : {}),
      incidentUrl: `${this.config.http.publicBaseUrl}/console/incidents/${alert.incident.id}`,
    });
    const domain = /@([^>\s]+)/.exec(this.config.mail.from)?.[1] ?? 'localhost';
    await this.transport.sendMail({
      from: this.config.mail.from,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<alert.${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`,
    });
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * The staff mail transport's options: the relay of SMTP_URL, with the same TLS requirement and
 * DKIM key as the notices (SMTP_REQUIRE_TLS, DKIM_*). Loopback relays allowed (the mail catcher).
 */
export function staffTransportOptions(config: Readonly<Config>): SMTPTransport.Options {
  return {
    url: config.mail.smtpUrl,
    requireTLS: config.mail.requireTls,
    ...(config.mail.dkim ? { dkim: config.mail.dkim } : {}),
    allowInternalNetworkInterfaces: true,
  } as SMTPTransport.Options;
}
