import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMapping } from '../../core/cluster-resources/dry-run-mapping.js';

test('mapping.txt: one source=destination line per image, in order, with transports', () => {
  assert.equal(
    formatMapping([
      {
        source: 'docker://registry.redhat.io/ubi9/ubi:latest',
        destination: 'docker://localhost:55000/ubi9/ubi:latest',
      },
      { source: 'oci:///data/oci/myimg', destination: 'docker://localhost:55000/data/oci/myimg:latest' },
    ]),
    'docker://registry.redhat.io/ubi9/ubi:latest=docker://localhost:55000/ubi9/ubi:latest\n' +
      'oci:///data/oci/myimg=docker://localhost:55000/data/oci/myimg:latest\n',
  );
  assert.equal(formatMapping([]), '');
});
