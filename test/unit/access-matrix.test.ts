import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessMatrixTable } from '@/components/access/access-matrix-table';
import { POLICY_MATRIX, type PolicyAction } from '@/lib/auth/policy';
import { ROLES } from '@/lib/db/enums';
import { accessMatrixRows } from '@/lib/users/access-matrix';

const actions = Object.keys(POLICY_MATRIX) as PolicyAction[];
const render = () => renderToStaticMarkup(createElement(AccessMatrixTable));
const matrix = POLICY_MATRIX as unknown as Record<
  string,
  { label: string; roles: Record<string, { scope: string; rule: () => boolean }> }
>;

describe('the access matrix view', () => {
  afterEach(() => {
    delete matrix['test.only-row'];
  });

  it('has one row per POLICY_MATRIX action, with its label and each role’s scope', () => {
    const rows = accessMatrixRows();
    expect(rows.map((r) => r.action)).toEqual(actions);
    for (const row of rows) {
      expect(row.label).toBe(POLICY_MATRIX[row.action].label);
      for (const role of ROLES) {
        const entry = (POLICY_MATRIX[row.action].roles as Record<string, { scope: string } | undefined>)[role];
        expect(row.scopes[role], `${row.action} / ${role}`).toBe(entry?.scope ?? null);
      }
    }
  });

  it('renders every row, label and scope of the policy', () => {
    const html = render();
    for (const action of actions) {
      expect(html).toContain(`data-action="${action}"`);
      expect(html).toContain(POLICY_MATRIX[action].label);
      for (const entry of Object.values(POLICY_MATRIX[action].roles)) expect(html).toContain(entry.scope);
    }
    expect(html.match(/<tr data-action=/g)).toHaveLength(actions.length);
  });

  it('follows the policy when it changes: a new row shows without touching the view', () => {
    matrix['test.only-row'] = {
      label: 'do a thing only this test knows',
      roles: { ImageAdmin: { scope: 'a scope only this test knows', rule: () => true } },
    };
    const html = render();
    expect(html).toContain('data-action="test.only-row"');
    expect(html).toContain('do a thing only this test knows');
    expect(html).toContain('a scope only this test knows');
  });
});
