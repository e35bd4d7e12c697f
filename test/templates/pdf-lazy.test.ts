/**
 * playwright-core is loaded by the first PDF, not by the API's module graph: requiring it costs a
 * process about 80 MB of RSS. Checked in a fresh Node process, since jest's module registry is not Node's.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

it('leaves playwright-core unloaded when the API app and the PDF renderer are required', () => {
  const script = `
    const { PdfRenderer } = require('./templates/pdf');
    require('./api/app');
    new PdfRenderer('/usr/bin/chromium');
    process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('playwright-core'))));
  `;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  expect(JSON.parse(out)).toEqual([]);
});
