// Writes FILE.br (brotli, quality 11) and FILE.gz (gzip, level 9) beside each FILE given,
// so the server sends static assets pre-compressed at the highest level. Node's own zlib:
// nothing to install.
import { readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

for (const file of process.argv.slice(2)) {
  const raw = readFileSync(file);
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gz);
  console.log(`${file.split("/").pop()}: ${raw.length} B, brotli ${br.length} B, gzip ${gz.length} B`);
}
