import { randomInt } from 'node:crypto';

// Look-alikes (0/O, 1/l/I) are left out so a person can copy it by reading it.
const CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=?@_'] as const;
const ALPHABET = CLASSES.join('');

/** Length of generated passwords: about 120 bits of entropy from a 67-character alphabet. */
const GENERATED_PASSWORD_LENGTH = 20;

/**
 * A strong random password from `node:crypto` (uniform choices, no modulo bias) with at
 * least one capital, small letter, digit and symbol, so that it passes whatever character
 * rules DART may apply.
 */
export function generatePassword(length = GENERATED_PASSWORD_LENGTH): string {
  for (;;) {
    let password = '';
    for (let index = 0; index < length; index += 1) password += ALPHABET[randomInt(ALPHABET.length)];
    if (CLASSES.every((characters) => [...password].some((character) => characters.includes(character)))) return password;
  }
}
