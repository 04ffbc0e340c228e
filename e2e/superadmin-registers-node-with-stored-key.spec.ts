import { logIn } from './support/login';
import { expect, test } from './support/test';

type DiscardEvent = { outcome: string; target: { type: string; exists: boolean } };

/**
 * A node registered with a key already in Credentials: no key is pasted or made. A registration
 * cancelled after its pasted key logged in leaves no key behind in Credentials.
 */
test('SuperAdmin registers a node with a key from Credentials, and a cancelled registration leaves no key', async ({
  page,
  world,
  api,
}) => {
  const dc = await world.dataCenter('Stored key');
  const node = await world.sshNode();
  const keyName = world.unique('stored-key');
  await api.post('/credential-imports', { name: keyName, privateKey: node.privateKey });
  // Other tests add keys meanwhile; this node's key pair is this test's alone.
  const keysOfThisNode = async () =>
    ((await api.get('/credentials')).credentials as { publicKey: string }[]).filter(
      (c) => c.publicKey.split(' ')[1] === node.publicKey.split(' ')[1],
    ).length;
  expect(await keysOfThisNode()).toBe(1);
  const nodeName = world.unique('stored-key-node');
  await logIn(page);

  const fillConnection = async (name: string) => {
    await page.goto(`/locations/${dc.id}/nodes/new`);
    await page.getByLabel('Node name').fill(name);
    await page.getByLabel('Host').fill(node.host);
    await page.getByLabel('SSH port').fill(String(node.port));
    await page.getByLabel('SSH user').fill(node.user);
    await page.getByLabel('Image directory').fill(node.imageDir);
  };

  await test.step('a pasted key that logged in, then Cancel: the key is gone again', async () => {
    // The audit filter takes only actions that occur: before the first discard there is none to list.
    const discards = async () => {
      const answer = await api.fetch('GET', '/audit?action=credential.discard');
      return answer.status() === 400 ? [] : ((await answer.json()).rows as DiscardEvent[]);
    };
    const before = (await discards()).length;
    await fillConnection(world.unique('cancelled'));
    await page.getByRole('textbox', { name: 'Private key' }).fill(node.privateKey);
    await page.getByRole('button', { name: 'Connect and show host key' }).click();
    await expect(page.getByTestId('host-key-fingerprint')).toHaveText(node.hostKeyFingerprint);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('heading', { level: 1, name: dc.name })).toBeVisible();
    // The provisional key the probe stored was deleted: its discard is audited, and it exists no more.
    const after = await discards();
    expect(after.length).toBe(before + 1);
    expect(after[0]).toMatchObject({ outcome: 'ok', target: { type: 'credential', exists: false } });
    expect(await keysOfThisNode()).toBe(1);
  });

  await test.step('the key chosen from Credentials', async () => {
    await fillConnection(nodeName);
    await page.getByRole('radio', { name: 'Use a key from Credentials' }).check();
    await page.getByRole('combobox', { name: 'SSH key' }).selectOption({ label: keyName });
    await page.getByRole('button', { name: 'Connect and show host key' }).click();
    await expect(page.getByTestId('host-key-fingerprint')).toHaveText(node.hostKeyFingerprint);
    await page.getByRole('button', { name: 'Confirm fingerprint and register' }).click();
    await expect(page.getByRole('heading', { level: 1, name: nodeName })).toBeVisible();
    expect(await keysOfThisNode()).toBe(1);
    await page.goto('/credentials');
    await expect(page.getByRole('row', { name: new RegExp(keyName) })).toContainText(nodeName);
  });
});
