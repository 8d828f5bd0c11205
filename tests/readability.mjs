// Run Mozilla's Readability (Firefox Reader View) on one HTML file; print what it found as JSON.
// Usage: node tests/readability.mjs FILE URL
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { Readability, isProbablyReaderable } from "@mozilla/readability";

const [file, url] = process.argv.slice(2);
const dom = new JSDOM(readFileSync(file, "utf8"), { url });
const readerable = isProbablyReaderable(dom.window.document);
const article = new Readability(dom.window.document).parse();
process.stdout.write(JSON.stringify({ readerable, ...article }));
