export const ROLES = ['student', 'ta', 'instructor'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as established by a verified Google identity and our own session token. */
export interface AuthenticatedUser {
  email: string;
  role: Role;
  /** Person row id, when the person is known to the database. */
  personId: string | null;
}
