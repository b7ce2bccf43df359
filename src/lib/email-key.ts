/**
 * The one normalisation under which two spellings of an e-mail address name the same account
 * (docs/parity.md#e-mail-address-matching): surrounding white space trimmed, Unicode NFC (canonically equivalent spellings such as `é` and
 * `e` + U+0301 are one string), ASCII letters lower-cased. Nothing else is folded: full-width, accented and other
 * look-alike letters, or a non-ASCII letter in another case, make another address, whose mailbox may be someone
 * else's. Accounts are stored under this key (users.email_key, binary collation) and found by it alone.
 */
export function emailKey(email: string): string {
  return email
    .trim()
    .normalize('NFC')
    .replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
