// Typeset TeX to MathJax CHTML at build time (mfnet_book/webpage.py runs it).
//
//   node typeset.js MATHJAX_FULL_DIR FONT_URL < formulas.json > typeset.json
//
// Input: a JSON list of {"tex": "...", "display": true|false}. Output: JSON
// {"html": [one <mjx-container> per formula, in order], "errors": [[index,
// message], ...], "css": the CHTML style sheet for every formula (only the
// characters used), its fonts at FONT_URL}. MathJax 3.2.2 (npm mathjax-full),
// TeX with all its packages (as the browser's tex-mml-chtml bundle), the
// assistive MathML that screen readers read, as in the browser.
"use strict";
const path = require("path");
const dir = process.argv[2];
const fontURL = process.argv[3];
const req = name => require(path.join(dir, "js", name));
const {mathjax} = req("mathjax.js");
const {TeX} = req("input/tex.js");
const {CHTML} = req("output/chtml.js");
const {liteAdaptor} = req("adaptors/liteAdaptor.js");
const {RegisterHTMLHandler} = req("handlers/html.js");
const {AssistiveMmlHandler} = req("a11y/assistive-mml.js");
const {AllPackages} = req("input/tex/AllPackages.js");

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
// The browser bundle's packages; noerrors/noundefined as there (an error is
// shown in place), and reported below so that the build can fail on it.
const tex = new TeX({packages: AllPackages.filter(p => p !== "bussproofs")});
const chtml = new CHTML({fontURL, adaptiveCSS: true});
const doc = mathjax.document("", {InputJax: tex, OutputJax: chtml});

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", chunk => { input += chunk; });
process.stdin.on("end", () => {
  const formulas = JSON.parse(input);
  const html = [], errors = [];
  formulas.forEach((f, i) => {
    const node = doc.convert(f.tex, {display: f.display});
    const out = adaptor.outerHTML(node);
    const err = out.match(/data-mjx-error="([^"]*)"/) ||
                (/<mjx-merror/.test(out) ? [null, "TeX error"] : null);
    if (err) errors.push([i, err[1]]);
    if (/<mjx-mtext[^>]*style="[^"]*color:\s*red/.test(out)) errors.push([i, "undefined macro"]);
    html.push(out);
  });
  const css = adaptor.textContent(chtml.styleSheet(doc));
  process.stdout.write(JSON.stringify({html, errors, css}));
});
