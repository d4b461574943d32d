/**
 * Go's string order (by UTF-16 code unit here, which agrees with Go's byte order for the ASCII names it sorts):
 * independent of the locale, so generated files and listings are the same on every machine.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
