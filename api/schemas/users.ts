import { z } from 'zod';
import { ROLES, USER_KINDS } from '../../core/domain/model';

export const UserRecord = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  kind: z.enum(USER_KINDS),
  active: z.boolean(),
  createdAt: z.date(),
});
export const UserList = z.object({ items: z.array(UserRecord) });

export const CreateUserBody = z.strictObject({
  email: z.email(),
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
});

/** A person to invite; the OIDC provider's groups set their role at each sign-in. */
export const InviteUserBody = CreateUserBody;
export const InvitedUser = UserRecord.omit({ active: true, createdAt: true });

/** The new token is shown once, here; only its hash is stored. It expires (SERVICE_TOKEN_DAYS). */
export const UserWithToken = z.object({
  user: UserRecord.omit({ active: true, createdAt: true }),
  token: z.string(),
  expiresAt: z.date(),
});

export const Me = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  kind: z.enum(USER_KINDS),
});
