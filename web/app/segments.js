// How many SMS segments a text takes (issue 18): the composer shows it while the
// agent types, since a long or emoji-bearing text costs several messages.
// GSM-7 (3GPP TS 23.038) when every character is in the basic set or its
// extension table (an extension character is an escape plus one septet: 2);
// otherwise UCS-2, counted in UTF-16 code units (a surrogate pair is 2).
// One segment holds 160 septets or 70 units; a text of several holds 153 or 67
// per segment (the rest is the concatenation header), and a character is never
// split across two segments.

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?'
  + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

// Each character's cost in the encoding's units.
function costs(text) {
  const chars = [...text]; // by code point: a surrogate pair stays together
  if (chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c))) {
    return { encoding: 'GSM-7', chars, cost: chars.map((c) => (GSM_EXTENSION.has(c) ? 2 : 1)) };
  }
  return { encoding: 'UCS-2', chars, cost: chars.map((c) => c.length) };
}

// {encoding: 'GSM-7' | 'UCS-2', characters (code points), units (septets or
// UTF-16 code units), segments (0 for an empty text), perSegment (units a segment
// of this text holds)}.
export function smsSegments(text) {
  const { encoding, chars, cost } = costs(text || '');
  const units = cost.reduce((a, b) => a + b, 0);
  const limit = LIMITS[encoding];
  if (units === 0) return { encoding, characters: 0, units: 0, segments: 0, perSegment: limit.single };
  if (units <= limit.single) return { encoding, characters: chars.length, units, segments: 1, perSegment: limit.single };
  let segments = 1;
  let used = 0;
  for (const c of cost) {
    if (used + c > limit.multi) {
      segments += 1;
      used = 0;
    }
    used += c;
  }
  return { encoding, characters: chars.length, units, segments, perSegment: limit.multi };
}

// "161 characters · GSM-7 · 2 segments", as the composer shows it.
export function describeSegments(text) {
  const s = smsSegments(text);
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(s.characters, 'character')} · ${s.encoding} · ${plural(s.segments, 'segment')}`;
}
