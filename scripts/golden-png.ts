/**
 * Renders the golden documents (test/golden/**.html) to PNG pages with the headless Chromium, so a
 * person can look at them before committing new golden copies: npm run golden:png
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findChromium, PdfRenderer } from '../templates/pdf';

async function main(): Promise<void> {
  const chromium = findChromium(process.env.CHROMIUM_PATH);
  if (!chromium) throw new Error('no Chromium found: apt-get install chromium, or set CHROMIUM_PATH');
  const root = path.join(__dirname, '../test/golden');
  const out = path.join(__dirname, '../test/.tmp/golden-png');
  mkdirSync(out, { recursive: true });
  const pdf = new PdfRenderer(chromium);
  try {
    for (const dir of readdirSync(root)) {
      for (const file of readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.html'))) {
        const png = await pdf.png(readFileSync(path.join(root, dir, file), 'utf8'));
        const target = path.join(out, `${dir}-${file.replace(/\.html$/, '.png')}`);
        writeFileSync(target, png);
        console.log(target);
      }
    }
  } finally {
    await pdf.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
