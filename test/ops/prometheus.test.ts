import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apiRegistry, workerRegistry } from '../../core/metrics';
import { repoRoot } from '../../scripts/lib/tools';
import { promtool } from '../helpers/prometheus';

/**
 * ops/prometheus and ops/grafana, checked by promtool: the rules load (`check rules`), each alert
 * fires and stays quiet as its unit tests say (`test rules alerts.test.yml`), the scrape
 * configuration loads (`check config`), every dashboard query parses, and every forthright_* name
 * the rules and the dashboard use is one core/metrics.ts defines.
 */

const ops = join(repoRoot, 'ops');
const dir = mkdtempSync(join(tmpdir(), 'forthright-prometheus-'));

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}
interface RuleTests {
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}
interface Dashboard {
  panels: { title: string; targets?: { expr: string }[] }[];
}

const rules = parse(readFileSync(join(ops, 'prometheus', 'alerts.yml'), 'utf8')) as RuleFile;
const dashboard = JSON.parse(readFileSync(join(ops, 'grafana', 'forthright.json'), 'utf8')) as Dashboard;
const alertNames = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
const dashboardExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

describe('Prometheus rules, scrape configuration and Grafana dashboard', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('promtool check rules accepts the alert rules', () => {
    const run = promtool(['check', 'rules', join(ops, 'prometheus', 'alerts.yml')]);
    expect(run.status, run.output).toBe(0);
    expect(alertNames).toEqual(
      expect.arrayContaining([
        'ForthrightDeadlineAtRisk',
        'ForthrightRelayRefusing',
        'ForthrightNoWorkerPolling',
        'ForthrightApprovalQueueOld',
      ]),
    );
  });

  it('promtool test rules: every alert has a test in which it fires, and the tests pass', () => {
    const tests = parse(readFileSync(join(ops, 'prometheus', 'alerts.test.yml'), 'utf8')) as RuleTests;
    const firing = new Set(
      tests.tests.flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    expect(
      alertNames.filter((a) => !firing.has(a)),
      'alerts without a firing test',
    ).toEqual([]);
    const run = promtool(['test', 'rules', join(ops, 'prometheus', 'alerts.test.yml')]);
    expect(run.status, run.output).toBe(0);
  });

  it('promtool check config accepts the scrape configuration (with a token file in place)', () => {
    const token = join(dir, 'token');
    writeFileSync(token, 'x'.repeat(64));
    const text = readFileSync(join(ops, 'prometheus', 'prometheus.yml'), 'utf8');
    expect(text).toContain('/etc/prometheus/forthright-metrics-token');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      text.replaceAll('/etc/prometheus/forthright-metrics-token', token),
    );
    copyFileSync(join(ops, 'prometheus', 'alerts.yml'), join(dir, 'alerts.yml'));
    const run = promtool(['check', 'config', join(dir, 'prometheus.yml')]);
    expect(run.status, run.output).toBe(0);
  });

  it('every dashboard query parses (checked as recording rules)', () => {
    expect(dashboardExprs.length).toBeGreaterThan(10);
    const file = join(dir, 'dashboard-rules.yml');
    writeFileSync(
      file,
      JSON.stringify({
        groups: [
          {
            name: 'dashboard',
            rules: dashboardExprs.map((expr, i) => ({ record: `dashboard:panel_${i}`, expr })),
          },
        ],
      }),
    );
    const run = promtool(['check', 'rules', file]);
    expect(run.status, run.output).toBe(0);
  });

  it('names only metrics core/metrics.ts defines', async () => {
    const defined = new Set(
      [...workerRegistry.getMetricsAsArray(), ...apiRegistry.getMetricsAsArray()].map((m) => m.name),
    );
    const used = new Set(
      [
        ...alertNames.map(() => ''),
        ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
        ...dashboardExprs,
      ]
        .join('\n')
        .match(/forthright_[a-z_]+/g),
    );
    // A histogram's series carry suffixes of its name.
    const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
    expect([...used].filter((name) => !defined.has(name) && !defined.has(base(name)))).toEqual([]);
    expect(used.size).toBeGreaterThan(8);
  });
});
