/**
 * The shape of one registry login, shared by the auth-file reader (credentials.ts) and the credential-helper
 * runner (credential-helper.ts) without either importing the other back.
 */

/** What a registry login needs: a password, or an OAuth2 refresh ("identity") token. */
export type Credential = { username: string; password: string } | { identityToken: string };
