// epubcheck-ts over many EPUBs in one Node process (starting Node and
// loading the checker costs more than checking a book).
//
//   node tests/tools/epubcheck-ts-many.mjs PATH/TO/bin/epubcheck.js A.epub B.epub
//
// PATH/TO/bin/epubcheck.js is the command-line tool (EPUBCHECK_TS); its
// package's library does the checking, with the options the tool uses
// without flags. One line per file on stdout:
//   FILE<TAB>valid|invalid<TAB>ERRORS<TAB>WARNINGS
// with errors counting fatal ones, as the tool's "Errors:" line does.
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const [tool, ...files] = process.argv.slice(2);
const lib = join(dirname(tool), "..", "dist", "index.js");
const { EpubCheck } = await import(pathToFileURL(lib).href);
for (const file of files) {
  let line;
  try {
    const r = await EpubCheck.validate(await readFile(file), {}, basename(file));
    line = [file, r.valid ? "valid" : "invalid", r.errorCount + r.fatalCount,
            r.warningCount].join("\t");
  } catch (e) {
    line = [file, "invalid", 1, 0].join("\t");
    console.error(`${file}: epubcheck-ts failed: ${e}`);
  }
  console.log(line);
}
