// Writes reviews.csv: short film reviews labelled positive or negative, for samples/text_sentiment.nn.
// Made from templates (seeded, so the file is the same every time); "not" before the adjective
// turns the label round, so a model must read the words in order, not only count them.
// Run: node --import tsx samples/data/make-reviews.ts

import * as fs from 'node:fs';
import * as path from 'node:path';

let s = 7;
const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const subjects = ['the movie', 'this film', 'the plot', 'the acting', 'the music', 'the ending', 'the cast', 'the story', 'the script', 'the camera work'];
const good = ['great', 'wonderful', 'brilliant', 'moving', 'funny', 'beautiful', 'excellent', 'clever', 'charming', 'superb'];
const bad = ['boring', 'awful', 'terrible', 'dull', 'predictable', 'weak', 'painful', 'silly', 'clumsy', 'bland'];
const very = ['', 'really ', 'very ', 'truly ', 'quite ', 'so '];
const verbs = ['was', 'is', 'felt', 'seemed'];

const rows = ['text,label'];
for (let i = 0; i < 600; i++) {
  const positive = rand() < 0.5;
  const negated = rand() < 0.3;
  // a negated sentence says the opposite word: "not boring" is positive
  const adjective = pick(positive !== negated ? good : bad);
  const text = `${pick(subjects)} ${pick(verbs)} ${negated ? 'not ' : ''}${pick(very)}${adjective}`;
  const tail = rand() < 0.3 ? (positive ? pick([', I loved it', ', worth seeing', ', see it']) : pick([', I left early', ', skip it', ', a waste of time'])) : '';
  rows.push(`"${text}${tail}",${positive ? 'positive' : 'negative'}`);
}
fs.writeFileSync(path.join(__dirname, 'reviews.csv'), rows.join('\n') + '\n');
