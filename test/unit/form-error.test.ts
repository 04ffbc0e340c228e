import { createElement, Fragment } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CORRECT_FIELDS, FormError, formFeedback, TextField } from '@/components/ui/form';
import type { ActionResult } from '@/lib/actions/operation';

/** A form as the portal's forms are made: the summary, then the fields with their own messages. */
function form(state: ActionResult, fields: string[], shown?: string[]) {
  const { errors } = formFeedback(state);
  return renderToStaticMarkup(
    createElement(
      Fragment,
      null,
      createElement(FormError, { state, fields: shown }),
      ...fields.map((name) => createElement(TextField, { key: name, name, label: name, errors: errors(name) })),
    ),
  );
}

const occurrences = (html: string, text: string) => html.split(text).length - 1;

describe('form errors', () => {
  it('shows a field’s message once, under the field, and only the summary above', () => {
    const message = 'This is a public key. Paste the private key; the portal derives the public one.';
    const html = form({ ok: false, code: 'invalid', error: message, fieldErrors: { privateKey: [message] } }, [
      'name',
      'privateKey',
    ]);
    expect(occurrences(html, message)).toBe(1);
    expect(html).toMatch(new RegExp(`<div role="alert" tabindex="-1" [^>]*>${CORRECT_FIELDS}</div>`));
    expect(html).toMatch(/id="field-privateKey-error"[^>]*>This is a public key/);
  });

  it('keeps in the summary a message for a field the form does not show, so nothing is lost', () => {
    const state: ActionResult = {
      ok: false,
      code: 'invalid',
      error: CORRECT_FIELDS,
      fieldErrors: { name: ['Too long.'], userId: ['Invalid UUID.'] },
    };
    const html = form(state, ['name'], ['name']);
    expect(occurrences(html, 'Too long.')).toBe(1);
    expect(html).toContain(`${CORRECT_FIELDS} userId: Invalid UUID.`);
    // Nothing of it shown: the server's own message is the summary.
    const hidden = form(
      { ok: false, code: 'conflict', error: 'That name is taken.', fieldErrors: { alias: ['x'] } },
      [],
      [],
    );
    expect(hidden).toContain('That name is taken.');
  });

  it('shows a refusal without field errors as it is', () => {
    const html = form({ ok: false, code: 'forbidden', error: 'You may not manage users.' }, ['name']);
    expect(occurrences(html, 'You may not manage users.')).toBe(1);
  });
});
