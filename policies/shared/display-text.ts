// Text shown to other people (display names, organisations): no character that hides, reorders or breaks what is
// around it. Pure: a rule a member can read.
import { z } from 'zod';

// C0 and C1 controls (NUL, tab, line breaks, ESC …), and the bidirectional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) that make "Alice\u202Eecila" display reversed.
const FORBIDDEN = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
// A high surrogate not followed by a low one, or a low one not preceded by a high one (read as UTF-16 code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `value` can be shown as it is: well-formed UTF-16 (no lone surrogate), no control or bidi-control. */
export function isDisplayableText(value: string): boolean {
  return !LONE_SURROGATE.test(value) && !FORBIDDEN.test(value);
}

/** A trimmed display text of `min`–`max` characters (code points) refusing what `isDisplayableText` refuses. */
export function displayTextSchema(min: number, max: number) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine(isDisplayableText, {
      message: 'Use no control characters, direction overrides or broken characters.',
      params: { code: 'invalid_characters' },
    });
}
