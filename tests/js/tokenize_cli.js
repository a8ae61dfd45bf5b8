// Reads a JSON list of strings on stdin; prints [[normalize(s), tokenize(s), queryWords(s)], …].
'use strict';
const path = require('path');
const tok = require(path.join(__dirname, '..', '..', 'static', 'js', 'tokenize.js'));
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const texts = JSON.parse(input);
  const out = texts.map((s) => [tok.normalize(s), tok.tokenize(s), tok.queryWords(s)]);
  process.stdout.write(JSON.stringify(out));
});
