/** The keys a CI request is signed with: the execution role's temporary keys that SCF injects. */
export interface Credentials {
  secretId: string;
  secretKey: string;
  sessionToken: string | undefined;
}
