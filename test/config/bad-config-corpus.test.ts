/**
 * Every broken configuration in test/fixtures/configs/bad/ must fail with exactly the messages, lines and columns
 * listed in expected.json — all of them, in file order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { loadDeleteImageSetConfig, loadImageSetConfig } from '../../core/config/load-config.js';
import { BAD_CONFIG_DIR, badConfig } from './fixture-paths.js';

interface Expectation {
  kind: 'ImageSetConfiguration' | 'DeleteImageSetConfiguration';
  errors: string[];
}

const expected = JSON.parse(readFileSync(badConfig('expected.json'), 'utf8')) as Record<string, Expectation>;
const yamlFiles = readdirSync(BAD_CONFIG_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

test('the corpus has at least 45 broken configs, each with an expectation', () => {
  assert.ok(yamlFiles.length >= 45, `only ${yamlFiles.length} fixtures`);
  assert.deepEqual(yamlFiles, Object.keys(expected).sort());
});

for (const name of yamlFiles) {
  test(`bad config ${name}`, async () => {
    const { kind, errors } = expected[name];
    const file = badConfig(name);
    const load = kind === 'ImageSetConfiguration' ? loadImageSetConfig : loadDeleteImageSetConfig;
    const err = await load(file).then(
      () => assert.fail(`${name} was accepted`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConfigError, `${name}: not a ConfigError: ${String(err)}`);
    assert.equal(err.code, 'CONFIG');
    const actual = err.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    assert.deepEqual(actual, errors);
    for (const problem of err.problems) assert.equal(problem.file, file);
    // The error's message is what the CLI prints: one "file:line:col: message" line per problem.
    assert.equal(err.message, err.problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
  });
}
