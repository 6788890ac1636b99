/** Who is calling: set on the request by the token guard, read through @CurrentUser(). */
export interface AuthUser {
  id: number;
  username: string;
  email: string;
  /** ISO 8601, as the API writes it. */
  createdAt: string;
  sessionId: string;
  /** Moderators may act on reports (src/moderation); only the operator CLI grants the role. */
  role: UserRole;
}

export type UserRole = 'user' | 'moderator';
