import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as openApiRoute from '@/app/api/v1/openapi.json/route';
import { PROJECT_ROOT } from '../support/route-files';

type LintReport = {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer?: string }[] }[];
};

/** Redocly's `recommended` rules, offline: no telemetry, no update check, nothing fetched. */
const CONFIG = 'extends:\n  - recommended\ntelemetry: off\n';
const OFFLINE = {
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
};

function lint(document: unknown): LintReport {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-lint-'));
  try {
    fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(document));
    fs.writeFileSync(path.join(dir, 'redocly.yaml'), CONFIG);
    const cli = path.join(PROJECT_ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
    const run = spawnSync(
      process.execPath,
      [cli, 'lint', 'openapi.json', '--config', 'redocly.yaml', '--format', 'json'],
      {
        cwd: dir,
        env: { ...process.env, ...OFFLINE },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    if (!run.stdout.trim().startsWith('{')) throw new Error(`redocly lint said nothing usable:\n${run.stderr}`);
    return JSON.parse(run.stdout) as LintReport;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const problemsOf = (report: LintReport) =>
  report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);

describe('the OpenAPI document under `redocly lint` (recommended rules)', { timeout: 120_000 }, () => {
  it('passes with no error and no warning', async () => {
    const document = await openApiRoute.GET().json();
    const report = lint(document);
    expect(problemsOf(report)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('does complain about what the rules ask for, so the pass above means something', async () => {
    const document = await openApiRoute.GET().json();
    delete document.info.license;
    delete document.tags[0].description;
    const report = lint(document);
    expect(report.problems.map((p) => p.ruleId).sort()).toEqual(['info-license', 'tag-description']);
  });
});
