/** Who is calling: set on the request by the token guard, read through @CurrentUser(). */
export interface AuthUser {
  id: number;
  username: string;
  email: string;
  createdAt: Date;
  sessionId: string;
}
